import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage, isStaleVersion } from '../utils/errors';

interface Props {
  error: unknown;
  /** Field problems the form could not show next to a field. */
  unmatched?: string[];
  /** Offered when the record changed under the user (409 stale_version). */
  onReload?: () => void;
}

/** What went wrong with a save, above the form's buttons. */
export function MutationErrorAlert({ error, unmatched = [], onReload }: Props) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  if (isStaleVersion(error)) {
    return (
      <Alert
        role="alert"
        type="warning"
        showIcon
        style={{ marginBottom: 16 }}
        title={t('common.staleTitle')}
        description={t('common.staleVersion')}
        action={
          onReload ? (
            <Button size="small" onClick={onReload}>
              {t('common.reload')}
            </Button>
          ) : undefined
        }
      />
    );
  }
  return (
    <Alert
      role="alert"
      type="error"
      showIcon
      style={{ marginBottom: 16 }}
      title={errorMessage(error, i18n.language, t('common.unexpectedError'))}
      description={unmatched.length ? unmatched.join('；') : undefined}
    />
  );
}

import { Alert, Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../utils/errors';

interface Props {
  error: unknown;
  onRetry?: () => void;
  title?: string;
  /** A compact Alert inside a card instead of a page-sized Result. */
  compact?: boolean;
}

/** The error state of anything loaded from the server, with the server's message and a retry button. */
export function QueryError({ error, onRetry, title, compact }: Props) {
  const { t, i18n } = useTranslation();
  const message = errorMessage(error, i18n.language, t('common.unexpectedError'));
  const retry = onRetry ? (
    <Button size={compact ? 'small' : 'middle'} type={compact ? 'default' : 'primary'} onClick={onRetry}>
      {t('common.retry')}
    </Button>
  ) : null;
  if (compact) {
    return <Alert type="error" showIcon title={title ?? t('common.loadFailed')} description={message} action={retry} />;
  }
  return <Result status="error" title={title ?? t('common.loadFailed')} subTitle={message} extra={retry} />;
}

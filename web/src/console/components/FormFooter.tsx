import { Button, Flex } from 'antd';
import { useTranslation } from 'react-i18next';
import { MutationErrorAlert } from './MutationErrorAlert';

interface Props {
  error: unknown;
  unmatched?: string[];
  saving: boolean;
  onCancel: () => void;
  onReload?: () => void;
}

/** The end of every edit form: what went wrong (if anything), then Cancel and Save. */
export function FormFooter({ error, unmatched, saving, onCancel, onReload }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <MutationErrorAlert error={error} unmatched={unmatched} onReload={onReload} />
      <Flex justify="flex-end" gap={8}>
        <Button onClick={onCancel}>{t('common.cancel')}</Button>
        <Button type="primary" htmlType="submit" loading={saving}>
          {t('common.save')}
        </Button>
      </Flex>
    </>
  );
}

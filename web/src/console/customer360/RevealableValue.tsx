import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { App, Button, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RevealResponse } from '../../api/types';
import { useReveal } from '../hooks/customers';
import { errorMessage } from '../utils/errors';

interface Props {
  customerId: string;
  field: RevealResponse['field'];
  masked: string | null;
  canReveal: boolean;
}

/** A masked personal value with a "显示" button; every reveal is recorded by the server in the audit log. */
export function RevealableValue({ customerId, field, masked, canReveal }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const reveal = useReveal(customerId);
  const [revealed, setRevealed] = useState<string | null>(null);

  if (!masked) return <Typography.Text type="secondary">{t('customer.notSet')}</Typography.Text>;

  if (revealed !== null) {
    return (
      <Space size={8} wrap>
        <Typography.Text className="sw-code" copyable data-testid={`revealed-${field}`}>
          {revealed}
        </Typography.Text>
        <Button size="small" type="link" icon={<EyeInvisibleOutlined />} onClick={() => setRevealed(null)}>
          {t('customer.hide')}
        </Button>
        <Typography.Text type="warning" style={{ fontSize: 12 }}>
          {t('customer.revealed')}
        </Typography.Text>
      </Space>
    );
  }

  return (
    <Space size={8}>
      <Typography.Text className="sw-code">{masked}</Typography.Text>
      {canReveal ? (
        <Button
          size="small"
          type="link"
          icon={<EyeOutlined />}
          loading={reveal.isPending}
          data-testid={`reveal-${field}`}
          onClick={() =>
            reveal.mutate(field, {
              onSuccess: (result) => setRevealed(result.value ?? ''),
              onError: (error) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError'))),
            })
          }
        >
          {t('customer.reveal')}
        </Button>
      ) : null}
    </Space>
  );
}

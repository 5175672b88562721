import { EditOutlined, HeartOutlined, StarOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Flex, Space, Typography } from 'antd';
import type { DescriptionsProps } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../../api/types';
import { CustomerTags } from '../components/CustomerTags';
import { useSession } from '../session/session';
import { formatDateTime } from '../utils/format';
import { RevealableValue } from './RevealableValue';

export function CustomerHeaderCard({ customer, onEdit }: { customer: Customer; onEdit: () => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const canReveal = can('customer.reveal');

  const items: DescriptionsProps['items'] = [
    { key: 'customerNo', label: t('customer.fields.customerNo'), children: <span className="sw-code">{customer.customerNo}</span> },
    { key: 'kind', label: t('customer.fields.kind'), children: t(`customer.kind.${customer.kind}`) },
    {
      key: 'phone',
      label: t('customer.fields.phone'),
      children: <RevealableValue customerId={customer.id} field="phone" masked={customer.phoneMasked} canReveal={canReveal} />,
    },
    {
      key: 'idNumber',
      label: customer.idType ? t(`customer.idType.${customer.idType}`) : t('customer.fields.idNumber'),
      children: (
        <RevealableValue customerId={customer.id} field="idNumber" masked={customer.idNumberMasked} canReveal={canReveal} />
      ),
    },
    { key: 'email', label: t('customer.fields.email'), children: customer.email ?? '—' },
    { key: 'createdAt', label: t('customer.fields.createdAt'), children: formatDateTime(customer.createdAt) },
    { key: 'updatedAt', label: t('customer.fields.updatedAt'), children: formatDateTime(customer.updatedAt) },
    ...(customer.notes
      ? [{ key: 'notes', label: t('customer.fields.notes'), span: 2, children: customer.notes }]
      : []),
  ];

  return (
    <Card>
      <Flex justify="space-between" align="flex-start" gap={16} style={{ marginBottom: 16 }}>
        <Space size={12} wrap align="center">
          <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-name">
            {customer.name}
          </Typography.Title>
          <CustomerTags
            isImportant={customer.isImportant}
            isSpecialCare={customer.isSpecialCare}
            importantNote={customer.importantNote}
            specialCareNote={customer.specialCareNote}
          />
        </Space>
        {can('customer.write') ? (
          <Button icon={<EditOutlined />} onClick={onEdit}>
            {t('customer.edit')}
          </Button>
        ) : null}
      </Flex>
      {customer.isImportant && customer.importantNote ? (
        <Alert
          style={{ marginBottom: 12 }}
          type="warning"
          icon={<StarOutlined />}
          showIcon
          title={t('customer.flagNote', { flag: t('customer.important'), note: customer.importantNote })}
        />
      ) : null}
      {customer.isSpecialCare && customer.specialCareNote ? (
        <Alert
          style={{ marginBottom: 12 }}
          type="info"
          icon={<HeartOutlined />}
          showIcon
          title={t('customer.flagNote', { flag: t('customer.specialCare'), note: customer.specialCareNote })}
        />
      ) : null}
      <Descriptions className="sw-descriptions" size="small" column={{ xs: 1, md: 2, xl: 3 }} items={items} />
    </Card>
  );
}

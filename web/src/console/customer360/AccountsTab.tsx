import { EditOutlined } from '@ant-design/icons';
import { Button, Empty, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Account } from '../../api/types';
import { AccountStatusTag } from '../components/StatusTags';
import { useServiceHalls } from '../hooks/customers';
import { formatDate } from '../utils/format';
import { TabToolbar } from './TabToolbar';

interface Props {
  accounts: Account[];
  canWrite: boolean;
  onAdd: () => void;
  onEdit: (account: Account) => void;
}

export function AccountsTab({ accounts, canWrite, onAdd, onEdit }: Props) {
  const { t } = useTranslation();
  const halls = useServiceHalls();
  const hallName = (id: string | null) => (id ? (halls.data?.find((hall) => hall.id === id)?.name ?? '—') : '—');

  const columns: TableColumnsType<Account> = [
    {
      key: 'accountNo',
      title: t('account.fields.accountNo'),
      width: 140,
      render: (_, row) => (
        <Typography.Text className="sw-code" strong copyable>
          {row.accountNo}
        </Typography.Text>
      ),
    },
    { key: 'category', title: t('account.fields.category'), width: 130, render: (_, row) => t(`account.category.${row.category}`) },
    { key: 'status', title: t('account.fields.status'), width: 100, render: (_, row) => <AccountStatusTag status={row.status} /> },
    {
      key: 'householdSize',
      title: t('account.fields.householdSize'),
      width: 100,
      render: (_, row) => t('account.persons', { count: row.householdSize }),
    },
    { key: 'address', title: t('account.fields.address'), dataIndex: 'fullAddress' },
    { key: 'hall', title: t('account.fields.serviceHall'), width: 160, render: (_, row) => hallName(row.serviceHallId) },
    { key: 'openedOn', title: t('account.fields.openedOn'), width: 120, render: (_, row) => formatDate(row.openedOn) },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 90,
            render: (_: unknown, row: Account) => (
              <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(row)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <TabToolbar addLabel={t('account.add')} onAdd={canWrite ? onAdd : undefined} />
      <Table<Account>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={accounts}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('account.empty')} /> }}
      />
    </>
  );
}

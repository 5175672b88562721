import { EditOutlined } from '@ant-design/icons';
import { Button, Empty, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Account, Premise } from '../../api/types';
import { TabToolbar } from './TabToolbar';

interface Props {
  premises: Premise[];
  accounts: Account[];
  canWrite: boolean;
  onEdit: (premise: Premise) => void;
}

export function PremisesTab({ premises, accounts, canWrite, onEdit }: Props) {
  const { t } = useTranslation();
  const columns: TableColumnsType<Premise> = [
    {
      key: 'fullAddress',
      title: t('premise.fields.fullAddress'),
      render: (_, row) => <Typography.Text data-testid="premise-full-address">{row.fullAddress}</Typography.Text>,
    },
    { key: 'district', title: t('premise.fields.district'), dataIndex: 'district', width: 120 },
    { key: 'street', title: t('premise.fields.street'), dataIndex: 'street', width: 140 },
    {
      key: 'buildingType',
      title: t('premise.fields.buildingType'),
      width: 130,
      render: (_, row) => t(`premise.buildingType.${row.buildingType}`),
    },
    {
      key: 'accounts',
      title: t('premise.accountsHere'),
      width: 150,
      render: (_, row) => (
        <Space orientation="vertical" size={0}>
          {accounts
            .filter((account) => account.premiseId === row.id)
            .map((account) => (
              <span className="sw-code" key={account.id}>
                {account.accountNo}
              </span>
            ))}
        </Space>
      ),
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 90,
            render: (_: unknown, row: Premise) => (
              <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(row)} data-testid="edit-premise">
                {t('common.edit')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <>
      <TabToolbar />
      <Table<Premise>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={premises}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('premise.empty')} /> }}
      />
    </>
  );
}

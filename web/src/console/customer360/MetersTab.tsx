import { EditOutlined } from '@ant-design/icons';
import { Button, Empty, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Meter, Premise } from '../../api/types';
import { MeterStatusTag } from '../components/StatusTags';
import { formatDate } from '../utils/format';
import { MeterDue } from './MeterDue';
import { TabToolbar } from './TabToolbar';

interface Props {
  meters: Meter[];
  premises: Premise[];
  canWrite: boolean;
  onAdd: () => void;
  onEdit: (meter: Meter) => void;
}

export function MetersTab({ meters, premises, canWrite, onAdd, onEdit }: Props) {
  const { t } = useTranslation();
  const address = (id: string | null) =>
    id ? (premises.find((premise) => premise.id === id)?.fullAddress ?? '—') : t('meter.noPremise');

  const columns: TableColumnsType<Meter> = [
    {
      key: 'serialNo',
      title: t('meter.fields.serialNo'),
      width: 150,
      render: (_, row) => (
        <Typography.Text className="sw-code" strong>
          {row.serialNo}
        </Typography.Text>
      ),
    },
    { key: 'model', title: t('meter.fields.model'), dataIndex: 'model', width: 140 },
    { key: 'sizeDn', title: t('meter.fields.sizeDn'), width: 80, render: (_, row) => `DN${row.sizeDn}` },
    {
      key: 'isRemote',
      title: t('meter.fields.isRemote'),
      width: 90,
      render: (_, row) => (row.isRemote ? <Tag color="geekblue">{t('meter.remote')}</Tag> : <Tag>{t('meter.mechanical')}</Tag>),
    },
    { key: 'status', title: t('meter.fields.status'), width: 90, render: (_, row) => <MeterStatusTag status={row.status} /> },
    { key: 'premise', title: t('meter.fields.premise'), render: (_, row) => address(row.premiseId) },
    { key: 'installedOn', title: t('meter.fields.installedOn'), width: 115, render: (_, row) => formatDate(row.installedOn) },
    {
      key: 'due',
      title: t('meter.fields.verificationDueOn'),
      width: 210,
      render: (_, row) => <MeterDue dueOn={row.verificationDueOn} />,
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 90,
            render: (_: unknown, row: Meter) => (
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
      <TabToolbar note={t('meter.dueRule')} addLabel={t('meter.add')} onAdd={canWrite ? onAdd : undefined} />
      <Table<Meter>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={meters}
        pagination={false}
        scroll={{ x: 1100 }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('meter.empty')} /> }}
      />
    </>
  );
}

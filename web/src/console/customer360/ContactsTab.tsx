import { DeleteOutlined, EditOutlined } from '@ant-design/icons';
import { App, Button, Empty, Popconfirm, Space, Table, Tag } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../api/types';
import { useDeleteContact } from '../hooks/customers';
import { errorMessage } from '../utils/errors';
import { TabToolbar } from './TabToolbar';

interface Props {
  contacts: Contact[];
  canWrite: boolean;
  onAdd: () => void;
  onEdit: (contact: Contact) => void;
}

export function ContactsTab({ contacts, canWrite, onAdd, onEdit }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const remove = useDeleteContact();

  const columns: TableColumnsType<Contact> = [
    {
      key: 'name',
      title: t('contact.fields.name'),
      render: (_, row) => (
        <Space size={6}>
          {row.name}
          {row.isPrimary ? <Tag color="blue">{t('contact.primary')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'relation', title: t('contact.fields.relation'), dataIndex: 'relation', width: 160 },
    {
      key: 'phone',
      title: t('contact.fields.phone'),
      width: 160,
      render: (_, row) => <span className="sw-code">{row.phoneMasked}</span>,
    },
    ...(canWrite
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 180,
            render: (_: unknown, row: Contact) => (
              <Space size={0}>
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => onEdit(row)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('common.confirmDelete')}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }}
                  onConfirm={() =>
                    remove.mutateAsync(row.id).then(
                      () => void message.success(t('common.deleted')),
                      (error: unknown) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError'))),
                    )
                  }
                >
                  <Button type="link" size="small" danger icon={<DeleteOutlined />}>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <>
      <TabToolbar addLabel={t('contact.add')} onAdd={canWrite ? onAdd : undefined} />
      <Table<Contact>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={contacts}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('contact.empty')} /> }}
      />
    </>
  );
}

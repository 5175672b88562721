import { ArrowDownOutlined, ArrowLeftOutlined, ArrowUpOutlined, DeleteOutlined, FormOutlined, SaveOutlined, UserAddOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Descriptions, Flex, Form, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import type { RouteAccount, RouteAssignment } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { toIsoDate } from '../utils/format';
import { useRoute, useRouteMutations, useStaffList } from './api';
import { StaffCell, TermCell } from './RoutesPage';

/** One route: its accounts in walk order (add, move, remove) and who reads and collects on it. */
export function RouteDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const route = useRoute(id);
  const mutations = useRouteMutations(id);
  const { message } = App.useApp();
  // A reordering in progress, for the accounts as they were loaded (a reload drops it).
  const [draft, setDraft] = useState<{ basis: RouteAccount[]; rows: RouteAccount[] } | null>(null);
  const [accountNos, setAccountNos] = useState('');
  const canManage = can('route.manage');

  if (route.isPending) return <PageLoading />;
  if (route.isError) return <QueryError error={route.error} onRetry={() => void route.refetch()} />;
  const { route: summary, accounts, assignments, termMonths } = route.data;
  const order = draft && draft.basis === accounts ? draft.rows : null;
  const setOrder = (rows: RouteAccount[] | null) => setDraft(rows ? { basis: accounts, rows } : null);
  const rows = order ?? accounts;
  const move = (index: number, by: number) => {
    const next = [...rows];
    const [moved] = next.splice(index, 1);
    if (!moved) return;
    next.splice(index + by, 0, moved);
    setOrder(next.map((row, position) => ({ ...row, walkOrder: position + 1 })));
  };

  const columns: TableColumnsType<RouteAccount> = [
    { key: 'walk', title: t('reading.route.walkOrder'), width: 90, render: (_, row) => <span className="rd-walk">{row.walkOrder}</span> },
    { key: 'accountNo', title: t('reading.route.accountNo'), width: 120, render: (_, row) => <span className="sw-code">{row.accountNo}</span> },
    { key: 'holder', title: t('reading.route.holder'), width: 140, render: (_, row) => row.holderName },
    { key: 'address', title: t('reading.route.address'), render: (_, row) => row.address },
    { key: 'meter', title: t('reading.route.meterSerial'), width: 140, render: (_, row) => <span className="sw-code">{row.meterSerial ?? '—'}</span> },
    ...(canManage
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            width: 150,
            render: (_: unknown, row: RouteAccount, index: number) => (
              <Space size={2}>
                <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={index === 0} aria-label={t('reading.route.moveUp')} onClick={() => move(index, -1)} />
                <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={index === rows.length - 1} aria-label={t('reading.route.moveDown')} onClick={() => move(index, 1)} />
                <Popconfirm title={t('reading.route.removeConfirm', { accountNo: row.accountNo })} onConfirm={() => mutations.removeAccount.mutate(row.accountId)}>
                  <Button size="small" type="text" danger icon={<DeleteOutlined />} aria-label={t('reading.route.remove')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="route-detail">
      <Card>
        <Flex justify="space-between" align="center" gap={12} wrap>
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('reading.route.back')} onClick={() => void navigate('/reading/routes')} />
            <Typography.Title level={4} style={{ margin: 0 }}>
              <span className="sw-code">{summary.code}</span> {summary.name}
            </Typography.Title>
            {!summary.isActive && <Tag>{t('reading.routes.inactive')}</Tag>}
          </Space>
          {can('reading.write') && (
            <Button icon={<FormOutlined />} onClick={() => void navigate(`/reading/routes/${id}/entry`)}>
              {t('reading.route.entry')}
            </Button>
          )}
        </Flex>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 12 }}>
          <Descriptions.Item label={t('reading.routes.readingDay')}>{t('reading.routes.readingDayValue', { day: summary.readingDay })}</Descriptions.Item>
          <Descriptions.Item label={t('reading.routes.reader')}>
            <StaffCell staff={summary.reader} />
          </Descriptions.Item>
          <Descriptions.Item label={t('reading.routes.collector')}>
            <StaffCell staff={summary.collector} />
          </Descriptions.Item>
          <Descriptions.Item label={t('reading.routes.accounts')}>{summary.accounts}</Descriptions.Item>
          <Descriptions.Item label={t('reading.routes.term')}>
            <TermCell route={summary} />
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <Card
        title={`${t('reading.route.walkOrder')} · ${rows.length}`}
        extra={
          canManage && order ? (
            <Space>
              <Button onClick={() => setOrder(null)}>{t('common.cancel')}</Button>
              <Button
                type="primary"
                icon={<SaveOutlined />}
                loading={mutations.walkOrder.isPending}
                onClick={() => mutations.walkOrder.mutate(rows.map((row) => row.accountId), { onSuccess: () => void message.success(t('reading.route.orderSaved')) })}
                data-testid="save-order"
              >
                {t('common.save')}
              </Button>
            </Space>
          ) : null
        }
      >
        {canManage && (
          <Flex gap={8} align="flex-start" style={{ marginBottom: 12 }} wrap>
            <Input.TextArea
              autoSize={{ minRows: 1, maxRows: 4 }}
              style={{ maxWidth: 480 }}
              placeholder={t('reading.route.addAccountsPlaceholder')}
              value={accountNos}
              onChange={(event) => setAccountNos(event.target.value)}
              data-testid="add-accounts-input"
            />
            <Button
              icon={<UserAddOutlined />}
              loading={mutations.addAccounts.isPending}
              disabled={!accountNos.trim()}
              onClick={() =>
                mutations.addAccounts.mutate(accountNos.split(/[\s,，;；]+/).filter(Boolean), {
                  onSuccess: () => {
                    setAccountNos('');
                    void message.success(t('reading.route.added'));
                  },
                })
              }
            >
              {t('reading.route.addAccounts')}
            </Button>
            <Typography.Text type="secondary" style={{ fontSize: 12, alignSelf: 'center' }}>
              {t('reading.route.addAccountsHelp')}
            </Typography.Text>
          </Flex>
        )}
        {[mutations.addAccounts, mutations.removeAccount, mutations.walkOrder].map((mutation, index) => (mutation.isError ? <MutationErrorAlert key={index} error={mutation.error} /> : null))}
        <Table<RouteAccount> rowKey="accountId" size="small" columns={columns} dataSource={rows} pagination={{ pageSize: 50, showSizeChanger: false }} />
      </Card>

      <AssignmentsCard routeId={id} assignments={assignments} termMonths={termMonths} canManage={canManage} />
    </Space>
  );
}

function AssignmentsCard({ routeId, assignments, termMonths, canManage }: { routeId: string; assignments: RouteAssignment[]; termMonths: number; canManage: boolean }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const { assign } = useRouteMutations(routeId);
  const staff = useStaffList(canManage && can('staff.read'));
  const [form] = Form.useForm<{ duty: 'reader' | 'collector'; staffId: string; startsOn: dayjs.Dayjs; endsOn?: dayjs.Dayjs | null }>();
  const duty = Form.useWatch('duty', form) ?? 'reader';
  const role = duty === 'reader' ? 'meter_reader' : 'collector';
  const options = (staff.data ?? []).filter((member) => member.isActive && member.roles.includes(role)).map((member) => ({ value: member.id, label: member.displayName }));
  const today = new Date().toISOString().slice(0, 10);
  const columns: TableColumnsType<RouteAssignment> = [
    { key: 'duty', title: t('reading.route.duty'), width: 100, render: (_, row) => <Tag color={row.duty === 'reader' ? 'blue' : 'purple'}>{t(`reading.duty.${row.duty}`)}</Tag> },
    { key: 'staff', title: t('reading.route.staff'), render: (_, row) => row.staffName },
    { key: 'startsOn', title: t('reading.route.startsOn'), width: 120, render: (_, row) => row.startsOn },
    { key: 'endsOn', title: t('reading.route.endsOn'), width: 120, render: (_, row) => row.endsOn ?? '—' },
    {
      key: 'current',
      title: '',
      width: 80,
      render: (_, row) => (row.startsOn <= today && (row.endsOn === null || row.endsOn >= today) ? <Tag color="green">{t('reading.route.current')}</Tag> : null),
    },
  ];
  return (
    <Card title={t('reading.route.assignments')} data-testid="assignments">
      {canManage && (
        <>
          <Form
            form={form}
            layout="inline"
            initialValues={{ duty: 'reader' }}
            style={{ marginBottom: 12, rowGap: 8 }}
            onFinish={(values) =>
              assign.mutate(
                { staffId: values.staffId, duty: values.duty, startsOn: toIsoDate(values.startsOn) ?? today, endsOn: toIsoDate(values.endsOn) },
                {
                  onSuccess: () => {
                    form.resetFields();
                    void message.success(t('reading.route.assigned'));
                  },
                },
              )
            }
          >
            <Form.Item name="duty" label={t('reading.route.duty')}>
              <Select style={{ width: 110 }} options={(['reader', 'collector'] as const).map((value) => ({ value, label: t(`reading.duty.${value}`) }))} onChange={() => form.setFieldValue('staffId', undefined)} />
            </Form.Item>
            <Form.Item name="staffId" label={t('reading.route.staff')} rules={[{ required: true }]}>
              <Select style={{ width: 180 }} showSearch optionFilterProp="label" options={options} loading={staff.isPending} data-testid="assign-staff" />
            </Form.Item>
            <Form.Item name="startsOn" label={t('reading.route.startsOn')} rules={[{ required: true }]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="endsOn" label={t('reading.route.endsOn')} tooltip={t('reading.route.endsOnHelp', { months: termMonths })}>
              <DatePicker />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={assign.isPending}>
                {t('reading.route.assign')}
              </Button>
            </Form.Item>
          </Form>
          {assign.isError && <MutationErrorAlert error={assign.error} />}
        </>
      )}
      <Table<RouteAssignment> rowKey="id" size="small" columns={columns} dataSource={[...assignments].reverse()} pagination={false} />
    </Card>
  );
}

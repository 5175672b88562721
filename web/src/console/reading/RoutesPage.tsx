import { PlusOutlined, SwapOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import type { RotationProposal, RouteSummary } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { useAssign, useCreateRoute, useRotation, useRoutes } from './api';

const TERM_MONTHS = 12;

export function StaffCell({ staff }: { staff: RouteSummary['reader'] }) {
  const { t } = useTranslation();
  return staff ? <span>{staff.displayName}</span> : <Typography.Text type="secondary">{t('reading.routes.none')}</Typography.Text>;
}

export function TermCell({ route }: { route: RouteSummary }) {
  const { t } = useTranslation();
  if (!route.termEndsOn) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={4} wrap>
      <span>{t('reading.routes.termUntil', { date: route.termEndsOn })}</span>
      {route.isOverdue ? <Tag color="red">{t('reading.routes.overdue')}</Tag> : route.isDueForRotation ? <Tag color="orange">{t('reading.routes.due')}</Tag> : null}
    </Space>
  );
}

/** Routes (抄表本) with their people and rotation state; the rotation proposal; creating a route. */
export function RoutesPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const routes = useRoutes();
  const [filter, setFilter] = useState('');
  const [isCreating, setIsCreating] = useState(false);
  const shown = (routes.data ?? []).filter((route) => !filter || route.code.toLowerCase().includes(filter.toLowerCase()) || route.name.includes(filter));

  const columns: TableColumnsType<RouteSummary> = [
    { key: 'code', title: t('reading.routes.code'), width: 100, render: (_, row) => <span className="sw-code">{row.code}</span> },
    {
      key: 'name',
      title: t('reading.routes.name'),
      render: (_, row) => (
        <Space size={6}>
          <Typography.Link onClick={() => void navigate(`/reading/routes/${row.id}`)}>{row.name}</Typography.Link>
          {!row.isActive && <Tag>{t('reading.routes.inactive')}</Tag>}
        </Space>
      ),
    },
    { key: 'day', title: t('reading.routes.readingDay'), width: 110, render: (_, row) => t('reading.routes.readingDayValue', { day: row.readingDay }) },
    { key: 'accounts', title: t('reading.routes.accounts'), width: 80, align: 'right', render: (_, row) => row.accounts },
    { key: 'reader', title: t('reading.routes.reader'), width: 150, render: (_, row) => <StaffCell staff={row.reader} /> },
    { key: 'collector', title: t('reading.routes.collector'), width: 150, render: (_, row) => <StaffCell staff={row.collector} /> },
    { key: 'term', title: t('reading.routes.term'), width: 200, render: (_, row) => <TermCell route={row} /> },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Flex justify="space-between" align="center" gap={16} wrap style={{ marginBottom: 8 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('reading.routes.title')}
          </Typography.Title>
          <Space>
            <Input.Search allowClear placeholder={t('reading.routes.search')} style={{ width: 220 }} onChange={(event) => setFilter(event.target.value.trim())} />
            {can('route.manage') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setIsCreating(true)} data-testid="route-create">
                {t('reading.routes.create')}
              </Button>
            )}
          </Space>
        </Flex>
        <Typography.Paragraph type="secondary">{t('reading.routes.subtitle', { months: TERM_MONTHS })}</Typography.Paragraph>
        {routes.isError ? (
          <QueryError compact error={routes.error} onRetry={() => void routes.refetch()} />
        ) : (
          <Table<RouteSummary> rowKey="id" size="middle" loading={routes.isPending} columns={columns} dataSource={shown} pagination={{ pageSize: 20, showSizeChanger: false }} data-testid="routes-table" />
        )}
      </Card>
      <RotationCard />
      {isCreating && <CreateRouteModal onClose={() => setIsCreating(false)} />}
    </Space>
  );
}

function RotationCard() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const { message } = App.useApp();
  const rotation = useRotation();
  const assign = useAssign();
  const english = i18n.language.startsWith('en');
  const columns: TableColumnsType<RotationProposal> = [
    { key: 'route', title: t('reading.routes.name'), render: (_, row) => `${row.route.code} ${row.route.name}` },
    { key: 'reader', title: t('reading.routes.reader'), width: 150, render: (_, row) => <StaffCell staff={row.route.reader} /> },
    { key: 'term', title: t('reading.routes.term'), width: 200, render: (_, row) => <TermCell route={row.route} /> },
    { key: 'reason', title: t('reading.routes.reason'), width: 180, render: (_, row) => (english ? row.reason.en : row.reason.zh) },
    {
      key: 'proposed',
      title: t('reading.routes.proposed'),
      width: 170,
      render: (_, row) => (row.proposedReader ? <Tag color="blue">{row.proposedReader.displayName}</Tag> : <Typography.Text type="danger">{t('reading.routes.noCandidate')}</Typography.Text>),
    },
    { key: 'startsOn', title: t('reading.routes.startsOn'), width: 120, render: (_, row) => row.startsOn },
    ...(can('route.manage')
      ? [
          {
            key: 'apply',
            title: '',
            width: 140,
            render: (_: unknown, row: RotationProposal) =>
              row.proposedReader ? (
                <Button
                  size="small"
                  icon={<SwapOutlined />}
                  loading={assign.isPending && assign.variables?.routeId === row.route.id}
                  onClick={() =>
                    assign.mutate(
                      { routeId: row.route.id, staffId: row.proposedReader?.id ?? '', duty: 'reader', startsOn: row.startsOn },
                      { onSuccess: () => void message.success(t('reading.routes.applied', { name: row.proposedReader?.displayName })) },
                    )
                  }
                >
                  {t('reading.routes.apply')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];
  return (
    <Card title={t('reading.routes.rotationTitle')} data-testid="rotation-card">
      <Typography.Paragraph type="secondary">{t('reading.routes.rotationHint', { months: rotation.data?.termMonths ?? TERM_MONTHS })}</Typography.Paragraph>
      {assign.isError && <MutationErrorAlert error={assign.error} />}
      {rotation.isError ? (
        <QueryError compact error={rotation.error} onRetry={() => void rotation.refetch()} />
      ) : (
        <Table<RotationProposal>
          rowKey={(row) => row.route.id}
          size="small"
          loading={rotation.isPending}
          columns={columns}
          dataSource={rotation.data?.proposals ?? []}
          pagination={false}
          locale={{ emptyText: t('reading.routes.rotationEmpty') }}
        />
      )}
    </Card>
  );
}

function CreateRouteModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const create = useCreateRoute();
  const [form] = Form.useForm<{ code: string; name: string; readingDay: number }>();
  return (
    <Modal
      open
      title={t('reading.routes.create')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={create.isPending}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then((values) =>
          create.mutate(values, {
            onSuccess: (detail) => {
              void message.success(t('reading.routes.created'));
              onClose();
              void navigate(`/reading/routes/${detail.route.id}`);
            },
          }),
        )
      }
    >
      {create.isError && <MutationErrorAlert error={create.error} />}
      <Form form={form} layout="vertical" initialValues={{ readingDay: 5 }}>
        <Form.Item name="code" label={t('reading.routes.code')} extra={t('reading.routes.codeHelp')} rules={[{ required: true, pattern: /^[A-Za-z0-9-]{2,20}$/ }]}>
          <Input maxLength={20} />
        </Form.Item>
        <Form.Item name="name" label={t('reading.routes.name')} rules={[{ required: true, max: 60 }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Form.Item name="readingDay" label={t('reading.routes.readingDay')} rules={[{ required: true }]}>
          <InputNumber min={1} max={28} />
        </Form.Item>
      </Form>
      <Alert type="info" showIcon title={t('reading.route.endsOnHelp', { months: TERM_MONTHS })} />
    </Modal>
  );
}

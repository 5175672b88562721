/**
 * 来电记录: the call log with call-back tasks (回拨) and the answer rate of recent days. An agent logs the
 * call they answer (and goes on to the intake page with it), a missed one, or a caller who asked to be
 * called back; a missed call's task is worked by calling back.
 */
import { EyeOutlined, PhoneOutlined, PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Empty, Flex, Form, Input, Modal, Progress, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { CallDirection, CallOutcome, ServiceCall, ServiceCallback, ServiceCallDay } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { revealCallbackNumber, useCallbackAttempt, useCallbacks, useCalls, useDailyCalls, useLogCall, type CallFilter } from './deskHooks';
import './service.css';

const OUTCOME_COLORS: Record<CallOutcome, string> = { answered: 'green', missed: 'red', call_back: 'orange' };
const DAYS = 14;

export function CallsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [logging, setLogging] = useState(false);
  const open = useCallbacks('open');
  return (
    <Flex vertical gap={16} data-testid="calls-page">
      <Card>
        <Flex justify="space-between" align="center" wrap gap={8}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('service.desk.calls.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('service.desk.calls.subtitle')}</Typography.Text>
          </div>
          {can('service.create') ? (
            <Button type="primary" icon={<PhoneOutlined />} onClick={() => setLogging(true)} data-testid="calls-log">
              {t('service.desk.calls.log')}
            </Button>
          ) : null}
        </Flex>
      </Card>
      <AnswerRateCard />
      <Card>
        <Tabs
          items={[
            {
              key: 'callbacks',
              label: (
                <span>
                  {t('service.desk.callbacks.tab')} {open.data && open.data.length > 0 ? <Tag color="red">{open.data.length}</Tag> : null}
                </span>
              ),
              children: <CallbackTable />,
            },
            { key: 'calls', label: t('service.desk.calls.tab'), children: <CallTable /> },
          ]}
        />
      </Card>
      <LogCallModal open={logging} onClose={() => setLogging(false)} />
    </Flex>
  );
}

/** The last 14 days: inbound, answered, answer rate (接通率). */
function AnswerRateCard() {
  const { t } = useTranslation();
  const to = dayjs().format('YYYY-MM-DD');
  const from = dayjs().subtract(DAYS - 1, 'day').format('YYYY-MM-DD');
  const daily = useDailyCalls(from, to);
  if (daily.isError) return <QueryError compact error={daily.error} onRetry={() => void daily.refetch()} />;
  const days = [...(daily.data ?? [])].reverse();
  const columns: TableColumnsType<ServiceCallDay> = [
    { key: 'date', title: t('service.desk.rate.date'), dataIndex: 'date', width: 120 },
    { key: 'inbound', title: t('service.desk.rate.inbound'), dataIndex: 'inbound', align: 'right', width: 90 },
    { key: 'answered', title: t('service.desk.rate.answered'), dataIndex: 'answered', align: 'right', width: 90 },
    { key: 'missed', title: t('service.desk.rate.missed'), render: (_, day) => day.missed + day.callBack, align: 'right', width: 110 },
    {
      key: 'rate',
      title: t('service.desk.rate.rate'),
      render: (_, day) => (day.answerRate === null ? <Typography.Text type="secondary">—</Typography.Text> : <Progress percent={Math.round(day.answerRate * 1000) / 10} size="small" status={day.answerRate < 0.8 ? 'exception' : 'normal'} style={{ width: 180, margin: 0 }} />),
    },
    { key: 'wait', title: t('service.desk.rate.wait'), render: (_, day) => (day.averageWaitSeconds === null ? '—' : t('service.desk.rate.seconds', { s: day.averageWaitSeconds })), align: 'right', width: 120 },
    { key: 'outbound', title: t('service.desk.rate.outbound'), dataIndex: 'outbound', align: 'right', width: 90 },
  ];
  return (
    <Card title={t('service.desk.rate.title', { days: DAYS })} size="small">
      <Table<ServiceCallDay> rowKey="date" size="small" loading={daily.isPending} columns={columns} dataSource={days} pagination={{ pageSize: 7, hideOnSinglePage: true }} data-testid="calls-daily" />
    </Card>
  );
}

function CallbackTable() {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const { modal, message } = App.useApp();
  const [state, setState] = useState<'open' | 'done' | 'unreachable'>('open');
  const query = useCallbacks(state);
  const [working, setWorking] = useState<ServiceCallback | null>(null);
  const reveal = async (task: ServiceCallback) => {
    try {
      const { number } = await revealCallbackNumber(task.id);
      void modal.info({ title: t('service.desk.callbacks.numberTitle'), content: <Typography.Title level={3} copyable data-testid="callback-number">{number}</Typography.Title> });
    } catch (error) {
      void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
    }
  };
  const columns: TableColumnsType<ServiceCallback> = [
    { key: 'number', title: t('service.desk.callbacks.number'), render: (_, task) => <span className="sw-code">{task.numberMasked}</span> },
    { key: 'missed', title: t('service.desk.callbacks.missed'), render: (_, task) => t('service.desk.callbacks.missedCount', { count: task.missedCalls }) },
    { key: 'first', title: t('service.desk.callbacks.firstCall'), render: (_, task) => formatDateTime(task.firstCallAt) },
    {
      key: 'due',
      title: t('service.desk.callbacks.due'),
      render: (_, task) => <Typography.Text type={task.isOverdue ? 'danger' : undefined}>{formatDateTime(task.dueAt)}{task.isOverdue ? ` · ${t('service.desk.callbacks.overdue')}` : ''}</Typography.Text>,
    },
    { key: 'attempts', title: t('service.desk.callbacks.attempts'), dataIndex: 'attempts', align: 'right' },
    ...(state === 'open'
      ? []
      : [{ key: 'done', title: t('service.desk.callbacks.completed'), render: (_: unknown, task: ServiceCallback) => `${formatDateTime(task.completedAt)} · ${task.completedBy?.name ?? ''}` }]),
    { key: 'note', title: t('service.desk.callbacks.note'), render: (_, task) => task.note ?? '—' },
    ...(state === 'open' && can('service.handle')
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, task: ServiceCallback) => (
              <Space>
                <Button size="small" icon={<EyeOutlined />} onClick={() => void reveal(task)} data-testid="callback-reveal">
                  {t('service.desk.callbacks.reveal')}
                </Button>
                <Button size="small" type="primary" onClick={() => setWorking(task)} data-testid="callback-attempt">
                  {t('service.desk.callbacks.attempt')}
                </Button>
              </Space>
            ),
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" wrap gap={8}>
        <Radio.Group
          optionType="button"
          value={state}
          onChange={(event) => setState(event.target.value as typeof state)}
          options={(['open', 'done', 'unreachable'] as const).map((value) => ({ value, label: t(`service.desk.callbacks.state.${value}`) }))}
        />
        <Button icon={<ReloadOutlined />} onClick={() => void query.refetch()}>
          {t('service.list.refresh')}
        </Button>
      </Flex>
      {query.isError ? (
        <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<ServiceCallback>
          rowKey="id"
          size="middle"
          loading={query.isPending}
          columns={columns}
          dataSource={query.data ?? []}
          rowClassName={(task) => (task.isOverdue && task.state === 'open' ? 'sv-row-overdue' : '')}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.desk.callbacks.empty')} /> }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          data-testid="callbacks"
        />
      )}
      <AttemptModal task={working} onClose={() => setWorking(null)} />
    </Flex>
  );
}

function AttemptModal({ task, onClose }: { task: ServiceCallback | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reached: boolean; note?: string }>();
  const attempt = useCallbackAttempt();
  const close = () => {
    attempt.reset();
    form.resetFields();
    onClose();
  };
  return (
    <Modal open={task !== null} title={t('service.desk.callbacks.attemptTitle', { number: task?.numberMasked ?? '' })} okText={t('common.save')} onOk={() => form.submit()} onCancel={close} confirmLoading={attempt.isPending} destroyOnHidden>
      <Form
        form={form}
        layout="vertical"
        initialValues={{ reached: true }}
        onFinish={(values) => {
          if (!task) return;
          const note = values.note?.trim();
          attempt.mutate(
            { id: task.id, version: task.version, reached: values.reached, ...(note ? { note } : {}) },
            {
              onSuccess: (saved) => {
                void message.success(t(`service.desk.callbacks.saved.${saved.state}`));
                close();
              },
            },
          );
        }}
      >
        <Form.Item name="reached" label={t('service.desk.callbacks.reached')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: true, label: t('service.desk.callbacks.reachedYes') },
              { value: false, label: t('service.desk.callbacks.reachedNo') },
            ]}
          />
        </Form.Item>
        <Form.Item name="note" label={t('service.desk.callbacks.note')}>
          <Input.TextArea rows={3} maxLength={1000} showCount />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{t('service.desk.callbacks.attemptHelp')}</Typography.Text>
      <MutationErrorAlert error={attempt.error} />
    </Modal>
  );
}

function CallTable() {
  const { t } = useTranslation();
  const { can } = useSession();
  const navigate = useNavigate();
  const [filter, setFilter] = useState<CallFilter>({ date: dayjs().format('YYYY-MM-DD') });
  const query = useCalls(filter);
  const columns: TableColumnsType<ServiceCall> = [
    { key: 'startedAt', title: t('service.desk.calls.startedAt'), render: (_, call) => formatDateTime(call.startedAt), width: 170 },
    { key: 'direction', title: t('service.desk.calls.directionTitle'), render: (_, call) => t(`service.desk.calls.direction.${call.direction}`), width: 80 },
    { key: 'number', title: t('service.desk.calls.number'), render: (_, call) => <span className="sw-code">{call.numberMasked}</span> },
    { key: 'outcome', title: t('service.desk.calls.outcomeTitle'), render: (_, call) => <Tag color={OUTCOME_COLORS[call.outcome]}>{t(`service.desk.calls.outcome.${call.outcome}`)}</Tag> },
    { key: 'agent', title: t('service.desk.calls.agent'), render: (_, call) => call.agent?.name ?? '—' },
    { key: 'wait', title: t('service.desk.calls.wait'), render: (_, call) => (call.waitSeconds === null ? '—' : t('service.desk.rate.seconds', { s: call.waitSeconds })), align: 'right' },
    { key: 'duration', title: t('service.desk.calls.duration'), render: (_, call) => (call.durationSeconds === null ? '—' : t('service.desk.rate.seconds', { s: call.durationSeconds })), align: 'right' },
    {
      key: 'requests',
      title: t('service.desk.calls.requests'),
      render: (_, call) => (
        <Space size={4} wrap>
          {call.requests.map((request) => (
            <Link key={request.id} to={`/service/${request.id}`} className="sw-code">
              {request.requestNo}
            </Link>
          ))}
          {call.callback ? <Tag>{t(`service.desk.callbacks.state.${call.callback.state}`)}</Tag> : null}
        </Space>
      ),
    },
    ...(can('service.create')
      ? [
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_: unknown, call: ServiceCall) =>
              call.direction === 'inbound' && call.outcome === 'answered' ? (
                <Button size="small" icon={<PlusOutlined />} onClick={() => void navigate(`/service/new?callId=${encodeURIComponent(call.id)}`)}>
                  {t('service.desk.calls.intake')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];
  return (
    <Flex vertical gap={12}>
      <Space wrap>
        <DatePicker value={filter.date ? dayjs(filter.date) : null} onChange={(value) => setFilter({ ...filter, date: value ? value.format('YYYY-MM-DD') : undefined })} aria-label={t('service.desk.calls.date')} />
        <Select<CallDirection | ''>
          style={{ width: 120 }}
          value={filter.direction ?? ''}
          onChange={(value) => setFilter({ ...filter, direction: value || undefined })}
          options={[{ value: '', label: t('service.desk.calls.anyDirection') }, ...(['inbound', 'outbound'] as const).map((value) => ({ value, label: t(`service.desk.calls.direction.${value}`) }))]}
        />
        <Select<CallOutcome | ''>
          style={{ width: 140 }}
          value={filter.outcome ?? ''}
          onChange={(value) => setFilter({ ...filter, outcome: value || undefined })}
          options={[{ value: '', label: t('service.desk.calls.anyOutcome') }, ...(['answered', 'missed', 'call_back'] as const).map((value) => ({ value, label: t(`service.desk.calls.outcome.${value}`) }))]}
        />
      </Space>
      {query.isError ? (
        <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <Table<ServiceCall>
          rowKey="id"
          size="middle"
          loading={query.isPending}
          columns={columns}
          dataSource={query.data ?? []}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('service.desk.calls.empty')} /> }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: 900 }}
          data-testid="calls"
        />
      )}
    </Flex>
  );
}

interface LogValues {
  number: string;
  direction: CallDirection;
  outcome: CallOutcome;
  note?: string;
}

/** 登记来电: an answered call goes on to the intake page with the call; missed ones become call-back tasks. */
function LogCallModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<LogValues>();
  const log = useLogCall();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const close = () => {
    log.reset();
    form.resetFields();
    setUnmatched([]);
    onClose();
  };
  const submit = (values: LogValues) => {
    const note = values.note?.trim();
    log.mutate(
      { direction: values.direction, outcome: values.outcome, number: values.number.trim(), ...(note ? { note } : {}) },
      {
        onSuccess: (call) => {
          close();
          if (call.direction === 'inbound' && call.outcome === 'answered') {
            void navigate(`/service/new?callId=${encodeURIComponent(call.id)}`, { state: { phone: values.number.trim() } });
          } else {
            void message.success(call.callback ? t('service.desk.calls.loggedCallback') : t('service.desk.calls.logged'));
          }
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };
  return (
    <Modal open={open} title={t('service.desk.calls.log')} okText={t('service.desk.calls.logOk')} onOk={() => form.submit()} onCancel={close} confirmLoading={log.isPending} destroyOnHidden>
      <Form<LogValues> form={form} layout="vertical" initialValues={{ direction: 'inbound', outcome: 'answered' }} onFinish={submit}>
        <Form.Item name="number" label={t('service.desk.calls.number')} rules={[{ required: true, pattern: /^\+?\d{3,20}$|^0\d{2,3}-\d{7,8}$/, message: t('service.desk.calls.numberInvalid') }]}>
          <Input inputMode="tel" maxLength={21} autoFocus data-testid="calls-number" />
        </Form.Item>
        <Form.Item name="direction" label={t('service.desk.calls.directionTitle')}>
          <Radio.Group optionType="button" options={(['inbound', 'outbound'] as const).map((value) => ({ value, label: t(`service.desk.calls.direction.${value}`) }))} />
        </Form.Item>
        <Form.Item name="outcome" label={t('service.desk.calls.outcomeTitle')} extra={t('service.desk.calls.outcomeHelp')}>
          <Radio.Group optionType="button" options={(['answered', 'missed', 'call_back'] as const).map((value) => ({ value, label: t(`service.desk.calls.outcome.${value}`) }))} data-testid="calls-outcome" />
        </Form.Item>
        <Form.Item name="note" label={t('service.desk.callbacks.note')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
      <MutationErrorAlert error={log.error} unmatched={unmatched} />
    </Modal>
  );
}

import { ApiOutlined, EditOutlined, KeyOutlined, PhoneOutlined, PlusOutlined, RedoOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, InputNumber, Modal, Popconfirm, Radio, Segmented, Space, Switch, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import type { FormInstance, TableColumnsType } from 'antd';
import type { UseMutationResult } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { City12345Link, City12345Reply, City12345ReplyStatus, Open311ApiKey, Open311Service, Open311ServicePatch } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { PageLoading } from '../components/PageLoading';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors, errorMessage } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import {
  useCityLinks,
  useCityReplies,
  useIssueCityLink,
  useIssueOpen311Key,
  useOpen311Keys,
  useOpen311Services,
  useRetryCityReply,
  useRevokeCityLink,
  useRevokeOpen311Key,
  useUpdateOpen311Service,
} from './integrationHooks';

const origin = () => window.location.origin;

function StatusTag({ status }: { status: 'active' | 'revoked' }) {
  const { t } = useTranslation();
  return status === 'active' ? <Tag color="green">{t('integrations.active')}</Tag> : <Tag>{t('integrations.open311.revoked')}</Tag>;
}

/** Shows a secret once, copyable, with the warning that it will not be shown again. */
function OnceModal({ title, warning, items, onClose, doneLabel }: { title: string; warning: string; items: { label: string; value: string; testId: string }[]; onClose: () => void; doneLabel: string }) {
  return (
    <Modal open title={title} onCancel={onClose} closable={false} maskClosable={false} footer={<Button type="primary" onClick={onClose}>{doneLabel}</Button>}>
      <Alert type="warning" showIcon title={warning} style={{ marginBottom: 16 }} />
      <Descriptions column={1} bordered size="small">
        {items.map((item) => (
          <Descriptions.Item key={item.label} label={item.label}>
            <Typography.Text className="sw-code" copyable data-testid={item.testId} style={{ wordBreak: 'break-all' }}>
              {item.value}
            </Typography.Text>
          </Descriptions.Item>
        ))}
      </Descriptions>
    </Modal>
  );
}

/** The form that issues a credential: field errors from the server land on their fields; on success the secret is handed to `onIssued`. */
function IssueModal<Values extends object, Result>({
  form,
  open,
  title,
  okText,
  issue,
  initialValues,
  onClose,
  onIssued,
  children,
}: {
  form: FormInstance<Values>;
  open: boolean;
  title: string;
  okText: string;
  issue: UseMutationResult<Result, Error, Values>;
  initialValues?: Partial<Values>;
  onClose: () => void;
  onIssued: (result: Result) => void;
  children: ReactNode;
}) {
  const { i18n } = useTranslation();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      confirmLoading={issue.isPending}
      onOk={() => form.submit()}
      onCancel={() => {
        onClose();
        issue.reset();
      }}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={initialValues}
        onFinish={(values) =>
          issue.mutate(values, {
            onSuccess: (result) => {
              onClose();
              onIssued(result);
            },
            onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
          })
        }
      >
        {children}
        <MutationErrorAlert error={issue.error} unmatched={unmatched} />
      </Form>
    </Modal>
  );
}

// ---- Open311 keys ----

function KeysTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const keys = useOpen311Keys();
  const issue = useIssueOpen311Key();
  const revoke = useRevokeOpen311Key();
  const [form] = Form.useForm<{ label: string; ratePerMinute?: number }>();
  const [isOpen, setOpen] = useState(false);
  const [issued, setIssued] = useState<string | null>(null);

  const columns: TableColumnsType<Open311ApiKey> = [
    { key: 'label', title: t('integrations.open311.columns.label'), dataIndex: 'label' },
    { key: 'prefix', title: t('integrations.open311.columns.prefix'), render: (_, key) => <span className="sw-code">{key.keyPrefix}…</span> },
    { key: 'rate', title: t('integrations.open311.columns.rate'), dataIndex: 'ratePerMinute', align: 'right', width: 110 },
    { key: 'status', title: t('integrations.open311.columns.status'), render: (_, key) => <StatusTag status={key.status} />, width: 90 },
    { key: 'created', title: t('integrations.open311.columns.created'), render: (_, key) => `${key.createdBy} · ${formatDateTime(key.createdAt)}` },
    { key: 'lastUsed', title: t('integrations.open311.columns.lastUsed'), render: (_, key) => (key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t('integrations.open311.never')) },
    {
      key: 'actions',
      title: t('integrations.open311.columns.actions'),
      width: 100,
      render: (_, key) =>
        key.status === 'active' ? (
          <Popconfirm
            title={t('integrations.open311.revokeConfirm')}
            onConfirm={() =>
              revoke.mutateAsync(key.id).then(
                () => void message.success(t('integrations.open311.revoked')),
                (error: unknown) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError'))),
              )
            }
          >
            <Button size="small" danger icon={<StopOutlined />}>
              {t('integrations.open311.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  const endpoint = `${origin()}/open311/v2/`;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('integrations.open311.endpoint')}>
          <Typography.Text className="sw-code" copyable>
            {endpoint}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('integrations.open311.jurisdiction')}>
          <Typography.Text className="sw-code" copyable data-testid="open311-jurisdiction">
            {session.tenant.code}
          </Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t('integrations.open311.docs')}>
          <Typography.Link className="sw-code" href={`/open311/discovery.json?jurisdiction_id=${session.tenant.code}`} target="_blank">
            /open311/discovery.json
          </Typography.Link>
        </Descriptions.Item>
      </Descriptions>
      <Flex justify="end">
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="open311-issue">
          {t('integrations.open311.issue')}
        </Button>
      </Flex>
      {keys.isError ? (
        <QueryError compact error={keys.error} onRetry={() => void keys.refetch()} />
      ) : (
        <Table rowKey="id" size="middle" loading={keys.isPending} columns={columns} dataSource={keys.data ?? []} pagination={false} locale={{ emptyText: t('integrations.open311.empty') }} scroll={{ x: 900 }} />
      )}
      <IssueModal form={form} open={isOpen} title={t('integrations.open311.form.title')} okText={t('integrations.open311.issue')} issue={issue} onClose={() => setOpen(false)} initialValues={{ ratePerMinute: 60 }} onIssued={(result) => setIssued(result.apiKey)}>
        <Form.Item name="label" label={t('integrations.open311.form.label')} rules={[{ required: true, whitespace: true, message: t('integrations.open311.form.labelRequired') }]}>
          <Input maxLength={60} data-testid="open311-key-label" />
        </Form.Item>
        <Form.Item name="ratePerMinute" label={t('integrations.open311.form.rate')} extra={t('integrations.open311.form.rateHelp')}>
          <InputNumber min={1} max={10000} precision={0} style={{ width: 160 }} />
        </Form.Item>
      </IssueModal>
      {issued ? (
        <OnceModal
          title={t('integrations.open311.issued.title')}
          warning={t('integrations.open311.issued.warning')}
          doneLabel={t('integrations.open311.issued.done')}
          items={[{ label: 'api_key', value: issued, testId: 'open311-issued-key' }]}
          onClose={() => setIssued(null)}
        />
      ) : null}
    </Space>
  );
}

// ---- Open311 services ----

function ServicesTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const services = useOpen311Services();
  const update = useUpdateOpen311Service();
  const [editing, setEditing] = useState<Open311Service | null>(null);
  const [form] = Form.useForm<Required<Open311ServicePatch>>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const english = i18n.language.startsWith('en');

  const save = (code: string, patch: Open311ServicePatch, done?: () => void) =>
    update.mutate(
      { code, patch },
      {
        onSuccess: () => {
          void message.success(t('integrations.services.saved'));
          done?.();
        },
        onError: (error) => {
          if (done) setUnmatched(applyFieldErrors(form, error, i18n.language));
          else void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));
        },
      },
    );

  const columns: TableColumnsType<Open311Service> = [
    { key: 'code', title: t('integrations.services.columns.code'), render: (_, service) => <span className="sw-code">{service.code}</span>, width: 140 },
    {
      key: 'name',
      title: t('integrations.services.columns.name'),
      render: (_, service) => (
        <Space direction="vertical" size={0}>
          <span>{english ? service.nameEn : service.name}</span>
          {service.isActive ? null : <Tag color="default">{t('integrations.services.inactive')}</Tag>}
        </Space>
      ),
    },
    { key: 'group', title: t('integrations.services.columns.group'), dataIndex: 'group', width: 90 },
    {
      key: 'type',
      title: t('integrations.services.columns.type'),
      width: 90,
      render: (_, service) => <Tag color={service.type === 'batch' ? 'purple' : 'blue'}>{t(`integrations.services.typeShort.${service.type}`)}</Tag>,
    },
    {
      key: 'published',
      title: t('integrations.services.columns.published'),
      width: 90,
      render: (_, service) => (
        <Switch
          size="small"
          checked={service.isPublished}
          disabled={!service.isActive}
          loading={update.isPending && update.variables?.code === service.code}
          aria-label={`${service.code} ${t('integrations.services.columns.published')}`}
          onChange={(checked) => save(service.code, { isPublished: checked })}
        />
      ),
    },
    { key: 'questions', title: t('integrations.services.columns.questions'), width: 90, render: (_, service) => (service.metadata ? t('integrations.services.hasQuestions') : t('integrations.services.noQuestions')) },
    { key: 'notice', title: t('integrations.services.columns.notice'), dataIndex: 'notice', ellipsis: { showTitle: true } },
    {
      key: 'actions',
      title: t('integrations.services.columns.actions'),
      width: 90,
      render: (_, service) => (
        <Button
          size="small"
          icon={<EditOutlined />}
          onClick={() => {
            setUnmatched([]);
            update.reset();
            setEditing(service);
          }}
        >
          {t('integrations.services.edit')}
        </Button>
      ),
    },
  ];

  if (services.isPending) return <PageLoading />;
  if (services.isError) return <QueryError compact error={services.error} onRetry={() => void services.refetch()} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('integrations.services.hint')}</Typography.Text>
      <Table rowKey="code" size="middle" columns={columns} dataSource={services.data} pagination={false} scroll={{ x: 960 }} />
      <Modal
        open={editing !== null}
        title={editing ? t('integrations.services.form.title', { name: english ? editing.nameEn : editing.name }) : ''}
        okText={t('common.save')}
        confirmLoading={update.isPending}
        onOk={() => form.submit()}
        onCancel={() => setEditing(null)}
        destroyOnHidden
        width={600}
      >
        {editing ? (
          <Form
            form={form}
            layout="vertical"
            preserve={false}
            initialValues={{ isPublished: editing.isPublished, type: editing.type, keywords: editing.keywords, group: editing.group, description: editing.description }}
            onFinish={(values) => save(editing.code, values, () => setEditing(null))}
          >
            <Form.Item name="isPublished" label={t('integrations.services.form.published')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="type" label={t('integrations.services.form.type')}>
              <Radio.Group>
                <Space direction="vertical">
                  <Radio value="realtime">{t('integrations.services.types.realtime')}</Radio>
                  <Radio value="batch">{t('integrations.services.types.batch')}</Radio>
                </Space>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="keywords" label={t('integrations.services.form.keywords')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="group" label={t('integrations.services.form.group')} rules={[{ required: true, whitespace: true }]}>
              <Input maxLength={60} />
            </Form.Item>
            <Form.Item name="description" label={t('integrations.services.form.description')} rules={[{ required: true, whitespace: true }]}>
              <Input.TextArea maxLength={500} autoSize={{ minRows: 2, maxRows: 5 }} />
            </Form.Item>
            <MutationErrorAlert error={update.error} unmatched={unmatched} />
          </Form>
        ) : null}
      </Modal>
    </Space>
  );
}

// ---- the city 12345 platform ----

const REPLY_STATUS_COLORS: Record<City12345ReplyStatus, string> = { pending: 'gold', sent: 'green', failed: 'red' };

function CityTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const { session } = useSession();
  const links = useCityLinks();
  const issue = useIssueCityLink();
  const revoke = useRevokeCityLink();
  const retry = useRetryCityReply();
  const [filter, setFilter] = useState<City12345ReplyStatus | 'all'>('all');
  const replies = useCityReplies(filter === 'all' ? undefined : filter);
  const [form] = Form.useForm<{ label: string; replyUrl: string }>();
  const [isOpen, setOpen] = useState(false);
  const [issued, setIssued] = useState<{ appId: string; secret: string } | null>(null);
  const failed = (error: unknown) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError')));

  const linkColumns: TableColumnsType<City12345Link> = [
    { key: 'label', title: t('integrations.city.columns.label'), dataIndex: 'label' },
    { key: 'appId', title: t('integrations.city.columns.appId'), render: (_, link) => <Typography.Text className="sw-code" copyable>{link.appId}</Typography.Text> },
    { key: 'replyUrl', title: t('integrations.city.columns.replyUrl'), render: (_, link) => <span className="sw-code">{link.replyUrl}</span>, ellipsis: true },
    { key: 'status', title: t('integrations.city.columns.status'), render: (_, link) => <StatusTag status={link.status} />, width: 90 },
    { key: 'created', title: t('integrations.city.columns.created'), render: (_, link) => formatDateTime(link.createdAt), width: 170 },
    {
      key: 'actions',
      title: t('integrations.city.columns.actions'),
      width: 100,
      render: (_, link) =>
        link.status === 'active' ? (
          <Popconfirm title={t('integrations.city.revokeConfirm')} onConfirm={() => revoke.mutateAsync(link.id).then(() => void message.success(t('integrations.city.revoked')), failed)}>
            <Button size="small" danger icon={<StopOutlined />}>
              {t('integrations.city.revoke')}
            </Button>
          </Popconfirm>
        ) : null,
    },
  ];

  const replyColumns: TableColumnsType<City12345Reply> = [
    { key: 'orderNo', title: t('integrations.city.replyColumns.orderNo'), render: (_, reply) => <span className="sw-code">{reply.orderNo}</span>, width: 150 },
    { key: 'requestNo', title: t('integrations.city.replyColumns.requestNo'), render: (_, reply) => <span className="sw-code">{reply.requestNo}</span>, width: 150 },
    { key: 'kind', title: t('integrations.city.replyColumns.kind'), render: (_, reply) => <Tag>{t(`integrations.city.kinds.${reply.kind}`)}</Tag>, width: 70 },
    { key: 'content', title: t('integrations.city.replyColumns.content'), dataIndex: 'content', ellipsis: { showTitle: true } },
    {
      key: 'status',
      title: t('integrations.city.replyColumns.status'),
      width: 130,
      render: (_, reply) => (
        <Space direction="vertical" size={0}>
          <Tag color={REPLY_STATUS_COLORS[reply.status]} data-testid={`reply-status-${reply.orderNo}`}>
            {t(`integrations.city.statuses.${reply.status}`)}
          </Tag>
          {reply.status === 'pending' && reply.nextAttemptAt ? (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('integrations.city.nextAttempt', { time: formatDateTime(reply.nextAttemptAt) })}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    { key: 'attempts', title: t('integrations.city.replyColumns.attempts'), dataIndex: 'attempts', align: 'right', width: 70 },
    {
      key: 'lastError',
      title: t('integrations.city.replyColumns.lastError'),
      width: 150,
      ellipsis: true,
      render: (_, reply) => (reply.lastError ? <Tooltip title={reply.lastError}><Typography.Text type="danger">{reply.lastError}</Typography.Text></Tooltip> : null),
    },
    { key: 'handledAt', title: t('integrations.city.replyColumns.handledAt'), render: (_, reply) => `${reply.handledBy} · ${formatDateTime(reply.handledAt)}`, width: 190 },
    {
      key: 'actions',
      title: t('integrations.city.replyColumns.actions'),
      width: 110,
      render: (_, reply) =>
        reply.status === 'failed' ? (
          <Button
            size="small"
            icon={<RedoOutlined />}
            loading={retry.isPending && retry.variables === reply.id}
            onClick={() => retry.mutate(reply.id, { onSuccess: () => void message.success(t('integrations.city.retried')), onError: failed })}
          >
            {t('integrations.city.retry')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size="large" style={{ width: '100%' }}>
      <Card
        title={t('integrations.city.linksTitle')}
        extra={
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)} data-testid="city-issue">
            {t('integrations.city.issue')}
          </Button>
        }
      >
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('integrations.city.linksHint')}</Typography.Text>
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('integrations.city.pushUrl')}>
              <Typography.Text className="sw-code" copyable>{`${origin()}/api/city12345/${session.tenant.code}/orders`}</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          {links.isError ? (
            <QueryError compact error={links.error} onRetry={() => void links.refetch()} />
          ) : (
            <Table rowKey="id" size="middle" loading={links.isPending} columns={linkColumns} dataSource={links.data ?? []} pagination={false} locale={{ emptyText: t('integrations.city.empty') }} scroll={{ x: 900 }} />
          )}
        </Space>
      </Card>
      <Card title={t('integrations.city.repliesTitle')}>
        <Space direction="vertical" size="middle" style={{ width: '100%' }}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary">{t('integrations.city.repliesHint')}</Typography.Text>
            <Segmented
              value={filter}
              onChange={(value) => setFilter(value as City12345ReplyStatus | 'all')}
              options={(['all', 'pending', 'sent', 'failed'] as const).map((value) => ({ value, label: t(`integrations.city.filter.${value}`) }))}
            />
          </Flex>
          {replies.isError ? (
            <QueryError compact error={replies.error} onRetry={() => void replies.refetch()} />
          ) : (
            <Table rowKey="id" size="middle" loading={replies.isPending} columns={replyColumns} dataSource={replies.data ?? []} pagination={{ pageSize: 20, hideOnSinglePage: true }} locale={{ emptyText: t('integrations.city.repliesEmpty') }} scroll={{ x: 1180 }} />
          )}
        </Space>
      </Card>
      <IssueModal form={form} open={isOpen} title={t('integrations.city.form.title')} okText={t('integrations.city.issue')} issue={issue} onClose={() => setOpen(false)} onIssued={(result) => setIssued({ appId: result.link.appId, secret: result.secret })}>
        <Form.Item name="label" label={t('integrations.city.form.label')} rules={[{ required: true, whitespace: true, message: t('integrations.city.form.labelRequired') }]}>
          <Input maxLength={60} data-testid="city-link-label" />
        </Form.Item>
        <Form.Item name="replyUrl" label={t('integrations.city.form.replyUrl')} rules={[{ required: true, pattern: /^https?:\/\/\S+$/, message: t('integrations.city.form.replyUrlRequired') }]}>
          <Input maxLength={500} placeholder="https://12345.example.gov.cn/api/replies" data-testid="city-link-url" />
        </Form.Item>
      </IssueModal>
      {issued ? (
        <OnceModal
          title={t('integrations.city.issued.title')}
          warning={t('integrations.city.issued.warning')}
          doneLabel={t('integrations.city.issued.done')}
          items={[
            { label: t('integrations.city.issued.appId'), value: issued.appId, testId: 'city-issued-app-id' },
            { label: t('integrations.city.issued.secret'), value: issued.secret, testId: 'city-issued-secret' },
          ]}
          onClose={() => setIssued(null)}
        />
      ) : null}
    </Space>
  );
}

/** 对接管理: Open311 keys and services, and the city 12345 platform's links and reply outbox, for the administrator. */
export function IntegrationsPage() {
  const { t } = useTranslation();
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%', maxWidth: 1280 }}>
      <div>
        <Typography.Title level={3} style={{ marginBottom: 4 }}>
          {t('integrations.title')}
        </Typography.Title>
        <Typography.Text type="secondary">{t('integrations.subtitle')}</Typography.Text>
      </div>
      <Tabs
        defaultActiveKey="keys"
        items={[
          { key: 'keys', label: <span><KeyOutlined /> {t('integrations.tabs.keys')}</span>, children: <KeysTab /> },
          { key: 'services', label: <span><ApiOutlined /> {t('integrations.tabs.services')}</span>, children: <ServicesTab /> },
          { key: 'city', label: <span><PhoneOutlined /> {t('integrations.tabs.city')}</span>, children: <CityTab /> },
        ]}
      />
    </Space>
  );
}

import { CloudDownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, DatePicker, Descriptions, Empty, Flex, Form, Input, Modal, Radio, Row, Segmented, Select, Space, Statistic, Table, Tag, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DifferenceResolution, DifferenceType, OnlineChannel, ReconciliationDifference, ReconciliationSide, ReconciliationSummary } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { useSession } from '../session/session';
import { applyFieldErrors } from '../utils/errors';
import { formatDateTime } from '../utils/format';
import { readAsBase64 } from './files';
import { useReconciliation, useReconciliations, useResolveDifference, useRunReconciliation, type ReconcileInput } from './hooks';

const CHANNELS: readonly OnlineChannel[] = ['wechatpay', 'alipay'];
const DIFFERENCE_TYPES: readonly DifferenceType[] = ['missing_in_ledger', 'missing_in_statement', 'amount_mismatch', 'duplicate_in_statement', 'duplicate_in_ledger'];
const TYPE_COLORS: Record<DifferenceType, string> = {
  missing_in_ledger: 'volcano',
  missing_in_statement: 'orange',
  amount_mismatch: 'red',
  duplicate_in_statement: 'purple',
  duplicate_in_ledger: 'magenta',
};
/** The statement of a busy day is a few MB; the server takes up to about 30 MB. */
const MAX_FILE_BYTES = 30 * 1024 * 1024;

const money = (fen: number | null) => (fen === null ? '—' : <span className="sw-code">{formatYuan(fen)}</span>);

/** What may be done with a difference: "credited" only for a lost payment of one of our orders, as the server allows. */
export function resolutionsFor(difference: ReconciliationDifference): DifferenceResolution[] {
  return [...(difference.canCredit ? (['credited'] as const) : []), 'explained', 'channel_error', 'written_off'];
}

interface RunValues {
  date: Dayjs;
  channel: OnlineChannel;
}

function RunForm({ onDone }: { onDone: (runId: string) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RunValues>();
  const run = useRunReconciliation();
  const [unmatched, setUnmatched] = useState<string[]>([]);

  const start = (input: ReconcileInput) => {
    setUnmatched([]);
    run.mutate(input, {
      onSuccess: (result) => {
        void message.success(t('finance.recon.done', { date: result.statementDate, channel: t(`finance.channel.${result.channel}`), count: result.differenceCount }));
        onDone(result.id);
      },
      onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
    });
  };
  const values = () => {
    const { date, channel } = form.getFieldsValue();
    return { date: date.format('YYYY-MM-DD'), channel };
  };

  return (
    <>
      {run.error ? <MutationErrorAlert error={run.error} unmatched={unmatched} /> : null}
      <Form<RunValues>
        form={form}
        layout="inline"
        initialValues={{ date: dayjs(), channel: 'wechatpay' }}
        onFinish={() => start({ source: 'download', ...values() })}
        data-testid="recon-form"
        style={{ rowGap: 12 }}
      >
        <Form.Item name="date" label={t('finance.recon.date')} rules={[{ required: true }]}>
          <DatePicker allowClear={false} disabledDate={(day) => day.isAfter(dayjs(), 'day')} style={{ width: 150 }} data-testid="recon-date" />
        </Form.Item>
        <Form.Item name="channel" label={t('finance.recon.channel')}>
          <Select style={{ width: 130 }} options={CHANNELS.map((channel) => ({ value: channel, label: t(`finance.channel.${channel}`) }))} data-testid="recon-channel" />
        </Form.Item>
        <Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit" icon={<CloudDownloadOutlined />} loading={run.isPending && run.variables.source === 'download'} disabled={run.isPending} data-testid="recon-run">
              {t('finance.recon.run')}
            </Button>
            <Upload
              accept=".csv,.zip,.txt"
              multiple={false}
              showUploadList={false}
              disabled={run.isPending}
              beforeUpload={(file) => {
                if (file.size > MAX_FILE_BYTES) return Upload.LIST_IGNORE;
                void readAsBase64(file).then((fileBase64) => start({ source: 'import', ...values(), fileBase64, fileName: file.name }));
                return false;
              }}
            >
              <Button icon={<UploadOutlined />} loading={run.isPending && run.variables.source === 'import'} disabled={run.isPending} data-testid="recon-upload">
                {t('finance.recon.upload')}
              </Button>
            </Upload>
            <Typography.Text type="secondary">{t('finance.recon.uploadHint')}</Typography.Text>
          </Space>
        </Form.Item>
      </Form>
    </>
  );
}

interface ResolveValues {
  resolution: DifferenceResolution;
  note: string;
}

function ResolveModal({ runId, difference, onClose }: { runId: string; difference: ReconciliationDifference | null; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<ResolveValues>();
  const resolve = useResolveDifference(runId);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const options = difference ? resolutionsFor(difference) : [];

  const close = () => {
    resolve.reset();
    setUnmatched([]);
    form.resetFields();
    onClose();
  };
  const submit = (values: ResolveValues) => {
    if (!difference) return;
    setUnmatched([]);
    resolve.mutate(
      { differenceId: difference.id, resolution: values.resolution, note: values.note.trim() },
      {
        onSuccess: () => {
          void message.success(t('finance.recon.resolve.done'));
          close();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };

  return (
    <Modal
      open={difference !== null}
      title={difference ? t('finance.recon.resolve.title', { seq: difference.seq }) : null}
      onCancel={close}
      okText={t('finance.recon.resolve.submit')}
      cancelText={t('finance.recon.resolve.cancel')}
      onOk={() => form.submit()}
      confirmLoading={resolve.isPending}
      okButtonProps={{ ...({ 'data-testid': 'resolve-submit' } as object) }}
      destroyOnHidden
      width={560}
    >
      {difference ? (
        <Flex vertical gap={12}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label={t('finance.recon.diff.type')} span={2}>
              <Tag color={TYPE_COLORS[difference.type]}>{t(`finance.recon.type.${difference.type}`)}</Tag>
              {difference.kind === 'refund' ? t('finance.recon.diff.kindRefund') : t('finance.recon.diff.kindPayment')}
            </Descriptions.Item>
            <Descriptions.Item label={t('finance.recon.diff.outTradeNo')} span={2}>
              <span className="sw-code">{difference.outTradeNo}</span>
              {difference.outRefundNo ? <span className="sw-code"> / {difference.outRefundNo}</span> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('finance.recon.diff.statementFen')}>{money(difference.statementFen)}</Descriptions.Item>
            <Descriptions.Item label={t('finance.recon.diff.ledgerFen')}>{money(difference.ledgerFen)}</Descriptions.Item>
            <Descriptions.Item label={t('finance.recon.diff.description')} span={2}>
              {i18n.language.startsWith('en') ? difference.description.en : difference.description.zh}
            </Descriptions.Item>
          </Descriptions>
          {resolve.error ? <MutationErrorAlert error={resolve.error} unmatched={unmatched} /> : null}
          <Form<ResolveValues> form={form} layout="vertical" onFinish={submit} initialValues={{ resolution: options[0], note: '' }} requiredMark={false}>
            <Form.Item name="resolution" label={t('finance.recon.resolve.resolution')} rules={[{ required: true, message: t('finance.recon.resolve.resolutionRequired') }]}>
              <Radio.Group data-testid="resolve-resolution">
                <Flex vertical gap={6}>
                  {options.map((option) => (
                    <Radio key={option} value={option}>
                      {t(`finance.recon.resolution.${option}`)}
                      <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                        {t(`finance.recon.resolutionHelp.${option}`)}
                      </Typography.Text>
                    </Radio>
                  ))}
                </Flex>
              </Radio.Group>
            </Form.Item>
            <Form.Item name="note" label={t('finance.recon.resolve.note')} rules={[{ required: true, whitespace: true, min: 2, message: t('finance.recon.resolve.noteRequired') }]}>
              <Input.TextArea rows={3} maxLength={500} showCount data-testid="resolve-note" />
            </Form.Item>
          </Form>
        </Flex>
      ) : null}
    </Modal>
  );
}

function SideStatistics({ title, side, testId }: { title: string; side: ReconciliationSide; testId: string }) {
  const { t } = useTranslation();
  return (
    <Card size="small" title={title} data-testid={testId}>
      <Row gutter={12}>
        <Col span={6}>
          <Statistic title={t('finance.recon.detail.rows')} value={side.rows} data-testid={`${testId}-rows`} />
        </Col>
        <Col span={9}>
          <Statistic title={t('finance.recon.detail.payments')} value={formatYuan(side.paymentFen)} prefix="¥" data-testid={`${testId}-payments`} />
        </Col>
        <Col span={9}>
          <Statistic title={t('finance.recon.detail.refunds')} value={formatYuan(side.refundFen)} prefix="¥" data-testid={`${testId}-refunds`} />
        </Col>
      </Row>
    </Card>
  );
}

function RunDetail({ runId, onClose }: { runId: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { can } = useSession();
  const canResolve = can('payment.reconcile');
  const [type, setType] = useState<DifferenceType | undefined>(undefined);
  const [open, setOpen] = useState<boolean | undefined>(undefined);
  const [resolving, setResolving] = useState<ReconciliationDifference | null>(null);
  const query = useReconciliation(runId, { type, open });
  const run = query.data;
  if (query.isError && !run) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (!run) return <Card loading />;
  const english = i18n.language.startsWith('en');

  const columns: TableColumnsType<ReconciliationDifference> = [
    { key: 'seq', title: t('finance.recon.diff.seq'), width: 50, render: (_, row) => row.seq },
    {
      key: 'type',
      title: t('finance.recon.diff.type'),
      width: 190,
      render: (_, row) => (
        <Space size={4}>
          <Tag color={TYPE_COLORS[row.type]} data-testid="difference-type">
            {t(`finance.recon.type.${row.type}`)}
          </Tag>
          <Typography.Text type="secondary">{row.kind === 'refund' ? t('finance.recon.diff.kindRefund') : t('finance.recon.diff.kindPayment')}</Typography.Text>
        </Space>
      ),
    },
    {
      key: 'outTradeNo',
      title: t('finance.recon.diff.outTradeNo'),
      render: (_, row) => (
        <Flex vertical>
          <span className="sw-code">{row.outTradeNo}</span>
          {row.outRefundNo ? <Typography.Text type="secondary" className="sw-code">{row.outRefundNo}</Typography.Text> : null}
        </Flex>
      ),
    },
    { key: 'statementFen', title: t('finance.recon.diff.statementFen'), align: 'right', width: 120, render: (_, row) => money(row.statementFen) },
    { key: 'ledgerFen', title: t('finance.recon.diff.ledgerFen'), align: 'right', width: 120, render: (_, row) => money(row.ledgerFen) },
    { key: 'description', title: t('finance.recon.diff.description'), ellipsis: true, render: (_, row) => (english ? row.description.en : row.description.zh) },
    {
      key: 'status',
      title: t('finance.recon.diff.status'),
      width: 200,
      render: (_, row) =>
        row.resolution ? (
          <Flex vertical>
            <span>
              <Tag color="green" data-testid="difference-status">
                {t(`finance.recon.resolution.${row.resolution}`)}
              </Tag>
            </span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }} ellipsis={{ tooltip: row.note }}>
              {t('finance.recon.diff.resolvedBy', { name: row.resolvedBy ?? '—', time: formatDateTime(row.resolvedAt) })}
            </Typography.Text>
          </Flex>
        ) : (
          <Tag color="gold" data-testid="difference-status">
            {t('finance.recon.diff.open')}
          </Tag>
        ),
    },
    ...(canResolve
      ? [
          {
            key: 'actions',
            width: 80,
            render: (_: unknown, row: ReconciliationDifference) =>
              row.resolution ? null : (
                <Button type="link" size="small" onClick={() => setResolving(row)} data-testid="difference-resolve">
                  {t('finance.recon.diff.resolve')}
                </Button>
              ),
          },
        ]
      : []),
  ];

  const filtered = type !== undefined || open !== undefined;
  return (
    <Card
      data-testid="recon-detail"
      title={
        <Flex gap={12} align="center" wrap>
          <span>{t('finance.recon.detail.title', { date: run.statementDate, channel: t(`finance.channel.${run.channel}`) })}</span>
          <Tag>{t(`finance.recon.source.${run.source}`)}</Tag>
          {!run.hasStatement ? <Tag color="warning">{t('finance.recon.noStatement')}</Tag> : null}
        </Flex>
      }
      extra={<Button onClick={onClose}>{t('finance.recon.detail.close')}</Button>}
    >
      <Flex vertical gap={16}>
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={8}>
            <SideStatistics title={t('finance.recon.detail.statementSide')} side={run.statement} testId="recon-statement" />
          </Col>
          <Col xs={24} lg={8}>
            <SideStatistics title={t('finance.recon.detail.ledgerSide')} side={run.ledger} testId="recon-ledger" />
          </Col>
          <Col xs={24} lg={8}>
            <SideStatistics title={t('finance.recon.detail.matchedSide')} side={run.matched} testId="recon-matched" />
          </Col>
        </Row>
        <Space size={16} wrap>
          {run.fileName ? <Typography.Text type="secondary">{t('finance.recon.detail.file', { name: run.fileName })}</Typography.Text> : null}
          {run.skippedLines > 0 ? <Typography.Text type="secondary">{t('finance.recon.detail.skipped', { count: run.skippedLines })}</Typography.Text> : null}
          <Typography.Text type="secondary">
            {run.createdBy} · {formatDateTime(run.createdAt)}
          </Typography.Text>
        </Space>
        <Flex gap={12} align="center" wrap>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {t('finance.recon.detail.differences')}{' '}
            <Typography.Text type="secondary" data-testid="recon-difference-count">
              {run.openDifferenceCount} / {run.differenceCount}
            </Typography.Text>
          </Typography.Title>
          <Select<DifferenceType | 'all'>
            value={type ?? 'all'}
            onChange={(value) => setType(value === 'all' ? undefined : value)}
            style={{ width: 180 }}
            options={[
              { value: 'all', label: t('finance.recon.detail.allTypes') },
              ...DIFFERENCE_TYPES.map((value) => ({ value, label: `${t(`finance.recon.type.${value}`)} (${run.counts[value]})` })),
            ]}
          />
          <Segmented<'all' | 'open' | 'resolved'>
            value={open === undefined ? 'all' : open ? 'open' : 'resolved'}
            onChange={(value) => setOpen(value === 'all' ? undefined : value === 'open')}
            options={[
              { value: 'all', label: t('finance.recon.detail.all') },
              { value: 'open', label: t('finance.recon.detail.open') },
              { value: 'resolved', label: t('finance.recon.detail.resolved') },
            ]}
          />
        </Flex>
        {query.isError ? <QueryError compact error={query.error} onRetry={() => void query.refetch()} /> : null}
        <Table<ReconciliationDifference>
          rowKey="id"
          size="small"
          loading={query.isFetching && query.isPlaceholderData}
          columns={columns}
          dataSource={run.differences}
          pagination={{ pageSize: 20, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="recon-differences"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={filtered ? t('finance.recon.detail.noMatching') : t('finance.recon.detail.noDifferences')} /> }}
        />
      </Flex>
      <ResolveModal runId={run.id} difference={resolving} onClose={() => setResolving(null)} />
    </Card>
  );
}

/** 渠道对账: reconcile a channel's day, the runs so far, a run's totals and its differences to resolve. */
export function ReconciliationsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const [channel, setChannel] = useState<OnlineChannel | undefined>(undefined);
  const runs = useReconciliations(channel);
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const list = runs.data?.reconciliations ?? [];
  const selected = chosen === undefined ? (list[0]?.id ?? null) : chosen;

  const side = (value: ReconciliationSide) => (
    <span>
      {value.rows} / <span className="sw-code">{formatYuan(value.paymentFen - value.refundFen)}</span>
    </span>
  );
  const columns: TableColumnsType<ReconciliationSummary> = [
    { key: 'date', title: t('finance.recon.columns.date'), width: 110, render: (_, row) => <Typography.Text strong>{row.statementDate}</Typography.Text> },
    { key: 'channel', title: t('finance.recon.columns.channel'), width: 100, render: (_, row) => t(`finance.channel.${row.channel}`) },
    {
      key: 'source',
      title: t('finance.recon.columns.source'),
      width: 190,
      render: (_, row) => (
        <Space size={4} wrap={false}>
          <span>{t(`finance.recon.source.${row.source}`)}</span>
          {!row.hasStatement ? <Tag color="warning">{t('finance.recon.noStatement')}</Tag> : null}
        </Space>
      ),
    },
    { key: 'statement', title: t('finance.recon.columns.statement'), align: 'right', render: (_, row) => side(row.statement) },
    { key: 'ledger', title: t('finance.recon.columns.ledger'), align: 'right', render: (_, row) => side(row.ledger) },
    { key: 'matched', title: t('finance.recon.columns.matched'), align: 'right', width: 80, render: (_, row) => row.matched.rows },
    {
      key: 'differences',
      title: t('finance.recon.columns.differences'),
      align: 'right',
      width: 150,
      render: (_, row) =>
        row.differenceCount === 0 ? (
          <Tag color="green">0</Tag>
        ) : (
          <Typography.Text type={row.openDifferenceCount > 0 ? 'danger' : undefined} strong={row.openDifferenceCount > 0}>
            {row.openDifferenceCount} / {row.differenceCount}
          </Typography.Text>
        ),
    },
    { key: 'createdBy', title: t('finance.recon.columns.createdBy'), ellipsis: true, render: (_, row) => row.createdBy },
    { key: 'createdAt', title: t('finance.recon.columns.createdAt'), width: 170, render: (_, row) => formatDateTime(row.createdAt) },
  ];

  return (
    <Flex vertical gap={16} data-testid="recon-page">
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('finance.recon.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary">{t('finance.recon.subtitle')}</Typography.Paragraph>
        {can('payment.reconcile') ? <RunForm onDone={(runId) => setChosen(runId)} /> : null}
      </Card>
      {selected ? <RunDetail key={selected} runId={selected} onClose={() => setChosen(null)} /> : null}
      <Card
        title={t('finance.recon.listTitle')}
        extra={
          <Select<OnlineChannel | 'all'>
            value={channel ?? 'all'}
            onChange={(value) => setChannel(value === 'all' ? undefined : value)}
            style={{ width: 140 }}
            options={[{ value: 'all', label: t('finance.recon.allChannels') }, ...CHANNELS.map((value) => ({ value, label: t(`finance.channel.${value}`) }))]}
          />
        }
        styles={{ body: { padding: 0 } }}
      >
        {runs.isError && !runs.data ? (
          <QueryError compact error={runs.error} onRetry={() => void runs.refetch()} />
        ) : (
          <Table<ReconciliationSummary>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={list}
            loading={runs.isPending}
            pagination={{ pageSize: 20, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
            rowClassName={(row) => (row.id === selected ? 'ant-table-row-selected' : '')}
            onRow={(row) => ({ onClick: () => setChosen(row.id), style: { cursor: 'pointer' } })}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('finance.recon.empty')} /> }}
            data-testid="recon-runs"
          />
        )}
      </Card>
    </Flex>
  );
}

import { DownloadOutlined, EyeInvisibleOutlined, EyeOutlined, FileAddOutlined, PlusOutlined, StopOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Flex, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { MandateStatus, WithholdingBatchItem, WithholdingBatchStatus, WithholdingBatchSummary, WithholdingItemStatus, WithholdingMandate } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { applyFieldErrors, errorMessage, isStatus } from '../utils/errors';
import { formatDate, formatDateTime } from '../utils/format';
import { readAsBase64 } from './files';
import {
  useBatch,
  useBatches,
  useCancelMandate,
  useCreateBatch,
  useCreateMandate,
  useDownloadBatchFile,
  useFindAccount,
  useImportBatchResult,
  useMandates,
  useRevealMandate,
  type FoundAccount,
} from './hooks';

/** The banks the utility has withholding agreements with (codes as the agreements name them). */
export const BANKS = ['ICBC', 'CCB', 'ABC', 'BOC', 'BOCOM', 'PSBC', 'CMB'] as const;
const MAX_RESULT_BYTES = 1_400_000;

const money = (fen: number) => <span className="sw-code">{formatYuan(fen)}</span>;

function useBankName() {
  const { t } = useTranslation();
  return (code: string) => ((BANKS as readonly string[]).includes(code) ? `${t(`finance.withholding.bank.${code}`)} (${code})` : code);
}

// ---- mandates ----

function BankAccountCell({ mandate }: { mandate: WithholdingMandate }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const reveal = useRevealMandate();
  const [revealed, setRevealed] = useState<string | null>(null);
  if (revealed !== null) {
    return (
      <Space size={4} wrap>
        <Typography.Text className="sw-code" copyable data-testid="mandate-revealed">
          {revealed}
        </Typography.Text>
        <Button size="small" type="link" icon={<EyeInvisibleOutlined />} onClick={() => setRevealed(null)}>
          {t('finance.withholding.mandate.hide')}
        </Button>
        <Typography.Text type="warning" style={{ fontSize: 12 }}>
          {t('finance.withholding.mandate.revealed')}
        </Typography.Text>
      </Space>
    );
  }
  return (
    <Space size={4}>
      <Typography.Text className="sw-code" data-testid="mandate-masked">
        {mandate.bankAccountMasked}
      </Typography.Text>
      <Button
        size="small"
        type="link"
        icon={<EyeOutlined />}
        loading={reveal.isPending}
        data-testid="mandate-reveal"
        onClick={() =>
          reveal.mutate(mandate.id, {
            onSuccess: (result) => setRevealed(result.bankAccountNo),
            onError: (error) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError'))),
          })
        }
      >
        {t('finance.withholding.mandate.reveal')}
      </Button>
    </Space>
  );
}

function CancelMandateModal({ mandate, onClose }: { mandate: WithholdingMandate | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const cancel = useCancelMandate();
  const [reason, setReason] = useState('');
  const close = () => {
    cancel.reset();
    setReason('');
    onClose();
  };
  return (
    <Modal
      open={mandate !== null}
      title={mandate ? t('finance.withholding.mandate.cancelTitle', { accountNo: mandate.accountNo }) : null}
      okText={t('finance.withholding.mandate.cancelOk')}
      okButtonProps={{ danger: true, ...({ 'data-testid': 'mandate-cancel-ok' } as object) }}
      cancelText={t('finance.withholding.form.cancel')}
      confirmLoading={cancel.isPending}
      onCancel={close}
      onOk={() =>
        mandate &&
        cancel.mutate(
          { id: mandate.id, reason: reason.trim() || undefined },
          {
            onSuccess: () => {
              void message.success(t('finance.withholding.mandate.cancelDone'));
              close();
            },
          },
        )
      }
      destroyOnHidden
    >
      {cancel.error ? <MutationErrorAlert error={cancel.error} /> : null}
      <Input.TextArea rows={2} maxLength={200} placeholder={t('finance.withholding.mandate.cancelReason')} value={reason} onChange={(event) => setReason(event.target.value)} />
    </Modal>
  );
}

interface MandateValues {
  accountNo: string;
  bankCode: string;
  bankAccountNo: string;
  holderName: string;
  signedOn: Dayjs;
}

function CreateMandateModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (mandate: WithholdingMandate) => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const bankName = useBankName();
  const [form] = Form.useForm<MandateValues>();
  const find = useFindAccount();
  const create = useCreateMandate();
  const [account, setAccount] = useState<FoundAccount | null>(null);
  const [unmatched, setUnmatched] = useState<string[]>([]);
  // The account's active mandate, if any: the new one supersedes it.
  const existing = useMandates({ accountId: account?.accountId, status: 'active' });
  const supersedes = account !== null && (existing.data?.mandates.length ?? 0) > 0;

  const close = () => {
    form.resetFields();
    setAccount(null);
    setUnmatched([]);
    find.reset();
    create.reset();
    onClose();
  };

  const lookUp = async () => {
    const accountNo = String(form.getFieldValue('accountNo') ?? '').trim();
    if (!accountNo) {
      void form.validateFields(['accountNo']);
      return;
    }
    setAccount(null);
    try {
      const found = await find.mutateAsync(accountNo);
      if (!found) {
        form.setFields([{ name: 'accountNo', errors: [t('finance.withholding.mandate.accountNotFound', { accountNo })] }]);
        return;
      }
      setAccount(found);
      form.setFields([{ name: 'accountNo', errors: [] }]);
      if (!form.getFieldValue('holderName')) form.setFieldValue('holderName', found.customerName);
    } catch {
      // The error is shown from find.error.
    }
  };

  const submit = (values: MandateValues) => {
    if (!account || account.accountNo !== values.accountNo.trim()) {
      form.setFields([{ name: 'accountNo', errors: [t('finance.withholding.form.accountNeeded')] }]);
      return;
    }
    setUnmatched([]);
    create.mutate(
      { accountId: account.accountId, bankCode: values.bankCode, bankAccountNo: values.bankAccountNo.replace(/\s+/g, ''), holderName: values.holderName.trim(), signedOn: values.signedOn.format('YYYY-MM-DD') },
      {
        onSuccess: (mandate) => {
          void message.success(t('finance.withholding.form.done', { accountNo: mandate.accountNo }));
          onCreated(mandate);
          close();
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language, (field) => (field === 'accountId' ? ['accountNo'] : field.split('.')))),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t('finance.withholding.form.title')}
      okText={t('finance.withholding.form.submit')}
      cancelText={t('finance.withholding.form.cancel')}
      onOk={() => form.submit()}
      onCancel={close}
      confirmLoading={create.isPending}
      okButtonProps={{ ...({ 'data-testid': 'mandate-submit' } as object) }}
      destroyOnHidden
      width={560}
    >
      {create.error ? <MutationErrorAlert error={create.error} unmatched={unmatched} /> : null}
      {find.error ? isStatus(find.error, 403) ? <Alert type="error" showIcon style={{ marginBottom: 16 }} title={t('finance.withholding.form.lookUpForbidden')} /> : <MutationErrorAlert error={find.error} /> : null}
      <Form<MandateValues> form={form} layout="vertical" onFinish={submit} initialValues={{ signedOn: dayjs() }} requiredMark={false} data-testid="mandate-form">
        <Form.Item
          label={t('finance.withholding.form.accountNo')}
          required
          extra={account ? <span data-testid="mandate-account-found">{t('finance.withholding.form.accountFound', { name: account.customerName, address: account.address })}</span> : undefined}
        >
          <Space.Compact style={{ width: '100%' }}>
            <Form.Item name="accountNo" noStyle rules={[{ required: true, whitespace: true, message: t('finance.withholding.form.accountNoRequired') }]}>
              <Input
                autoComplete="off"
                className="sw-code"
                onChange={() => setAccount(null)}
                onPressEnter={(event) => {
                  event.preventDefault();
                  void lookUp();
                }}
                data-testid="mandate-account-no"
              />
            </Form.Item>
            <Button onClick={() => void lookUp()} loading={find.isPending} data-testid="mandate-look-up">
              {t('finance.withholding.form.lookUp')}
            </Button>
          </Space.Compact>
        </Form.Item>
        {supersedes ? <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t('finance.withholding.form.supersedes')} /> : null}
        <Form.Item name="bankCode" label={t('finance.withholding.form.bankCode')} rules={[{ required: true, message: t('finance.withholding.form.bankCodeRequired') }]}>
          <Select options={BANKS.map((code) => ({ value: code, label: bankName(code) }))} data-testid="mandate-bank" />
        </Form.Item>
        <Form.Item
          name="bankAccountNo"
          label={t('finance.withholding.form.bankAccountNo')}
          rules={[
            { required: true, message: t('finance.withholding.form.bankAccountNoRequired') },
            { pattern: /^\s*(\d\s*){8,32}$/, message: t('finance.withholding.form.bankAccountNoInvalid') },
          ]}
        >
          <Input autoComplete="off" inputMode="numeric" className="sw-code" data-testid="mandate-bank-account" />
        </Form.Item>
        <Form.Item name="holderName" label={t('finance.withholding.form.holderName')} rules={[{ required: true, whitespace: true, message: t('finance.withholding.form.holderNameRequired') }]}>
          <Input maxLength={60} data-testid="mandate-holder" />
        </Form.Item>
        <Form.Item name="signedOn" label={t('finance.withholding.form.signedOn')} rules={[{ required: true, message: t('finance.withholding.form.signedOnRequired') }]}>
          <DatePicker allowClear={false} disabledDate={(day) => day.isAfter(dayjs(), 'day')} style={{ width: 180 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function MandatesTab() {
  const { t } = useTranslation();
  const bankName = useBankName();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<MandateStatus | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const [cancelling, setCancelling] = useState<WithholdingMandate | null>(null);
  const mandates = useMandates({ status });
  // By account number, within the mandates loaded (the search needs no customer.read, which a finance clerk lacks).
  const wanted = search.trim();
  const shown = (mandates.data?.mandates ?? []).filter((mandate) => !wanted || mandate.accountNo.includes(wanted));

  const columns: TableColumnsType<WithholdingMandate> = [
    { key: 'accountNo', title: t('finance.withholding.mandate.columns.accountNo'), width: 130, render: (_, row) => <Typography.Text strong className="sw-code">{row.accountNo}</Typography.Text> },
    { key: 'holderName', title: t('finance.withholding.mandate.columns.holderName'), width: 120, render: (_, row) => row.holderName },
    { key: 'bank', title: t('finance.withholding.mandate.columns.bank'), width: 160, render: (_, row) => bankName(row.bankCode) },
    { key: 'bankAccount', title: t('finance.withholding.mandate.columns.bankAccount'), render: (_, row) => <BankAccountCell key={row.id} mandate={row} /> },
    { key: 'signedOn', title: t('finance.withholding.mandate.columns.signedOn'), width: 110, render: (_, row) => formatDate(row.signedOn) },
    {
      key: 'status',
      title: t('finance.withholding.mandate.columns.status'),
      width: 110,
      render: (_, row) =>
        row.status === 'active' ? (
          <Tag color="green">{t('finance.withholding.mandate.active')}</Tag>
        ) : (
          <Typography.Text type="secondary" ellipsis={{ tooltip: t('finance.withholding.mandate.cancelledInfo', { time: formatDateTime(row.cancelledAt), reason: row.cancelReason ? `：${row.cancelReason}` : '' }) }}>
            <Tag>{t('finance.withholding.mandate.cancelled')}</Tag>
          </Typography.Text>
        ),
    },
    { key: 'createdAt', title: t('finance.withholding.mandate.columns.createdAt'), width: 170, render: (_, row) => formatDateTime(row.createdAt) },
    {
      key: 'actions',
      title: t('finance.withholding.mandate.columns.actions'),
      width: 90,
      render: (_, row) =>
        row.status === 'active' ? (
          <Button type="link" size="small" danger icon={<StopOutlined />} onClick={() => setCancelling(row)} data-testid="mandate-cancel">
            {t('finance.withholding.mandate.cancel')}
          </Button>
        ) : null,
    },
  ];

  return (
    <Flex vertical gap={12}>
      <Flex gap={12} wrap align="center" justify="space-between">
        <Space wrap>
          <Input.Search allowClear placeholder={t('finance.withholding.mandate.searchPlaceholder')} onSearch={setSearch} onChange={(event) => !event.target.value && setSearch('')} style={{ width: 220 }} data-testid="mandate-search" />
          <Select<MandateStatus | 'all'>
            value={status ?? 'all'}
            onChange={(value) => setStatus(value === 'all' ? undefined : value)}
            style={{ width: 130 }}
            options={[
              { value: 'all', label: t('finance.withholding.mandate.allStatuses') },
              { value: 'active', label: t('finance.withholding.mandate.active') },
              { value: 'cancelled', label: t('finance.withholding.mandate.cancelled') },
            ]}
          />
        </Space>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="mandate-add">
          {t('finance.withholding.mandate.add')}
        </Button>
      </Flex>
      {mandates.isError ? (
        <QueryError compact error={mandates.error} onRetry={() => void mandates.refetch()} />
      ) : (
        <Table<WithholdingMandate>
          rowKey="id"
          size="small"
          loading={mandates.isPending}
          columns={columns}
          dataSource={shown}
          pagination={{ pageSize: 15, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="mandates"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('finance.withholding.mandate.empty')} /> }}
        />
      )}
      <CreateMandateModal open={creating} onClose={() => setCreating(false)} onCreated={(mandate) => setSearch(mandate.accountNo)} />
      <CancelMandateModal mandate={cancelling} onClose={() => setCancelling(null)} />
    </Flex>
  );
}

// ---- batches ----

const BATCH_COLORS: Record<WithholdingBatchStatus, string> = { sent: 'processing', completed: 'green', expired: 'default' };
const ITEM_COLORS: Record<WithholdingItemStatus, string> = { sent: 'blue', succeeded: 'green', failed: 'red', expired: 'default' };

function DownloadButton({ batch, type = 'default' }: { batch: { id: string; batchNo: string }; type?: 'default' | 'link' }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const download = useDownloadBatchFile();
  return (
    <Button
      type={type}
      size={type === 'link' ? 'small' : 'middle'}
      icon={<DownloadOutlined />}
      loading={download.isPending}
      data-testid="batch-download"
      onClick={(event) => {
        event.stopPropagation();
        download.mutate(batch, {
          onSuccess: (name) => void message.success(t('finance.withholding.batch.downloaded', { name })),
          onError: (error) => void message.error(errorMessage(error, i18n.language, t('common.unexpectedError'))),
        });
      }}
    >
      {t('finance.withholding.batch.download')}
    </Button>
  );
}

function BatchDetail({ batchId, onClose }: { batchId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const bankName = useBankName();
  const query = useBatch(batchId);
  const importing = useImportBatchResult(batchId);
  const batch = query.data;
  if (query.isError && !batch) return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  if (!batch) return <Card loading />;

  const columns: TableColumnsType<WithholdingBatchItem> = [
    { key: 'sequence', title: t('finance.withholding.batch.item.sequence'), width: 56, render: (_, row) => row.sequence },
    { key: 'accountNo', title: t('finance.withholding.batch.item.accountNo'), width: 110, render: (_, row) => <span className="sw-code">{row.accountNo}</span> },
    { key: 'holderName', title: t('finance.withholding.batch.item.holderName'), width: 90, render: (_, row) => row.holderName },
    { key: 'bankAccount', title: t('finance.withholding.batch.item.bankAccount'), width: 170, render: (_, row) => <span className="sw-code">{row.bankAccountMasked}</span> },
    { key: 'amount', title: t('finance.withholding.batch.item.amount'), align: 'right', width: 96, render: (_, row) => money(row.amountFen) },
    { key: 'billRef', title: t('finance.withholding.batch.item.billRef'), width: 180, render: (_, row) => <span className="sw-code">{row.billRef}</span> },
    {
      key: 'status',
      title: t('finance.withholding.batch.item.status'),
      width: 100,
      render: (_, row) => (
        <Tag color={ITEM_COLORS[row.status]} data-testid="batch-item-status">
          {t(`finance.withholding.batch.itemStatus.${row.status}`)}
        </Tag>
      ),
    },
    {
      key: 'result',
      title: t('finance.withholding.batch.item.result'),
      ellipsis: true,
      render: (_, row) =>
        row.status === 'failed' ? (
          <Typography.Text type="danger">
            {row.failureCode ? `${row.failureCode} ` : ''}
            {row.failureReason}
          </Typography.Text>
        ) : row.status === 'succeeded' ? (
          <Typography.Text type="secondary" className="sw-code">
            {row.bankRef} · {formatDate(row.settledOn)}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
    { key: 'receiptNo', title: t('finance.withholding.batch.item.receiptNo'), width: 170, render: (_, row) => (row.receiptNo ? <span className="sw-code">{row.receiptNo}</span> : '—') },
  ];

  return (
    <Card
      data-testid="batch-detail"
      title={
        <Flex gap={12} align="center">
          <span className="sw-code">{t('finance.withholding.batch.detailTitle', { batchNo: batch.batchNo })}</span>
          <Tag color={BATCH_COLORS[batch.status]} data-testid="batch-status">
            {t(`finance.withholding.batch.status.${batch.status}`)}
          </Tag>
        </Flex>
      }
      extra={
        <Space>
          <DownloadButton batch={batch} />
          {batch.status === 'sent' ? (
            <Upload
              accept=".txt,.dat,.csv"
              multiple={false}
              showUploadList={false}
              disabled={importing.isPending}
              beforeUpload={(file) => {
                if (file.size > MAX_RESULT_BYTES) return Upload.LIST_IGNORE;
                void readAsBase64(file).then((base64) =>
                  importing.mutate(base64, {
                    onSuccess: (result) => void message.success(t('finance.withholding.batch.imported', { applied: result.applied, unchanged: result.unchanged })),
                  }),
                );
                return false;
              }}
            >
              <Button type="primary" icon={<UploadOutlined />} loading={importing.isPending} data-testid="batch-upload-result">
                {t('finance.withholding.batch.uploadResult')}
              </Button>
            </Upload>
          ) : null}
          <Button onClick={onClose}>{t('finance.withholding.batch.close')}</Button>
        </Space>
      }
    >
      <Flex vertical gap={16}>
        {batch.status === 'expired' ? (
          <Alert type="warning" showIcon title={t('finance.withholding.batch.expiredTitle', { at: formatDateTime(batch.expiredAt) })} description={t('finance.withholding.batch.expiredHint')} data-testid="batch-expired" />
        ) : null}
        {importing.error ? <MutationErrorAlert error={importing.error} /> : null}
        {importing.error ? <ImportProblems error={importing.error} /> : null}
        <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="batch-summary">
          <Descriptions.Item label={t('finance.withholding.batch.columns.bank')}>{bankName(batch.bankCode)}</Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.createdOn')}>{formatDate(batch.createdOn)}</Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.createdBy')}>{batch.createdBy}</Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.items')}>
            {batch.itemCount} · ¥{formatYuan(batch.totalFen)}
          </Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.success')}>
            <span data-testid="batch-success">
              {batch.successCount} · ¥{formatYuan(batch.successFen)}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.failed')}>
            <span data-testid="batch-failed">
              {batch.failedCount} · ¥{formatYuan(batch.failedFen)}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.format')}>
            <span className="sw-code">{batch.adapterId}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.utilityCode')}>
            <span className="sw-code">{batch.utilityCode}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('finance.withholding.batch.columns.resultImportedAt')}>{formatDateTime(batch.resultImportedAt)}</Descriptions.Item>
          {batch.status === 'expired' ? (
            <Descriptions.Item label={t('finance.withholding.batch.columns.expiredAt')}>{formatDateTime(batch.expiredAt)}</Descriptions.Item>
          ) : null}
        </Descriptions>
        <Table<WithholdingBatchItem>
          rowKey="sequence"
          size="small"
          columns={columns}
          dataSource={batch.items}
          pagination={{ pageSize: 20, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 1150 }}
          data-testid="batch-items"
        />
      </Flex>
    </Card>
  );
}

/** The problems of a refused result file, line by line (the server lists every one). */
function ImportProblems({ error }: { error: unknown }) {
  const { i18n } = useTranslation();
  const fields = error instanceof ApiError ? error.body.fields : [];
  if (fields.length <= 1) return null;
  return (
    <Typography.Paragraph type="danger" style={{ margin: 0 }}>
      <ul style={{ margin: 0 }}>
        {fields.slice(0, 20).map((field, index) => (
          <li key={index}>
            <span className="sw-code">{field.field}</span> {i18n.language.startsWith('en') ? field.en : field.zh}
          </li>
        ))}
      </ul>
    </Typography.Paragraph>
  );
}

function BatchesTab() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const bankName = useBankName();
  const batches = useBatches();
  const create = useCreateBatch();
  const [form] = Form.useForm<{ bankCode: string }>();
  const [unmatched, setUnmatched] = useState<string[]>([]);
  const [chosen, setChosen] = useState<string | null>(null);
  const list = batches.data?.batches ?? [];

  const submit = ({ bankCode }: { bankCode: string }) => {
    setUnmatched([]);
    create.mutate(
      { bankCode },
      {
        onSuccess: (batch) => {
          void message.success(t('finance.withholding.batch.created', { batchNo: batch.batchNo, count: batch.itemCount, amount: formatYuan(batch.totalFen) }));
          setChosen(batch.id);
        },
        onError: (error) => setUnmatched(applyFieldErrors(form, error, i18n.language)),
      },
    );
  };

  const columns: TableColumnsType<WithholdingBatchSummary> = [
    { key: 'batchNo', title: t('finance.withholding.batch.columns.batchNo'), width: 200, render: (_, row) => <Typography.Text strong className="sw-code">{row.batchNo}</Typography.Text> },
    { key: 'bank', title: t('finance.withholding.batch.columns.bank'), width: 160, render: (_, row) => bankName(row.bankCode) },
    { key: 'createdOn', title: t('finance.withholding.batch.columns.createdOn'), width: 110, render: (_, row) => formatDate(row.createdOn) },
    { key: 'status', title: t('finance.withholding.batch.columns.status'), width: 100, render: (_, row) => <Tag color={BATCH_COLORS[row.status]}>{t(`finance.withholding.batch.status.${row.status}`)}</Tag> },
    { key: 'items', title: t('finance.withholding.batch.columns.items'), align: 'right', width: 70, render: (_, row) => row.itemCount },
    { key: 'total', title: t('finance.withholding.batch.columns.total'), align: 'right', width: 120, render: (_, row) => money(row.totalFen) },
    { key: 'success', title: t('finance.withholding.batch.columns.success'), align: 'right', width: 130, render: (_, row) => (row.status === 'completed' ? <Typography.Text type="success">{row.successCount} · {money(row.successFen)}</Typography.Text> : '—') },
    { key: 'failed', title: t('finance.withholding.batch.columns.failed'), align: 'right', width: 130, render: (_, row) => (row.status === 'completed' ? <Typography.Text type={row.failedCount > 0 ? 'danger' : 'secondary'}>{row.failedCount} · {money(row.failedFen)}</Typography.Text> : '—') },
    { key: 'createdBy', title: t('finance.withholding.batch.columns.createdBy'), ellipsis: true, render: (_, row) => row.createdBy },
    { key: 'actions', title: t('finance.withholding.batch.columns.actions'), width: 140, render: (_, row) => <DownloadButton batch={row} type="link" /> },
  ];

  return (
    <Flex vertical gap={12}>
      {create.error ? <MutationErrorAlert error={create.error} unmatched={unmatched} /> : null}
      <Form<{ bankCode: string }> form={form} layout="inline" onFinish={submit} initialValues={{ bankCode: 'ICBC' }} data-testid="batch-form">
        <Form.Item name="bankCode" label={t('finance.withholding.batch.bank')} rules={[{ required: true }]}>
          <Select style={{ width: 220 }} options={BANKS.map((code) => ({ value: code, label: bankName(code) }))} data-testid="batch-bank" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" icon={<FileAddOutlined />} loading={create.isPending} data-testid="batch-create">
            {t('finance.withholding.batch.create')}
          </Button>
        </Form.Item>
      </Form>
      {chosen ? <BatchDetail key={chosen} batchId={chosen} onClose={() => setChosen(null)} /> : null}
      {batches.isError && !batches.data ? (
        <QueryError compact error={batches.error} onRetry={() => void batches.refetch()} />
      ) : (
        <Table<WithholdingBatchSummary>
          rowKey="id"
          size="small"
          loading={batches.isPending}
          columns={columns}
          dataSource={list}
          pagination={{ pageSize: 15, size: 'small', hideOnSinglePage: true, showSizeChanger: false }}
          rowClassName={(row) => (row.id === chosen ? 'ant-table-row-selected' : '')}
          onRow={(row) => ({ onClick: () => setChosen(row.id), style: { cursor: 'pointer' } })}
          data-testid="batches"
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('finance.withholding.batch.empty')} /> }}
        />
      )}
    </Flex>
  );
}

/** 银行代扣: mandates (代扣协议) and the batches sent to the banks with their results. */
export function WithholdingPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState('mandates');
  return (
    <Flex vertical gap={16} data-testid="withholding-page">
      <Card>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {t('finance.withholding.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('finance.withholding.subtitle')}
        </Typography.Paragraph>
      </Card>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={setTab}
          destroyOnHidden={false}
          items={[
            { key: 'mandates', label: t('finance.withholding.tabMandates'), children: <MandatesTab /> },
            { key: 'batches', label: <span data-testid="tab-batches">{t('finance.withholding.tabBatches')}</span>, children: <BatchesTab /> },
          ]}
        />
      </Card>
    </Flex>
  );
}

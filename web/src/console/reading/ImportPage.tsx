import { DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import { Alert, Card, Descriptions, Space, Table, Tabs, Typography, Upload } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import type { ImportRowError, ReadingDeadLetter, ReadingImportRejection } from '../../api/types';
import { MutationErrorAlert } from '../components/MutationErrorAlert';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../utils/format';
import { useDeadLetters, useImportReadings } from './api';
import { readAsBase64 } from './units';

const MAX_FILE_BYTES = 20 * 1024 * 1024;
const TEMPLATE = 'account_no,meter_serial,read_on,register_m3\n1000000001,JC230000001,2026-11-05,1234.567\n';

/** Imports a CSV or XLSX file of readings: all rows or none, with every problem listed by row and column. */
export function ImportPage() {
  const { t } = useTranslation();
  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('reading.import.title')}
      </Typography.Title>
      <Tabs
        items={[
          { key: 'import', label: t('reading.import.title'), children: <ImportTab /> },
          { key: 'dead', label: t('reading.import.deadLetters'), children: <DeadLettersTab /> },
        ]}
      />
    </Card>
  );
}

function ImportTab() {
  const { t, i18n } = useTranslation();
  const importing = useImportReadings();
  const english = i18n.language.startsWith('en');
  const rejection = importing.error instanceof ApiError && importing.error.body.code === 'import_rejected' ? (importing.error.body as ReadingImportRejection) : null;
  const columns: TableColumnsType<ImportRowError> = [
    { key: 'row', title: t('reading.import.row'), width: 80, render: (_, row) => (row.row > 0 ? row.row : '—') },
    { key: 'field', title: t('reading.import.field'), width: 160, render: (_, row) => <span className="sw-code">{row.field}</span> },
    { key: 'problem', title: t('reading.import.problem'), render: (_, row) => (english ? row.en : row.zh) },
  ];
  const template = `data:text/csv;charset=utf-8,${encodeURIComponent(TEMPLATE)}`;
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('reading.import.subtitle')}{' '}
        <Typography.Link href={template} download="readings-template.csv">
          <DownloadOutlined /> {t('reading.import.template')}
        </Typography.Link>
      </Typography.Paragraph>
      <Upload.Dragger
        accept=".csv,.xlsx"
        multiple={false}
        showUploadList={false}
        disabled={importing.isPending}
        beforeUpload={(file) => {
          if (file.size > MAX_FILE_BYTES) {
            importing.reset();
            return Upload.LIST_IGNORE;
          }
          void readAsBase64(file).then((contentBase64) => importing.mutate({ fileName: file.name, contentBase64 }));
          return false;
        }}
        data-testid="import-upload"
      >
        <p className="ant-upload-drag-icon">
          <InboxOutlined />
        </p>
        <p className="ant-upload-text">{importing.isPending ? t('reading.import.importing') : t('reading.import.drag')}</p>
        <p className="ant-upload-hint">CSV · XLSX · ≤ 20 MB</p>
      </Upload.Dragger>
      {importing.data && (
        <Alert
          type="success"
          showIcon
          data-testid="import-result"
          title={`${t('reading.import.success')} · ${importing.data.fileName}`}
          description={
            <Descriptions size="small" column={{ xs: 2, md: 6 }}>
              <Descriptions.Item label={t('reading.import.rows')}>{importing.data.rows}</Descriptions.Item>
              <Descriptions.Item label={t('reading.import.imported')}>{importing.data.imported}</Descriptions.Item>
              <Descriptions.Item label={t('reading.import.duplicates')}>{importing.data.duplicates}</Descriptions.Item>
              <Descriptions.Item label={t('reading.import.accepted')}>{importing.data.accepted}</Descriptions.Item>
              <Descriptions.Item label={t('reading.import.suspect')}>{importing.data.suspect}</Descriptions.Item>
              <Descriptions.Item label="⏱">{t('reading.import.took', { ms: importing.data.tookMs })}</Descriptions.Item>
            </Descriptions>
          }
        />
      )}
      {rejection ? (
        <>
          <Alert type="error" showIcon title={t('reading.import.rejected', { count: rejection.errors.length })} description={english ? rejection.message.en : rejection.message.zh} data-testid="import-rejected" />
          <Table<ImportRowError> rowKey={(row, index) => `${row.row}-${row.field}-${index ?? 0}`} size="small" columns={columns} dataSource={rejection.errors} pagination={{ pageSize: 50, showSizeChanger: false }} data-testid="import-errors" />
        </>
      ) : (
        importing.isError && <MutationErrorAlert error={importing.error} />
      )}
    </Space>
  );
}

function DeadLettersTab() {
  const { t } = useTranslation();
  const letters = useDeadLetters();
  const columns: TableColumnsType<ReadingDeadLetter> = [
    { key: 'receivedAt', title: t('reading.import.receivedAt'), width: 170, render: (_, row) => formatDateTime(row.receivedAt) },
    { key: 'topic', title: t('reading.import.topic'), width: 300, render: (_, row) => <span className="sw-code">{row.topic ?? '—'}</span> },
    { key: 'payload', title: t('reading.import.payload'), render: (_, row) => <Typography.Text code ellipsis style={{ maxWidth: 360 }}>{row.payload}</Typography.Text> },
    { key: 'reason', title: t('reading.import.reasonColumn'), width: 280, render: (_, row) => row.reason },
  ];
  if (letters.isError) return <QueryError compact error={letters.error} onRetry={() => void letters.refetch()} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('reading.import.deadLettersHint')}</Typography.Text>
      <Table<ReadingDeadLetter> rowKey="id" size="small" loading={letters.isPending} columns={columns} dataSource={letters.data ?? []} locale={{ emptyText: t('reading.import.noDeadLetters') }} />
    </Space>
  );
}

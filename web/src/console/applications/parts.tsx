/** Small pieces the application pages share: tags, deadlines, files, and how a stage's outputs read. */
import { FilePdfOutlined } from '@ant-design/icons';
import { Flex, Image, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FileUpload } from '../../api/types';
import { formatCubicMetres, formatYuan } from '../../shared/money';
import { MAX_UPLOAD_BYTES, NotAPhoto, PhotoTooLarge, preparePhoto } from '../../shared/photos';
import { formatDateTime } from '../utils/format';
import { documentUrl } from './hooks';
import type { ApplicationDocument, ApplicationStatus, CurrentStage, OutputSpec, RouteChoice } from './types';

export const STATUS_COLOR: Record<ApplicationStatus, string> = { in_progress: 'processing', returned: 'warning', completed: 'success', rejected: 'default' };

export function StatusTag({ status }: { status: ApplicationStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="application-status">
      {t(`applications.status.${status}`)}
    </Tag>
  );
}

export function OverdueTag() {
  const { t } = useTranslation();
  return (
    <Tag color="error" data-testid="overdue-tag">
      {t('applications.overdue')}
    </Tag>
  );
}

/** "YYYY-MM-DD HH:mm" of a deadline, red when it has passed. */
export function Deadline({ at, isOverdue }: { at: string | null; isOverdue: boolean }) {
  if (!at) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Typography.Text type={isOverdue ? 'danger' : undefined} style={{ fontSize: 'inherit' }}>
      {dayjs(at).format('YYYY-MM-DD HH:mm')}
    </Typography.Text>
  );
}

export function useBilingual() {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return {
    english,
    pick: (value: { zh: string; en: string }) => (english ? value.en : value.zh),
    name: (value: { name: string; nameEn: string }) => (english ? value.nameEn : value.name),
  };
}

/** The current stage in a row: its name, overdue tag and who holds it. */
export function StageCell({ stage }: { stage: CurrentStage | null }) {
  const { name } = useBilingual();
  if (!stage) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={4} wrap>
      <span>{name(stage)}</span>
      {stage.isOverdue && <OverdueTag />}
    </Space>
  );
}

/** A chosen file ready to send: photos are made small (shared/photos), PDFs go as they are. */
export class FileTooLarge extends Error {}
export class NotADocument extends Error {}

function readBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

export async function prepareDocument(file: File, allowPdf: boolean): Promise<FileUpload> {
  const isPdf = file.type === 'application/pdf' || /\.pdf$/i.test(file.name);
  if (isPdf) {
    if (!allowPdf) throw new NotADocument();
    if (file.size > MAX_UPLOAD_BYTES) throw new FileTooLarge();
    // The server decides the type from the content; the PDF's type is not among the photo types the client names.
    return { dataBase64: await readBase64(file), fileName: file.name };
  }
  try {
    const photo = await preparePhoto(file);
    return { ...photo.upload, fileName: file.name };
  } catch (error) {
    if (error instanceof PhotoTooLarge) throw new FileTooLarge();
    if (error instanceof NotAPhoto) throw new NotADocument();
    throw error;
  }
}

/** A file of an application: an image with a preview, or a PDF that opens in a new tab. */
export function DocumentThumb({ applicationId, document }: { applicationId: string; document: ApplicationDocument }) {
  const url = documentUrl(applicationId, document.id);
  const title = `${document.fileName ?? ''} · ${document.uploadedBy} · ${formatDateTime(document.uploadedAt)}`;
  if (document.contentType === 'application/pdf') {
    return (
      <a href={url} target="_blank" rel="noreferrer" title={title} data-testid="application-document" className="sw-doc-pdf">
        <Flex vertical align="center" justify="center" style={{ width: 72, height: 72, border: '1px solid #d9dee5', borderRadius: 6 }}>
          <FilePdfOutlined style={{ fontSize: 26, color: '#cf1322' }} />
          <Typography.Text style={{ fontSize: 11 }} ellipsis>
            PDF
          </Typography.Text>
        </Flex>
      </a>
    );
  }
  return (
    <span title={title} data-testid="application-document">
      <Image src={url} width={72} height={72} style={{ objectFit: 'cover', borderRadius: 6, border: '1px solid #d9dee5' }} alt={document.fileName ?? ''} />
    </span>
  );
}

export function DocumentList({ applicationId, documents }: { applicationId: string; documents: ApplicationDocument[] }) {
  if (documents.length === 0) return null;
  return (
    <Image.PreviewGroup>
      <Flex wrap gap={8}>
        {documents.map((document) => (
          <DocumentThumb key={document.id} applicationId={applicationId} document={document} />
        ))}
      </Flex>
    </Image.PreviewGroup>
  );
}

interface BudgetLine {
  item: string;
  amountFen: number;
}

const isBudgetLines = (value: unknown): value is BudgetLine[] =>
  Array.isArray(value) && value.every((line) => typeof line === 'object' && line !== null && typeof (line as BudgetLine).item === 'string' && typeof (line as BudgetLine).amountFen === 'number');

/** One output of a done stage as a person reads it: yuan, m³, the option's name, a table of budget lines. */
export function OutputValue({ spec, value, routes }: { spec: OutputSpec; value: unknown; routes?: RouteChoice[] }) {
  const { t } = useTranslation();
  const { pick } = useBilingual();
  if (value === undefined || value === null) return <Typography.Text type="secondary">—</Typography.Text>;
  switch (spec.kind) {
    case 'fen':
      return <span>¥ {formatYuan(Number(value))}</span>;
    case 'litres':
      return <span>{formatCubicMetres(Number(value))} m³</span>;
    case 'choice': {
      const option = spec.options?.find((candidate) => candidate.value === value);
      return <span>{option ? pick(option) : String(value)}</span>;
    }
    case 'attachments':
      return <span>{t('applications.detail.files', { count: Number(value) })}</span>;
    case 'uuid': {
      const route = routes?.find((candidate) => candidate.id === value);
      return <span className="sw-code">{route ? `${route.code} ${route.name}` : String(value)}</span>;
    }
    case 'lines': {
      if (!isBudgetLines(value)) return <span>{JSON.stringify(value)}</span>;
      const total = value.reduce((sum, line) => sum + line.amountFen, 0);
      return (
        <Table<BudgetLine & { key: number }>
          size="small"
          pagination={false}
          style={{ maxWidth: 420 }}
          dataSource={value.map((line, index) => ({ ...line, key: index }))}
          columns={[
            { key: 'item', title: t('applications.form.lineItem'), dataIndex: 'item' },
            { key: 'amount', title: t('applications.form.lineAmount'), align: 'right', render: (_, line) => formatYuan(line.amountFen) },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>
                <Typography.Text strong>{t('applications.detail.linesTotal')}</Typography.Text>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                <Typography.Text strong data-testid="budget-total">
                  {formatYuan(total)}
                </Typography.Text>
              </Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      );
    }
    default:
      return <span style={{ whiteSpace: 'pre-wrap' }}>{String(value)}</span>;
  }
}

/** An output's label without the unit the form shows on its own (表码（升） is entered in m³). */
export function outputLabel(spec: OutputSpec, english: boolean): string {
  const label = english ? spec.en : spec.zh;
  if (spec.kind === 'litres') return label.replace(/（升）|\s*\(litres\)/, '');
  if (spec.kind === 'fen') return label.replace(/（分）|\s*\(fen\)/, '');
  return label;
}

/** One bill: what is due and by when, the three fees separately, the readings, notes, and the PDF. */
import { useQuery } from '@tanstack/react-query';
import { List, Tag } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { BillDetail } from '../../api/types';
import { formatCubicMetres, formatYuan } from '../../shared/money';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, PageLoading } from '../components/states';
import { billPdfUrl, billQueryKeys, fetchBill } from './BillsApi';
import { BillStatusTag, formatDay, useBillTexts } from './BillsParts';
import './Bills.css';

export function BillsDetailPage(): ReactElement {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const bill = useQuery({ queryKey: billQueryKeys.bill(id), queryFn: () => fetchBill(id) });

  let body: ReactElement;
  if (bill.isPending) body = <PageLoading />;
  else if (bill.isError && bill.error instanceof ApiError && bill.error.status === 404)
    body = <EmptyState title={t('bills.notFoundTitle')} description={t('bills.notFoundDescription')} />;
  else if (bill.isError) body = <ErrorState error={bill.error} onRetry={() => void bill.refetch()} />;
  else body = <BillView detail={bill.data} />;

  return (
    <Page title={t('bills.detailTitle')} back testId="bill-detail-page">
      {body}
    </Page>
  );
}

function BillView({ detail }: { detail: BillDetail }): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const texts = useBillTexts();
  const language = i18n.language;
  const { bill, readings } = detail;
  const isRegular = bill.kind === 'regular';
  const due = isRegular ? (bill.netTotalFen ?? bill.totalFen) : bill.totalFen;
  const dueLabel = bill.kind === 'credit_note' ? t('bills.creditAmount') : detail.notes.length > 0 ? t('bills.adjustedDue') : t('bills.amountDue');
  const amount = (fen: number) => <span className={`bills-amount${fen < 0 ? ' bills-negative' : ''}`}>{formatYuan(fen)}</span>;

  return (
    <div className="portal-content">
      <div className="portal-card bills-head">
        <div className="bills-head-kind">
          <span>
            {texts.period(bill.period)} · {t(`bills.kind.${bill.kind}`)}
          </span>
          {bill.status && <BillStatusTag status={bill.status} />}
          {bill.isEstimated && (
            <Tag color="warning" fill="solid" className="portal-tag">
              {t('bills.estimated')}
            </Tag>
          )}
        </div>
        <div className="portal-label">{dueLabel}</div>
        <div className={`bills-head-amount${due < 0 ? ' bills-negative' : ''}`} data-testid="bill-amount">
          ¥{formatYuan(due)}
        </div>
        {bill.kind !== 'credit_note' && (
          <div className="bills-head-due">
            {t('bills.dueDate')}<strong>{formatDay(bill.dueOn, language)}</strong>
          </div>
        )}
      </div>

      {isRegular && readings && (
        <div className="portal-card" style={{ marginBottom: 12 }}>
          <div className="bills-readings">
            <div>
              <div className="portal-label">{t('bills.previous')}</div>
              <div className="bills-readings-value">{readings.previousLitres === null ? '—' : formatCubicMetres(readings.previousLitres)}</div>
            </div>
            <div>
              <div className="portal-label">{t('bills.current')}</div>
              <div className="bills-readings-value">{readings.currentLitres === null ? '—' : formatCubicMetres(readings.currentLitres)}</div>
            </div>
            <div>
              <div className="portal-label">{t('bills.used')}（m³）</div>
              <div className="bills-readings-value bills-readings-used">{formatCubicMetres(bill.consumptionLitres)}</div>
            </div>
          </div>
        </div>
      )}

      <List mode="card" header={t('bills.lines')} className="portal-list" data-testid="bill-lines">
        {detail.lines.map((line) => (
          <List.Item
            key={line.lineNo}
            description={
              line.quantityLitres !== null && line.unitPriceFenPerM3 !== null
                ? `${formatCubicMetres(line.quantityLitres)} m³ × ¥${formatYuan(line.unitPriceFenPerM3)}/m³`
                : undefined
            }
            extra={amount(line.amountFen)}
          >
            {texts.line(line)}
          </List.Item>
        ))}
        <List.Item extra={<strong>{amount(bill.totalFen)}</strong>}>
          <strong>{t('bills.total')}</strong>
        </List.Item>
      </List>
      {detail.lines.some((line) => line.lineType === 'sewage' || line.lineType === 'resource') && (
        <p className="portal-hint" style={{ margin: '-4px 4px 12px' }}>
          {t('bills.feesNote')}
        </p>
      )}

      {detail.notes.length > 0 && (
        <List mode="card" header={t('bills.notes')} className="portal-list">
          {detail.notes.map((note) => (
            <List.Item
              key={note.id}
              onClick={() => void navigate(`/bills/${encodeURIComponent(note.id)}`)}
              description={`${note.reason ? t(`bills.reason.${note.reason}`) : ''}${note.note ? ` · ${note.note}` : ''}`}
              extra={amount(note.totalFen)}
            >
              {t(`bills.kind.${note.kind}`)}
            </List.Item>
          ))}
        </List>
      )}

      {detail.original && (
        <List mode="card" className="portal-list">
          <List.Item onClick={() => void navigate(`/bills/${encodeURIComponent(detail.original?.id ?? '')}`)} extra={detail.original.billNo}>
            {t('bills.original')}
          </List.Item>
          {bill.reason && <List.Item extra={t(`bills.reason.${bill.reason}`)}>{bill.note ?? ''}</List.Item>}
        </List>
      )}

      <List mode="card" className="portal-list">
        <List.Item extra={<span className="bills-amount">{bill.billNo}</span>}>{t('bills.billNo')}</List.Item>
        <List.Item extra={`${bill.periodStart} ~ ${bill.periodEnd}`}>{t('bills.period')}</List.Item>
        <List.Item extra={formatDay(bill.issuedOn, language)}>{t('bills.issuedOn')}</List.Item>
        {readings?.meterSerialNo && <List.Item extra={readings.meterSerialNo}>{t('bills.meter')}</List.Item>}
      </List>

      <div className="portal-actions">
        <a className="bills-pdf" href={billPdfUrl(bill.id)} target="_blank" rel="noopener" data-testid="bill-pdf">
          {t('bills.pdf')}
        </a>
      </div>
    </div>
  );
}

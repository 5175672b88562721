/** Pieces the payment pages share: the receipt, the channel mark, and the 缴费 entries on other pages. */
import { useQuery } from '@tanstack/react-query';
import { Button } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { OnlineChannel, PaymentMethod, Receipt } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { fetchMoney, payQueryKeys } from './PayApi';
import { fill, payText } from './PayMessages';
import './Pay.css';

export function usePayText() {
  const { i18n } = useTranslation();
  return { text: payText(i18n.language), language: i18n.language };
}

/** "2026-07" → "2026年07月" / "07/2026", like the bills pages. */
export function periodTitle(period: string, language: string): string {
  const year = period.slice(0, 4);
  const month = period.slice(5, 7);
  return language.startsWith('en') ? `${month}/${year}` : `${year}年${month}月`;
}

/** An instant in the phone's time zone: "2026-11-23 14:05" (Chinese) or "23 Nov 2026, 14:05" (English). */
export function formatDateTime(value: string, language: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (language.startsWith('en')) {
    return date.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
  }
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}`;
}

/** What is owed after a payment, in words: "尚欠 ¥12.00", "预存余额 ¥5.00", "已结清". */
export function balanceText(balanceFen: number, language: string): string {
  const text = payText(language);
  if (balanceFen > 0) return fill(text.balanceOwed, { amount: formatYuan(balanceFen) });
  if (balanceFen < 0) return fill(text.balanceCredit, { amount: formatYuan(-balanceFen) });
  return text.balanceZero;
}

const MARK: Partial<Record<PaymentMethod, string>> = { wechatpay: '微', alipay: '支' };

/** A round coloured mark standing in for a channel's logo. */
export function ChannelMark({ channel }: { channel: OnlineChannel | PaymentMethod }): ReactElement {
  return (
    <span className={`pay-mark pay-mark-${channel}`} aria-hidden="true">
      {MARK[channel] ?? '¥'}
    </span>
  );
}

/** A payment receipt as the customer keeps it (缴费凭证). */
export function ReceiptView({ receipt }: { receipt: Receipt }): ReactElement {
  const { text, language } = usePayText();
  const methodName = language.startsWith('en') ? receipt.methodName.en : receipt.methodName.zh;
  return (
    <section className="portal-card pay-receipt" data-testid="receipt">
      <header className="pay-receipt-head">
        <div className="pay-receipt-utility">{receipt.utility.name}</div>
        <div className="pay-receipt-title">{text.receiptHeading}</div>
      </header>
      <div className="pay-receipt-total">
        <div className="portal-label">{text.amount}</div>
        <div className="pay-receipt-amount" data-testid="receipt-amount">
          ¥{formatYuan(receipt.amountFen)}
        </div>
      </div>
      <dl className="pay-receipt-rows">
        <div>
          <dt>{text.receiptNo}</dt>
          <dd className="pay-mono" data-testid="receipt-no">
            {receipt.receiptNo}
          </dd>
        </div>
        <div>
          <dt>{text.accountNo}</dt>
          <dd className="pay-mono">{receipt.accountNo}</dd>
        </div>
        <div>
          <dt>{text.holder}</dt>
          <dd>{receipt.holderName}</dd>
        </div>
        <div>
          <dt>{text.address}</dt>
          <dd>{receipt.address}</dd>
        </div>
        <div>
          <dt>{text.method}</dt>
          <dd>{methodName}</dd>
        </div>
        <div>
          <dt>{text.receivedAt}</dt>
          <dd className="pay-mono">{formatDateTime(receipt.receivedAt, language)}</dd>
        </div>
        {receipt.channelTradeNo && (
          <div>
            <dt>{text.tradeNo}</dt>
            <dd className="pay-mono pay-break pay-receipt-small">{receipt.channelTradeNo}</dd>
          </div>
        )}
      </dl>
      <div className="pay-receipt-section">
        <div className="pay-receipt-section-title">{text.settledBills}</div>
        {receipt.settledBills.length === 0 ? (
          <div className="portal-muted">{receipt.lateFeeFen > 0 ? text.noBillsLateFee : text.noBillsSettled}</div>
        ) : (
          <ul className="pay-receipt-bills" data-testid="receipt-bills">
            {receipt.settledBills.map((bill) => (
              <li key={bill.billId} data-testid="receipt-bill">
                <span>
                  <span className="pay-receipt-bill-period">{periodTitle(bill.period, language)}</span>
                  <span className="pay-receipt-bill-no pay-mono">{bill.billNo}</span>
                </span>
                <span className="pay-mono">¥{formatYuan(bill.amountFen)}</span>
              </li>
            ))}
          </ul>
        )}
        {receipt.lateFeeFen > 0 && (
          <div className="pay-receipt-line" data-testid="receipt-late-fee">
            <span>{text.lateFeePart}</span>
            <span className="pay-mono">¥{formatYuan(receipt.lateFeeFen)}</span>
          </div>
        )}
        {receipt.prepaidFen > 0 && (
          <div className="pay-receipt-line">
            <span>{text.prepaidPart}</span>
            <span className="pay-mono">¥{formatYuan(receipt.prepaidFen)}</span>
          </div>
        )}
      </div>
      <div className="pay-receipt-line pay-receipt-after">
        <span>{text.balanceAfter}</span>
        <strong data-testid="receipt-balance-after">{balanceText(receipt.balanceAfterFen, language)}</strong>
      </div>
      <footer className="pay-receipt-foot">
        <p>{text.receiptNote}</p>
        {receipt.utility.hotline && <p>{fill(text.hotline, { hotline: receipt.utility.hotline })}</p>}
      </footer>
    </section>
  );
}

/** On the account page: what is owed, a big 缴费 button and the link to 缴费记录. */
export function PayEntryCard({ accountId }: { accountId: string }): ReactElement {
  const { text } = usePayText();
  const navigate = useNavigate();
  const money = useQuery({ queryKey: payQueryKeys.money(accountId), queryFn: () => fetchMoney(accountId) });
  const balance = money.data?.balanceFen;
  const base = `/accounts/${encodeURIComponent(accountId)}`;
  return (
    <div className="portal-card pay-entry" data-testid="pay-entry">
      <div className="pay-entry-main">
        <div>
          <div className="portal-label">{balance === undefined || balance > 0 ? text.entryOwed : balance < 0 ? text.entryCredit : text.entrySettled}</div>
          <div className={`pay-entry-amount${balance !== undefined && balance > 0 ? ' is-owed' : ''}`} data-testid="pay-entry-amount">
            {balance === undefined ? '—' : `¥${formatYuan(Math.abs(balance))}`}
          </div>
        </div>
        <Button color="primary" size="large" className="pay-entry-button" onClick={() => void navigate(`${base}/pay`)} data-testid="pay-entry-button">
          {balance !== undefined && balance > 0 ? text.payNow : text.entry}
        </Button>
      </div>
      <Link className="pay-entry-link" to={`${base}/payments`} data-testid="payments-entry">
        {text.history} ›
      </Link>
    </div>
  );
}

/** Under an account card on the home page: the amount owed with 缴费, and 缴费记录. */
export function AccountPayStrip({ accountId }: { accountId: string }): ReactElement {
  const { text } = usePayText();
  const money = useQuery({ queryKey: payQueryKeys.money(accountId), queryFn: () => fetchMoney(accountId) });
  const balance = money.data?.balanceFen ?? 0;
  const base = `/accounts/${encodeURIComponent(accountId)}`;
  return (
    <div className="pay-strip" data-testid="pay-strip">
      <Link className="pay-strip-history" to={`${base}/payments`}>
        {text.history}
      </Link>
      {balance > 0 && (
        <span className="pay-strip-owed">
          {text.entryOwed} <strong>¥{formatYuan(balance)}</strong>
        </span>
      )}
      <Link className={`pay-strip-pay${balance > 0 ? ' is-owed' : ''}`} to={`${base}/pay`} data-testid="pay-strip-pay">
        {text.entry}
      </Link>
    </div>
  );
}

/** The fixed footer of the bills page: 缴费 with what is owed. */
export function PayFooterButton({ accountId, owedFen }: { accountId: string; owedFen: number }): ReactElement {
  const { text } = usePayText();
  const navigate = useNavigate();
  return (
    <Button
      block
      color="primary"
      size="large"
      className="pay-footer-button"
      onClick={() => void navigate(`/accounts/${encodeURIComponent(accountId)}/pay`)}
      data-testid="bills-pay"
    >
      {owedFen > 0 ? `${text.payNow} ¥${formatYuan(owedFen)}` : text.topupNow}
    </Button>
  );
}

/** The 缴费记录 link in a navigation bar. */
export function PaymentsNavLink({ accountId }: { accountId: string }): ReactElement {
  const { text } = usePayText();
  return (
    <Link className="pay-nav-link" to={`/accounts/${encodeURIComponent(accountId)}/payments`} data-testid="payments-nav">
      {text.history}
    </Link>
  );
}

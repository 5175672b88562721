import { PrinterOutlined } from '@ant-design/icons';
import { Button, Modal, Skeleton } from 'antd';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import type { Receipt } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { QueryError } from '../components/QueryError';
import { formatDateTime } from '../utils/format';
import { useReceipt } from './hooks';
import { fenToCapitals } from './money';
import './payments.css';

/** The receipt (收据) as printed: utility, title, number, account, amount in figures and in capitals, bills settled. */
export function ReceiptView({ receipt, testId }: { receipt: Receipt; testId?: string }) {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const balance = receipt.balanceAfterFen;
  const balanceText =
    balance > 0
      ? t('payments.receipt.balanceOwed', { amount: formatYuan(balance) })
      : balance < 0
        ? t('payments.receipt.balanceCredit', { amount: formatYuan(-balance) })
        : t('payments.receipt.balanceZero');
  return (
    <div className="sw-receipt" data-testid={testId}>
      <p className="sw-receipt-utility">{receipt.utility.name}</p>
      <p className="sw-receipt-title">{t('payments.receipt.title')}</p>
      <div className="sw-receipt-meta">
        <span>
          {t('payments.receipt.receiptNo')}：<span className="sw-code" data-testid="receipt-no">{receipt.receiptNo}</span>
        </span>
        <span>
          {t('payments.receipt.receivedAt')}：{formatDateTime(receipt.receivedAt)}
        </span>
      </div>
      <table>
        <tbody>
          <tr>
            <th>{t('payments.receipt.accountNo')}</th>
            <td className="sw-code" data-testid="receipt-account">{receipt.accountNo}</td>
          </tr>
          <tr>
            <th>{t('payments.receipt.holder')}</th>
            <td>{receipt.holderName}</td>
          </tr>
          <tr>
            <th>{t('payments.receipt.address')}</th>
            <td>{receipt.address}</td>
          </tr>
          <tr>
            <th>{t('payments.receipt.method')}</th>
            <td data-testid="receipt-method">{english ? receipt.methodName.en : receipt.methodName.zh}</td>
          </tr>
          <tr>
            <th>{t('payments.receipt.amount')}</th>
            <td className="sw-receipt-amount" data-testid="receipt-amount">
              ¥{formatYuan(receipt.amountFen)}
            </td>
          </tr>
          <tr>
            <th>{t('payments.receipt.amountCapitals')}</th>
            <td className="sw-receipt-capitals" data-testid="receipt-capitals">
              {fenToCapitals(receipt.amountFen)}
            </td>
          </tr>
          <tr>
            <th>{t('payments.receipt.settled')}</th>
            <td>
              {receipt.settledBills.length === 0 ? (
                t('payments.receipt.settledNone')
              ) : (
                <ul className="sw-receipt-bills">
                  {receipt.settledBills.map((bill) => (
                    <li key={bill.billId} data-testid="receipt-bill">
                      <span>
                        {bill.period} <span className="sw-code">{bill.billNo}</span>
                      </span>
                      <span className="sw-code">¥{formatYuan(bill.amountFen)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
          {receipt.lateFeeFen > 0 ? (
            <tr>
              <th>{t('payments.receipt.lateFee')}</th>
              <td className="sw-code" data-testid="receipt-late-fee">¥{formatYuan(receipt.lateFeeFen)}</td>
            </tr>
          ) : null}
          {receipt.prepaidFen > 0 ? (
            <tr>
              <th>{t('payments.receipt.toPrepaid')}</th>
              <td className="sw-code" data-testid="receipt-prepaid">¥{formatYuan(receipt.prepaidFen)}</td>
            </tr>
          ) : null}
          <tr>
            <th>{t('payments.receipt.balanceAfter')}</th>
            <td data-testid="receipt-balance">{balanceText}</td>
          </tr>
          {receipt.reversal ? (
            <tr>
              <th>{t('payments.receipt.reversed')}</th>
              <td data-testid="receipt-reversed">
                {t('payments.receipt.reversedBy', { by: receipt.reversal.reversedBy, at: formatDateTime(receipt.reversal.reversedAt), reason: receipt.reversal.reason })}
              </td>
            </tr>
          ) : null}
        </tbody>
      </table>
      <div className="sw-receipt-sign">
        <span>
          {t('payments.receipt.cashier')}：<span data-testid="receipt-cashier">{receipt.cashier ?? '—'}</span>
        </span>
        <span>{t('payments.receipt.stamp')}</span>
      </div>
      <div className="sw-receipt-footer">
        <span>{t('payments.receipt.footer')}</span>
        {receipt.utility.hotline ? (
          <span>
            {t('payments.receipt.hotline')}：{receipt.utility.hotline}
          </span>
        ) : null}
      </div>
    </div>
  );
}

interface Props {
  /** The payment whose receipt to show; null when closed. */
  paymentId: string | null;
  onClose: () => void;
  /** The title: "payment taken" right after the payment, "receipt" on a re-print. */
  title?: string;
}

/** A receipt in a modal with 打印: only the receipt goes to paper (A5, see payments.css). */
export function ReceiptModal({ paymentId, onClose, title }: Props) {
  const { t } = useTranslation();
  const query = useReceipt(paymentId);
  const receipt = query.data;
  return (
    <Modal
      open={paymentId !== null}
      title={title ?? t('payments.receipt.title')}
      onCancel={onClose}
      width={640}
      destroyOnHidden
      footer={[
        <Button key="close" onClick={onClose}>
          {t('payments.receipt.close')}
        </Button>,
        <Button key="print" type="primary" icon={<PrinterOutlined />} disabled={!receipt} onClick={() => window.print()} data-testid="receipt-print">
          {t('payments.receipt.print')}
        </Button>,
      ]}
    >
      {query.isError ? (
        <QueryError compact error={query.error} onRetry={() => void query.refetch()} />
      ) : receipt ? (
        <>
          <ReceiptView receipt={receipt} testId="receipt" />
          {paymentId !== null
            ? createPortal(
                <div className="sw-print-root" aria-hidden>
                  <ReceiptView receipt={receipt} />
                </div>,
                document.body,
              )
            : null}
        </>
      ) : (
        <Skeleton active paragraph={{ rows: 8 }} />
      )}
    </Modal>
  );
}

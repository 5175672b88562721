/**
 * 支付结果: where the channel returns the browser after paying. Polls the order every second (the server asks
 * the channel itself about orders older than a few seconds) until it is paid or closed; after 30 s without an
 * answer it says so and offers to check again, and keeps looking, more slowly, meanwhile.
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Result, SpinLoading } from 'antd-mobile';
import { useEffect, useState, type ReactElement } from 'react';
import { useNavigate, useParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { PaymentOrder } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { Page } from '../components/Page';
import { EmptyState, ErrorState } from '../components/states';
import { fetchPaymentOrder, payQueryKeys } from './PayApi';
import { fill } from './PayMessages';
import { ReceiptView, usePayText } from './PayParts';

const POLL_MS = 1_000;
const SLOW_POLL_MS = 5_000;
const PATIENCE_MS = 30_000;

const isFinal = (error: unknown) => error instanceof ApiError && error.status >= 400 && error.status < 500;

export function PayResultPage(): ReactElement {
  const { orderId = '' } = useParams();
  const { text } = usePayText();
  const queryClient = useQueryClient();
  // Each 再次查询 starts a new round of patience.
  const [round, setRound] = useState(0);
  const [waitedOut, setWaitedOut] = useState(-1);
  const impatient = waitedOut === round;
  useEffect(() => {
    const timer = window.setTimeout(() => setWaitedOut(round), PATIENCE_MS);
    return () => window.clearTimeout(timer);
  }, [round]);

  const order = useQuery({
    queryKey: payQueryKeys.order(orderId),
    queryFn: () => fetchPaymentOrder(orderId),
    refetchInterval: (query) => {
      if (query.state.data && query.state.data.status !== 'created') return false;
      if (!query.state.data && isFinal(query.state.error)) return false;
      return impatient ? SLOW_POLL_MS : POLL_MS;
    },
  });

  // Once paid, what the other pages show of this account is out of date.
  const paid = order.data?.status === 'paid';
  useEffect(() => {
    if (!paid) return;
    void queryClient.invalidateQueries({
      predicate: ({ queryKey }) => queryKey[0] === 'portal' && (queryKey[1] === 'bills' || (queryKey[1] === 'pay' && queryKey[2] !== 'order')),
    });
  }, [paid, queryClient]);

  const checkAgain = () => {
    setRound((value) => value + 1);
    void order.refetch();
  };

  let body: ReactElement;
  if (order.data) body = <OrderState order={order.data} impatient={impatient} onRetry={checkAgain} />;
  else if (order.isError && order.error instanceof ApiError && (order.error.status === 404 || order.error.status === 400))
    body = <EmptyState title={text.orderNotFound} description={text.orderNotFoundDescription} />;
  else if (order.isError) body = <ErrorState error={order.error} onRetry={() => void order.refetch()} />;
  else body = <Checking />;

  return (
    <Page title={text.resultTitle} back testId="pay-result-page">
      <div className="portal-content pay-result">{body}</div>
    </Page>
  );
}

function Checking({ amountFen }: { amountFen?: number }): ReactElement {
  const { text } = usePayText();
  return (
    <div role="status" aria-live="polite" data-testid="pay-result-checking">
      <div className="pay-spinner">
        <SpinLoading color="primary" />
      </div>
      <div className="pay-checking-title">{text.checking}</div>
      <div className="pay-checking-description">{text.checkingDescription}</div>
      {amountFen !== undefined && <div className="pay-result-amount portal-center-text">¥{formatYuan(amountFen)}</div>}
    </div>
  );
}

function OrderState({ order, impatient, onRetry }: { order: PaymentOrder; impatient: boolean; onRetry: () => void }): ReactElement {
  const { text } = usePayText();
  const navigate = useNavigate();
  const account = `/accounts/${encodeURIComponent(order.accountId)}`;
  const toAccount = () => void navigate(account);

  if (order.status === 'paid') {
    return (
      <div data-testid="pay-result-paid">
        <Result status="success" title={text.paidTitle} description={fill(text.paidDescription, { amount: formatYuan(order.amountFen) })} />
        {order.receipt && <ReceiptView receipt={order.receipt} />}
        <div className="pay-actions pay-actions-row">
          <Button color="primary" fill="outline" onClick={toAccount} data-testid="pay-result-account">
            {text.backToAccount}
          </Button>
          <Button color="primary" onClick={() => void navigate(`${account}/payments`)} data-testid="pay-result-history">
            {text.toHistory}
          </Button>
        </div>
      </div>
    );
  }

  if (order.status === 'closed') {
    return (
      <div data-testid="pay-result-closed">
        <Result status="warning" title={text.closedTitle} description={text.closedDescription} />
        <div className="pay-actions">
          <Button block color="primary" size="large" onClick={() => void navigate(`${account}/pay`, { replace: true })}>
            {text.payAgain}
          </Button>
          <Button block color="primary" fill="outline" size="large" onClick={toAccount}>
            {text.backToAccount}
          </Button>
        </div>
      </div>
    );
  }

  if (!impatient) return <Checking amountFen={order.amountFen} />;

  return (
    <div data-testid="pay-result-waiting">
      <Result status="waiting" title={text.stillWaiting} description={text.stillWaitingDescription} />
      <div className="pay-result-amount portal-center-text">¥{formatYuan(order.amountFen)}</div>
      <div className="pay-actions">
        <Button block color="primary" size="large" onClick={onRetry} data-testid="pay-result-retry">
          {text.checkAgain}
        </Button>
        <Button block color="primary" fill="outline" size="large" onClick={toAccount}>
          {text.backToAccount}
        </Button>
      </div>
    </div>
  );
}

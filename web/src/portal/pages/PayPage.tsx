/**
 * 缴费: pay a bound account's open bills (oldest first) or top it up, with WeChat Pay or Alipay. Placing the
 * order sends the browser to the channel's pay page, which returns it to /pay/result/:orderId. Inside the
 * WeChat browser WeChat Pay is JSAPI: the payer's openid is fetched once through WeChat OAuth2 (the browser
 * goes to WeChat and comes back here with ?wechat=bound), then WeixinJSBridge pays the signed order in place.
 * What was being paid is kept across that round trip (PayResume.ts), so the payment goes on at once on return.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Button, Checkbox, Input, List, Radio, Segmented, Selector, Toast } from 'antd-mobile';
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../../api/client';
import type { AccountMoney, NewPaymentOrder, OnlineChannel, PaymentOrder, PortalAccount } from '../../api/types';
import { formatYuan } from '../../shared/money';
import { fetchAccount, queryKeys } from '../api';
import { Page } from '../components/Page';
import { EmptyState, ErrorState, errorText, PageLoading } from '../components/states';
import { createPaymentOrder, fetchMoney, fetchWechatStatus, newIdempotencyKey, parseTopup, payQueryKeys, startWechatAuthorization } from './PayApi';
import { forgetPayIntent, readPayIntent, savePayIntent, stateOfAuthorizeUrl, type PayChoice } from './PayResume';
import { isWechatBrowser, payInWechat } from './PayWechat';
import { fill } from './PayMessages';
import { ChannelMark, PaymentsNavLink, periodTitle, usePayText } from './PayParts';

type Tab = 'bills' | 'topup';
const CHANNELS: OnlineChannel[] = ['wechatpay', 'alipay'];
const QUICK_YUAN = ['50', '100', '200', '500'];

export function PayPage(): ReactElement {
  const { id = '' } = useParams();
  const money = useQuery({ queryKey: payQueryKeys.money(id), queryFn: () => fetchMoney(id) });
  const account = useQuery({ queryKey: queryKeys.account(id), queryFn: () => fetchAccount(id) });

  // Back from the channel's page (the browser may restore this page from its cache): show fresh amounts.
  const { refetch } = money;
  useEffect(() => {
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) void refetch();
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, [refetch]);

  if (money.isPending) return <PayShell><PageLoading /></PayShell>;
  if (money.isError && money.error instanceof ApiError && money.error.status === 404)
    return <PayShell><AccountGone /></PayShell>;
  if (money.isError)
    return (
      <PayShell>
        <ErrorState error={money.error} onRetry={() => void money.refetch()} />
      </PayShell>
    );
  return <PayForm accountId={id} money={money.data} account={account.data} refetchMoney={() => void money.refetch()} />;
}

function PayShell({ children, footer, accountId }: { children: ReactElement; footer?: ReactElement; accountId?: string }): ReactElement {
  const { text } = usePayText();
  return (
    <Page title={text.title} back testId="pay-page" footer={footer} right={accountId ? <PaymentsNavLink accountId={accountId} /> : undefined}>
      {children}
    </Page>
  );
}

/** The account is not (or no longer) bound to this phone: the account pages' own texts. */
function AccountGone(): ReactElement {
  const { t } = useTranslation();
  return <EmptyState title={t('account.notFoundTitle')} description={t('account.notFoundDescription')} />;
}

function PayForm({
  accountId,
  money,
  account,
  refetchMoney,
}: {
  accountId: string;
  money: AccountMoney;
  account: PortalAccount | undefined;
  refetchMoney: () => void;
}): ReactElement {
  const { text, language } = usePayText();
  const navigate = useNavigate();
  const [searchParams, setSearchParams] = useSearchParams();
  const tab: Tab = searchParams.get('tab') === 'topup' ? 'topup' : 'bills';
  const setTab = (next: Tab) => setSearchParams(next === 'topup' ? { tab: 'topup' } : {}, { replace: true });

  const bills = money.openBills;
  const lateFeeFen = money.lateFeeFen;
  // Back from WeChat's authorisation: what the customer was paying, kept under the state (read once, here).
  const resumeState = searchParams.get('resume');
  const [resume] = useState(() => {
    const intent = resumeState ? readPayIntent(resumeState, accountId) : null;
    if (!intent) return null;
    // Bills are paid oldest first: the kept choice must still be the oldest open bills (none paid meanwhile).
    const isStillValid = intent.kind === 'topup' || (intent.billIds.every((billId, index) => bills[index]?.billId === billId) && (intent.billIds.length > 0 || lateFeeFen > 0));
    return { intent, isStillValid };
  });
  const resumedBills = resume?.isStillValid && resume.intent.kind === 'bills' ? resume.intent.billIds.length : null;
  // The selection is always the oldest `count` open bills; null means all of them (the default).
  const [chosen, setChosen] = useState<number | null>(resumedBills);
  const count = Math.min(chosen ?? bills.length, bills.length);
  const toggle = (index: number) => setChosen(index < count ? index : index + 1);
  // Late fees are settled after every open bill's principal: they come with an order for all the bills
  // (or alone, once the bills are paid).
  const withLateFee = count === bills.length && lateFeeFen > 0;
  const billsFen = bills.slice(0, count).reduce((sum, bill) => sum + bill.openFen, 0) + (withLateFee ? lateFeeFen : 0);
  const hasSomethingToPay = bills.length > 0 || lateFeeFen > 0;

  const [channel, setChannel] = useState<OnlineChannel>('wechatpay');
  const [topupText, setTopupText] = useState(() => (resume?.intent.kind === 'topup' ? formatYuan(resume.intent.topupFen) : ''));
  const [topupTouched, setTopupTouched] = useState(false);
  const topup = parseTopup(topupText);
  const topupProblem = 'problem' in topup ? { required: text.topupRequired, invalid: text.topupInvalid, range: text.topupRange }[topup.problem] : null;

  const [failure, setFailure] = useState<unknown>(null);
  const [redirecting, setRedirecting] = useState(false);
  // Inside WeChat, WeChat Pay is JSAPI once the openid is known (else the browser is sent to WeChat's OAuth2 first).
  const inWechat = isWechatBrowser();
  const wechat = useQuery({ queryKey: payQueryKeys.wechat, queryFn: fetchWechatStatus, enabled: inWechat });
  const isJsapi = inWechat && wechat.data?.isAvailable === true;
  const wechatOutcome = searchParams.get('wechat');
  useEffect(() => {
    if (wechatOutcome === 'failed') Toast.show({ icon: 'fail', content: text.wechatAuthFailed });
  }, [wechatOutcome, text.wechatAuthFailed]);
  // One Idempotency-Key per pay attempt: the same order asked for again (a second tap, a retry after a
  // network error) reuses it, so the server answers with the first order instead of placing another.
  const attempt = useRef<{ signature: string; key: string } | null>(null);

  useEffect(() => {
    // Restored from the browser's cache after going back from the channel's page.
    const onShow = (event: PageTransitionEvent) => {
      if (event.persisted) setRedirecting(false);
    };
    window.addEventListener('pageshow', onShow);
    return () => window.removeEventListener('pageshow', onShow);
  }, []);

  const place = useMutation({
    mutationFn: ({ body, key }: { body: NewPaymentOrder; key: string }) => createPaymentOrder(body, key),
    onSuccess: (order: PaymentOrder) => {
      const jsapi = order.jsapi;
      if (order.status === 'created' && jsapi) {
        setRedirecting(true);
        void payInWechat(jsapi)
          .then((outcome) => {
            setRedirecting(false);
            if (outcome === 'ok') void navigate(`/pay/result/${encodeURIComponent(order.id)}`);
            else Toast.show({ icon: 'fail', content: outcome === 'cancel' ? text.wechatPayCancelled : text.wechatPayFailed });
          })
          .catch(() => {
            setRedirecting(false);
            Toast.show({ icon: 'fail', content: text.wechatPayFailed });
          });
      } else if (order.status === 'created' && order.payUrl) {
        setRedirecting(true);
        window.location.assign(order.payUrl);
      } else {
        void navigate(`/pay/result/${encodeURIComponent(order.id)}`);
      }
    },
    onError: (error) => {
      setFailure(error);
      // A definite answer (a 4xx) is final for that key: the next try is a new attempt. After a network
      // error or a 5xx the order may exist, so the same key is kept for the retry.
      if (error instanceof ApiError && error.status >= 400 && error.status < 500) attempt.current = null;
      if (error instanceof ApiError && error.status === 409) refetchMoney();
      Toast.show({ icon: 'fail', content: errorText(error, language) ?? text.failed });
    },
  });

  const authorize = useMutation({
    mutationFn: (_choice: PayChoice) => startWechatAuthorization(`/portal/accounts/${accountId}/pay`),
    onSuccess: ({ authorizeUrl }, choice) => {
      const state = stateOfAuthorizeUrl(authorizeUrl);
      if (state) savePayIntent(state, choice);
      setRedirecting(true);
      window.location.assign(authorizeUrl);
    },
    onError: (error) => Toast.show({ icon: 'fail', content: errorText(error, language) ?? text.wechatAuthFailed }),
  });

  const submit = () => {
    let body: NewPaymentOrder;
    if (tab === 'bills') {
      if (count === 0 && !withLateFee) return;
      body = { accountId, channel, billIds: bills.slice(0, count).map((bill) => bill.billId) };
    } else {
      setTopupTouched(true);
      if (!('fen' in topup)) return;
      body = { accountId, channel, topupFen: topup.fen };
    }
    if (channel === 'wechatpay' && isJsapi && !wechat.data?.isBound) {
      // The openid first: WeChat's silent authorisation brings the browser back here, bound, and the
      // payment goes on from what is kept under the authorisation's state.
      Toast.show({ icon: 'loading', content: text.wechatAuthorizing });
      authorize.mutate(body.topupFen !== undefined ? { accountId, kind: 'topup', topupFen: body.topupFen } : { accountId, kind: 'bills', billIds: body.billIds ?? [] });
      return;
    }
    if (channel === 'wechatpay' && isJsapi) body = { ...body, tradeType: 'jsapi' };
    placeOrder(body);
  };

  const placeOrder = (body: NewPaymentOrder) => {
    const signature = JSON.stringify(body);
    if (attempt.current?.signature !== signature) attempt.current = { signature, key: newIdempotencyKey() };
    setFailure(null);
    place.mutate({ body, key: attempt.current.key });
  };

  // Back from WeChat with the openid: pay what was chosen before leaving, at once (WeChat's own pay sheet
  // still asks the customer to confirm). Coming back refused, the choice is restored and nothing is placed.
  const resumed = useRef(false);
  const isWechatStatusPending = inWechat && wechat.isPending;
  useEffect(() => {
    if (!resumeState || resumed.current) return;
    if (resume && wechatOutcome === 'bound' && isWechatStatusPending) return;
    resumed.current = true;
    forgetPayIntent(resumeState);
    setSearchParams(resume?.intent.kind === 'topup' ? { tab: 'topup' } : {}, { replace: true });
    if (!resume) return;
    if (!resume.isStillValid) {
      Toast.show({ content: text.resumeChanged });
      return;
    }
    if (wechatOutcome !== 'bound' || !isJsapi || !wechat.data?.isBound) return;
    const { intent } = resume;
    placeOrder(
      intent.kind === 'topup'
        ? { accountId, channel: 'wechatpay', tradeType: 'jsapi', topupFen: intent.topupFen }
        : { accountId, channel: 'wechatpay', tradeType: 'jsapi', billIds: intent.billIds },
    );
    // placeOrder and setSearchParams change every render; this runs once, guarded by `resumed`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [resumeState, resume, wechatOutcome, isWechatStatusPending, isJsapi, wechat.data?.isBound, accountId, text.resumeChanged]);

  const amountFen = tab === 'bills' ? billsFen : 'fen' in topup ? topup.fen : null;
  const busy = place.isPending || authorize.isPending || redirecting || (inWechat && wechat.isPending);
  const showFooter = tab === 'topup' || hasSomethingToPay;
  const nothingChosen = tab === 'bills' && count === 0 && !withLateFee;
  const footer = showFooter ? (
    <Button
      block
      color="primary"
      size="large"
      className="pay-footer-button"
      loading={busy}
      loadingText={text.redirecting}
      disabled={nothingChosen}
      onClick={submit}
      data-testid="pay-submit"
    >
      {nothingChosen ? text.payDisabled : amountFen !== null ? fill(text.pay, { amount: formatYuan(amountFen) }) : text.topupNow}
    </Button>
  ) : undefined;

  const balance = money.balanceFen;
  return (
    <PayShell footer={footer} accountId={accountId}>
      <div className="portal-content">
        <div className="portal-card pay-summary" data-testid="pay-summary">
          {account && (
            <div className="pay-summary-account">
              <span>
                {`${text.accountNo} `}
                <strong>{account.accountNo}</strong>
              </span>
              <span>{account.holderNameMasked}</span>
            </div>
          )}
          <div className="portal-label">{balance >= 0 ? text.owed : text.credit}</div>
          <div className={`pay-summary-amount${balance > 0 ? ' is-owed' : ''}`} data-testid="pay-owed">
            {formatYuan(Math.abs(balance))}
          </div>
          <div className="pay-summary-prepaid">
            {text.prepaid} <strong data-testid="pay-prepaid">¥{formatYuan(money.prepaidFen)}</strong>
          </div>
        </div>

        <Segmented
          className="pay-tabs"
          block
          value={tab}
          onChange={(value) => setTab(value === 'topup' ? 'topup' : 'bills')}
          options={[
            { label: text.tabBills, value: 'bills' },
            { label: text.tabTopup, value: 'topup' },
          ]}
          data-testid="pay-tabs"
        />

        {failure !== null && (
          <div className="portal-notice portal-notice-error" role="alert" data-testid="pay-error">
            {errorText(failure, language) ?? text.failed}
          </div>
        )}

        {tab === 'bills' ? (
          !hasSomethingToPay ? (
            <EmptyState title={text.nothingOwedTitle} description={text.nothingOwedDescription}>
              <Button color="primary" size="large" className="portal-empty-action" onClick={() => setTab('topup')} data-testid="pay-go-topup">
                {text.topupNow}
              </Button>
            </EmptyState>
          ) : (
            <>
              <List
                mode="card"
                className="portal-list pay-list"
                header={
                  bills.length > 0 ? (
                    <span className="pay-list-head">
                      <span>{text.openBills}</span>
                      <span data-testid="pay-selected">{fill(text.selectedCount, { count })}</span>
                    </span>
                  ) : (
                    <span className="pay-list-head">
                      <span>{text.lateFeeOnlyTitle}</span>
                    </span>
                  )
                }
                data-testid="pay-bills"
              >
                {bills.map((bill, index) => (
                  <List.Item key={bill.billId}>
                    <Checkbox className="pay-check" block checked={index < count} onChange={() => toggle(index)} data-testid="pay-bill">
                      <span className="pay-bill-row">
                        <span>
                          <span className="pay-bill-title">{periodTitle(bill.period, language)}</span>
                          <span className="pay-bill-no">{bill.billNo}</span>
                        </span>
                        <span className="pay-bill-amount">¥{formatYuan(bill.openFen)}</span>
                      </span>
                    </Checkbox>
                  </List.Item>
                ))}
                {lateFeeFen > 0 && (
                  <List.Item>
                    <span className={`pay-bill-row pay-late-fee${withLateFee ? '' : ' is-later'}`} data-testid="pay-late-fee">
                      <span>
                        <span className="pay-bill-title">{text.lateFee}</span>
                        <span className="pay-bill-no">{withLateFee ? text.lateFeeNote : fill(text.lateFeeLater, { amount: formatYuan(lateFeeFen) })}</span>
                      </span>
                      <span className="pay-bill-amount" data-testid="pay-late-fee-amount">
                        ¥{formatYuan(lateFeeFen)}
                      </span>
                    </span>
                  </List.Item>
                )}
                <List.Item>
                  <span className="pay-total-row">
                    <span>{text.total}</span>
                    <span className="pay-total-amount" data-testid="pay-total">
                      ¥{formatYuan(billsFen)}
                    </span>
                  </span>
                </List.Item>
              </List>
              <p className="pay-hint">{bills.length > 0 ? text.oldestFirst : text.lateFeeOnlyDescription}</p>
            </>
          )
        ) : (
          <div className="portal-card pay-topup" data-testid="pay-topup">
            <label className="pay-topup-label" htmlFor="pay-topup-amount">
              {text.topupAmount}
            </label>
            <div className="pay-topup-input">
              <span className="pay-yuan">¥</span>
              <Input
                id="pay-topup-amount"
                inputMode="decimal"
                placeholder={text.topupPlaceholder}
                value={topupText}
                onChange={(value) => setTopupText(value)}
                onBlur={() => setTopupTouched(true)}
                clearable
                maxLength={12}
                aria-invalid={topupTouched && topupProblem !== null}
                data-testid="pay-topup-input"
              />
            </div>
            {topupTouched && topupProblem && (
              <div className="pay-topup-error" role="alert" data-testid="pay-topup-error">
                {topupProblem}
              </div>
            )}
            <Selector
              className="pay-quick"
              columns={4}
              showCheckMark={false}
              value={QUICK_YUAN.includes(topupText) ? [topupText] : []}
              onChange={(values) => {
                if (values[0]) {
                  setTopupText(values[0]);
                  setTopupTouched(false);
                }
              }}
              options={QUICK_YUAN.map((yuan) => ({ label: `¥${yuan}`, value: yuan }))}
            />
            <p className="portal-hint">{text.topupHint}</p>
          </div>
        )}

        {showFooter && (
          <Radio.Group value={channel} onChange={(value) => setChannel(value === 'alipay' ? 'alipay' : 'wechatpay')}>
            <List mode="card" header={text.channel} className="portal-list pay-list" data-testid="pay-channels">
              {CHANNELS.map((item) => (
                <List.Item key={item}>
                  <Radio className="pay-radio" value={item} block data-testid={`pay-channel-${item}`}>
                    <span className="pay-channel">
                      <ChannelMark channel={item} />
                      <span>
                        <span className="pay-channel-name">{text[item]}</span>
                        <span className="pay-channel-note">{item === 'wechatpay' ? (isJsapi ? text.wechatpayJsapiNote : text.wechatpayNote) : text.alipayNote}</span>
                      </span>
                    </span>
                  </Radio>
                </List.Item>
              ))}
            </List>
          </Radio.Group>
        )}
      </div>
    </PayShell>
  );
}

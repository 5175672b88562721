/** Login with a phone number and a one-time SMS code. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Checkbox, Form, Input, Picker, Toast } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { TenantSummary } from '../../api/types';
import { switchLanguage } from '../../shared/i18n';
import { fetchTenants, login, queryKeys, requestOtp, retryAfterSeconds } from '../api';
import { showPrivacyNotice } from '../components/PrivacyNotice';
import { ErrorState, PageLoading } from '../components/states';
import { DropIcon } from '../icons';
import { preferredTenant, rememberTenant, startSession, tenantName, useSession } from '../session';
import { useApplicationText } from './ApplicationParts';

const PHONE_PATTERN = /^1[3-9]\d{9}$/;
const CODE_PATTERN = /^\d{6}$/;

interface LoginValues {
  phone: string;
  code: string;
}

/**
 * The resend countdown: seconds left, and a function that starts it. It counts against a deadline rather
 * than tick by tick, so it stays right after the phone was switched to the SMS app and back.
 */
function useCountdown(): [number, (seconds: number) => void] {
  const [secondsLeft, setSecondsLeft] = useState(0);
  const timer = useRef<number | null>(null);
  useEffect(
    () => () => {
      if (timer.current !== null) window.clearInterval(timer.current);
    },
    [],
  );
  const start = useCallback((seconds: number) => {
    if (timer.current !== null) window.clearInterval(timer.current);
    const deadline = Date.now() + seconds * 1000;
    const tick = () => {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      setSecondsLeft(left);
      if (left === 0 && timer.current !== null) {
        window.clearInterval(timer.current);
        timer.current = null;
      }
    };
    tick();
    timer.current = window.setInterval(tick, 1000);
  }, []);
  return [secondsLeft, start];
}

function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(7)}`;
}

function fromPath(state: unknown): string {
  if (typeof state === 'object' && state !== null && 'from' in state && typeof state.from === 'string') {
    return state.from.startsWith('/') && state.from !== '/login' ? state.from : '/';
  }
  return '/';
}

export function LoginPage(): ReactElement {
  const session = useSession();
  const location = useLocation();
  if (session.data) return <Navigate to={fromPath(location.state)} replace />;
  if (session.isPending) return <PageLoading />;
  return <LoginForm />;
}

function LoginForm(): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const applications = useApplicationText();
  const location = useLocation();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<LoginValues>();
  const tenants = useQuery({ queryKey: queryKeys.tenants, queryFn: fetchTenants, staleTime: 10 * 60_000 });
  const [chosenTenant, setChosenTenant] = useState<string | null>(preferredTenant);
  const [pickerVisible, setPickerVisible] = useState(false);
  const [agreed, setAgreed] = useState(false);
  const [notice, setNotice] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [secondsLeft, startCountdown] = useCountdown();
  const [codeSent, setCodeSent] = useState(false);

  const list: TenantSummary[] = tenants.data ?? [];
  const tenant: TenantSummary | undefined =
    list.find((item) => item.code === chosenTenant) ?? (list.length === 1 ? list[0] : undefined);

  const otp = useMutation({
    mutationFn: requestOtp,
    onSuccess: (response, variables) => {
      startCountdown(response.resendAfterSeconds);
      setCodeSent(true);
      setNotice({
        kind: 'info',
        text: t('login.codeSent', {
          phone: maskPhone(variables.phone),
          minutes: Math.max(1, Math.round(response.expiresInSeconds / 60)),
        }),
      });
      document.getElementById('login_code')?.focus();
    },
    onError: (error) => {
      const wait = retryAfterSeconds(error);
      if (wait !== null) startCountdown(wait);
      const message = error instanceof ApiError ? error.messageIn(i18n.language) : t('app.errorDescription');
      setNotice({ kind: 'error', text: wait !== null ? `${message} ${t('login.retryAfter', { seconds: wait })}` : message });
      if (error instanceof ApiError) applyFieldErrors(error);
    },
  });

  const signIn = useMutation({
    mutationFn: login,
    onSuccess: (response) => {
      startSession(queryClient, response);
      rememberTenant(response.tenant.code);
      void navigate(fromPath(location.state), { replace: true });
    },
    onError: (error) => {
      const message = error instanceof ApiError ? error.messageIn(i18n.language) : t('app.errorDescription');
      setNotice({ kind: 'error', text: message });
      if (error instanceof ApiError) applyFieldErrors(error);
    },
  });

  function applyFieldErrors(error: ApiError): void {
    const fields = error.fieldMessages(i18n.language);
    const known = (['phone', 'code'] as const).filter((name) => fields[name]);
    form.setFields(known.map((name) => ({ name, errors: [fields[name] ?? ''] })));
  }

  function needTenant(): string | null {
    if (tenant) return tenant.code;
    setNotice({ kind: 'error', text: t('login.utilityRequired') });
    setPickerVisible(true);
    return null;
  }

  async function sendCode(): Promise<void> {
    setNotice(null);
    const tenantCode = needTenant();
    if (!tenantCode) return;
    try {
      await form.validateFields(['phone']);
    } catch {
      return;
    }
    otp.mutate({ tenant: tenantCode, phone: form.getFieldValue('phone') as string });
  }

  function submit(values: LoginValues): void {
    setNotice(null);
    const tenantCode = needTenant();
    if (!tenantCode) return;
    if (!agreed) {
      Toast.show({ content: t('login.agreementRequired'), position: 'center' });
      return;
    }
    signIn.mutate({ tenant: tenantCode, phone: values.phone, code: values.code });
  }

  const otherLanguage = i18n.language.startsWith('en') ? 'zh-CN' : 'en';
  const digitsOnly = (value: unknown) => (typeof value === 'string' ? value.replace(/\D/g, '') : '');

  return (
    <div className="portal-login" data-testid="login-page">
      <header className="portal-hero">
        <button
          type="button"
          className="portal-lang-switch"
          onClick={() => void switchLanguage(otherLanguage)}
          lang={otherLanguage}
        >
          {t('language.switchTo')}
        </button>
        <div className="portal-hero-mark" aria-hidden="true">
          <DropIcon />
        </div>
        <h1 className="portal-hero-title">{tenant ? tenantName(tenant, i18n.language) : t('login.heroTitle')}</h1>
        <p className="portal-hero-subtitle">
          {tenant ? `${t('login.heroTitle')} · ${t('login.heroSubtitle')}` : t('login.heroSubtitle')}
        </p>
        <svg className="portal-hero-wave" viewBox="0 0 375 40" preserveAspectRatio="none" aria-hidden="true">
          <path d="M0 20 C60 40 120 0 190 18 S320 36 375 14 V40 H0 Z" />
        </svg>
      </header>

      <section className="portal-login-card">
        <h2 className="portal-section-title">{t('login.cardTitle')}</h2>
        {tenants.isPending ? (
          <PageLoading inline />
        ) : tenants.isError ? (
          <ErrorState error={tenants.error} onRetry={() => void tenants.refetch()} />
        ) : list.length === 0 ? (
          <p className="portal-notice portal-notice-error">{t('login.noTenants')}</p>
        ) : (
          <Form
            name="login"
            form={form}
            layout="horizontal"
            mode="card"
            requiredMarkStyle="none"
            style={{ '--prefix-width': '4.5em' }}
            onFinish={submit}
            initialValues={{ phone: '', code: '' }}
            footer={
              <>
                {notice && (
                  <p
                    className={`portal-notice portal-notice-${notice.kind}`}
                    role={notice.kind === 'error' ? 'alert' : 'status'}
                    data-testid="login-notice"
                  >
                    {notice.text}
                  </p>
                )}
                <div className="portal-agreement">
                  <Checkbox checked={agreed} onChange={setAgreed} className="portal-agreement-check">
                    {t('login.agreementPrefix')}
                  </Checkbox>
                  <a
                    href="#privacy"
                    className="portal-link"
                    onClick={(event) => {
                      event.preventDefault();
                      showPrivacyNotice(t);
                    }}
                  >
                    {t('login.agreementLink')}
                  </a>
                </div>
                <Button block type="submit" color="primary" size="large" loading={signIn.isPending}>
                  {t('login.submit')}
                </Button>
                <p className="portal-hint portal-center-text">{t('login.firstLoginHint')}</p>
              </>
            }
          >
            {list.length > 1 && (
              <Form.Item
                label={t('login.utility')}
                arrow
                clickable
                onClick={() => setPickerVisible(true)}
                data-testid="tenant-picker"
              >
                <span className={tenant ? undefined : 'portal-placeholder'}>
                  {tenant ? tenantName(tenant, i18n.language) : t('login.utilityPlaceholder')}
                </span>
              </Form.Item>
            )}
            <Form.Item
              name="phone"
              label={t('login.phone')}
              normalize={digitsOnly}
              rules={[
                { required: true, message: t('login.phoneRequired') },
                { pattern: PHONE_PATTERN, message: t('login.phoneInvalid') },
              ]}
              extra={
                <Button
                  size="small"
                  fill="none"
                  color="primary"
                  className="portal-code-button"
                  disabled={secondsLeft > 0}
                  loading={otp.isPending}
                  onClick={() => void sendCode()}
                  data-testid="get-code"
                >
                  {secondsLeft > 0
                    ? t('login.resendIn', { seconds: secondsLeft })
                    : codeSent
                      ? t('login.resend')
                      : t('login.getCode')}
                </Button>
              }
            >
              <Input
                type="tel"
                inputMode="numeric"
                autoComplete="tel-national"
                maxLength={11}
                placeholder={t('login.phonePlaceholder')}
                clearable
              />
            </Form.Item>
            <Form.Item
              name="code"
              label={t('login.code')}
              normalize={digitsOnly}
              rules={[
                { required: true, message: t('login.codeRequired') },
                { pattern: CODE_PATTERN, message: t('login.codeInvalid') },
              ]}
            >
              <Input
                type="text"
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="[0-9]*"
                maxLength={6}
                placeholder={t('login.codePlaceholder')}
                enterKeyHint="go"
              />
            </Form.Item>
          </Form>
        )}
      </section>

      {/* 公开业务办理流程: readable before signing in. */}
      <Link to={tenant ? `/processes?tenant=${encodeURIComponent(tenant.code)}` : '/processes'} className="portal-card apl-login-processes" data-testid="login-processes">
        <span className="apl-home-entry-title">{applications.text.processesTitle}</span>
        <span className="apl-home-entry-text">{applications.text.processDescription}</span>
      </Link>

      <Picker
        visible={pickerVisible}
        onClose={() => setPickerVisible(false)}
        title={t('login.utility')}
        confirmText={t('app.confirm')}
        cancelText={t('app.cancel')}
        columns={[list.map((item) => ({ label: tenantName(item, i18n.language), value: item.code }))]}
        value={tenant ? [tenant.code] : []}
        onConfirm={(value) => {
          const code = value[0];
          if (typeof code === 'string') {
            setChosenTenant(code);
            setNotice(null);
          }
        }}
      />
    </div>
  );
}

/** Bind an account to the logged-in customer with its number and the holder's name. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, Toast } from 'antd-mobile';
import { useState, type ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import type { BindingRequest, PortalAccount } from '../../api/types';
import { bindAccount, queryKeys } from '../api';
import { Page } from '../components/Page';

export function BindPage(): ReactElement {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<BindingRequest>();
  const [problem, setProblem] = useState<string | null>(null);
  // Opened from a finished new connection (办理进度): its new account number and the applicant, the holder, filled in.
  const prefill = (useLocation().state as { accountNo?: string; holderName?: string } | null) ?? {};

  const bind = useMutation({
    mutationFn: bindAccount,
    onSuccess: (account) => {
      queryClient.setQueryData<PortalAccount[]>(queryKeys.accounts, (current) =>
        current ? [...current.filter((item) => item.id !== account.id), account] : current,
      );
      queryClient.setQueryData(queryKeys.account(account.id), account);
      void queryClient.invalidateQueries({ queryKey: queryKeys.accounts });
      Toast.show({ icon: 'success', content: t('bind.success') });
      void navigate('/', { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError) {
        setProblem(error.messageIn(i18n.language));
        const fields = error.fieldMessages(i18n.language);
        const known = (['accountNo', 'holderName'] as const).filter((name) => fields[name]);
        form.setFields(known.map((name) => ({ name, errors: [fields[name] ?? ''] })));
      } else {
        setProblem(t('app.errorDescription'));
      }
    },
  });

  return (
    <Page title={t('bind.title')} back testId="bind-page">
      <div className="portal-content">
        <p className="portal-intro">{t('bind.intro')}</p>
        <Form
          name="bind"
          form={form}
          layout="vertical"
          mode="card"
          initialValues={{ accountNo: prefill.accountNo ?? '', holderName: prefill.holderName ?? '' }}
          onFinish={(values: BindingRequest) => {
            setProblem(null);
            bind.mutate({ accountNo: values.accountNo.trim(), holderName: values.holderName.trim() });
          }}
          onValuesChange={() => setProblem(null)}
          footer={
            <>
              {problem && (
                <p className="portal-notice portal-notice-error" role="alert" data-testid="bind-error">
                  {problem}
                </p>
              )}
              <Button block type="submit" color="primary" size="large" loading={bind.isPending}>
                {t('bind.submit')}
              </Button>
            </>
          }
        >
          <Form.Item
            name="accountNo"
            label={t('bind.accountNo')}
            normalize={(value: unknown) => (typeof value === 'string' ? value.replace(/\s/g, '') : '')}
            rules={[
              { required: true, whitespace: true, message: t('bind.accountNoRequired') },
              { pattern: /^\d+$/, message: t('bind.accountNoInvalid') },
            ]}
          >
            <Input
              type="text"
              inputMode="numeric"
              pattern="[0-9]*"
              autoComplete="off"
              maxLength={32}
              placeholder={t('bind.accountNoPlaceholder')}
              clearable
            />
          </Form.Item>
          <Form.Item
            name="holderName"
            label={t('bind.holderName')}
            rules={[{ required: true, whitespace: true, message: t('bind.holderNameRequired') }]}
          >
            <Input
              type="text"
              autoComplete="name"
              maxLength={100}
              placeholder={t('bind.holderNamePlaceholder')}
              clearable
            />
          </Form.Item>
        </Form>
        <aside className="portal-tip">
          <h3 className="portal-tip-title">{t('bind.hintTitle')}</h3>
          <p>{t('bind.hint')}</p>
        </aside>
      </div>
    </Page>
  );
}

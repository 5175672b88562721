import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Select, Skeleton, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StaffLoginRequest } from '../../api/types';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { Logo } from '../components/Logo';
import { QueryError } from '../components/QueryError';
import { takeSessionExpired } from '../queryClient';
import { useLogin, useTenants } from '../session/useSessionQueries';
import { applyFieldErrors, errorMessage, isStatus } from '../utils/errors';

export function LoginPage() {
  const { t, i18n } = useTranslation();
  const tenants = useTenants();
  const login = useLogin();
  const [form] = Form.useForm<StaffLoginRequest>();
  const [expired] = useState(takeSessionExpired);

  const onlyTenant = tenants.data?.length === 1 ? tenants.data[0] : undefined;
  const english = i18n.language.startsWith('en');

  const submit = (values: StaffLoginRequest) => {
    const body: StaffLoginRequest = { ...values, tenant: onlyTenant ? onlyTenant.code : values.tenant };
    login.mutate(body, {
      onError: (error) => {
        applyFieldErrors(form, error, i18n.language);
      },
    });
  };

  let content;
  if (tenants.isPending) content = <Skeleton active paragraph={{ rows: 5 }} />;
  else if (tenants.isError)
    content = <QueryError compact title={t('login.tenantsFailed')} error={tenants.error} onRetry={() => void tenants.refetch()} />;
  else if (tenants.data.length === 0) content = <Alert type="warning" showIcon title={t('login.noTenants')} />;
  else
    content = (
      <Form<StaffLoginRequest>
        form={form}
        layout="vertical"
        requiredMark={false}
        size="large"
        onFinish={submit}
        initialValues={{ tenant: onlyTenant?.code }}
        onValuesChange={() => login.reset()}
      >
        {onlyTenant ? null : (
          <Form.Item
            name="tenant"
            label={t('login.tenant')}
            rules={[{ required: true, message: t('login.tenantRequired') }]}
          >
            <Select
              placeholder={t('login.tenantPlaceholder')}
              options={tenants.data.map((tenant) => ({
                value: tenant.code,
                label: english ? tenant.nameEn : tenant.name,
              }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="username"
          label={t('login.username')}
          rules={[{ required: true, whitespace: true, message: t('login.usernameRequired') }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('login.password')}
          rules={[{ required: true, message: t('login.passwordRequired') }]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        {login.isError ? (
          <Alert
            role="alert"
            style={{ marginBottom: 16 }}
            showIcon
            type={isStatus(login.error, 423) ? 'warning' : 'error'}
            title={isStatus(login.error, 423) ? t('login.locked') : t('login.failed')}
            description={errorMessage(login.error, i18n.language, t('common.unexpectedError'))}
          />
        ) : null}
        <Button type="primary" htmlType="submit" block loading={login.isPending}>
          {t('login.submit')}
        </Button>
      </Form>
    );

  return (
    <div className="sw-login">
      <Card style={{ width: 400, boxShadow: '0 12px 40px rgba(10, 37, 64, 0.12)' }}>
        <Flex justify="space-between" align="center" style={{ marginBottom: 8 }}>
          <Logo dark={false} />
          <LanguageSwitch />
        </Flex>
        <Typography.Title level={3} style={{ marginTop: 16, marginBottom: 4 }}>
          {t('login.title')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" data-testid="login-tenant">
          {onlyTenant ? `${english ? onlyTenant.nameEn : onlyTenant.name} · ${t('login.subtitle')}` : t('login.subtitle')}
        </Typography.Paragraph>
        {expired ? <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('layout.sessionExpired')} /> : null}
        {content}
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12, textAlign: 'center' }}>
          {t('login.footer')}
        </Typography.Paragraph>
      </Card>
    </div>
  );
}

import { AccountBookOutlined, AlertOutlined, ApiOutlined, PartitionOutlined, AuditOutlined, BankOutlined, ReconciliationOutlined, CalculatorOutlined, DashboardOutlined, LogoutOutlined, ToolOutlined, MailOutlined, SettingOutlined, ShopOutlined, TeamOutlined, UserOutlined, WalletOutlined, WarningOutlined } from '@ant-design/icons';
import { App, Button, Flex, Grid, Layout, Menu, Space, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate } from 'react-router';
import { FieldShell } from '../reading/FieldShell';
import { isFieldPage, readingMenuItems, readingSelectedKey } from '../reading/menu';
import { isServiceFieldPage, serviceMenuItems, serviceSelectedKey } from '../service/menu';
import { appointmentMenuItems } from '../appointments/menu';
import { applicationMenuItems } from '../applications/menu';
import { useSession } from '../session/session';
import { useLogout } from '../session/useSessionQueries';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';

const { Header, Sider, Content } = Layout;

/** The frame of every signed-in page: menu by permission, who is signed in where, language, sign-out. */
export function AppLayout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { session, can } = useSession();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const logout = useLogout();
  const screens = Grid.useBreakpoint();
  // On a phone the menu folds away entirely (its trigger stays) and the header keeps only what fits.
  const narrow = screens.md === false;
  const [collapsed, setCollapsed] = useState(narrow);
  const english = i18n.language.startsWith('en');

  const items: NonNullable<MenuProps['items']> = [
    { key: '/', icon: <TeamOutlined />, label: t('layout.customers') },
    ...readingMenuItems(t, can),
    ...serviceMenuItems(t, can),
    ...applicationMenuItems(t, can),
    ...appointmentMenuItems(t, can),
    ...(can('billing.run') || can('bill.read') ? [{ key: '/billing', icon: <CalculatorOutlined />, label: t('billing.menu') }] : []),
    ...(can('payment.take') ? [{ key: '/counter', icon: <ShopOutlined />, label: t('payments.menu') }] : []),
    ...(can('payment.read') && !can('payment.take') ? [{ key: '/counter/tills', icon: <WalletOutlined />, label: t('payments.tills.menu') }] : []),
    ...(can('payment.reconcile') ? [{ key: '/finance/reconciliations', icon: <ReconciliationOutlined />, label: t('finance.recon.menu') }] : []),
    ...(can('withholding.manage') ? [{ key: '/finance/withholding', icon: <BankOutlined />, label: t('finance.withholding.menu') }] : []),
    ...(can('collection.work')
      ? [
          { key: '/collection/arrears', icon: <AlertOutlined />, label: t('collection.menu.arrears') },
          { key: '/collection/orders', icon: <ToolOutlined />, label: t('collection.menu.orders') },
        ]
      : []),
    ...(can('report.read') ? [{ key: '/dashboards/service-quality', icon: <DashboardOutlined />, label: t('dashboards.menu.serviceQuality') }] : []),
    ...(can('report.read') ? [{ key: '/reports/zero-use', icon: <WarningOutlined />, label: t('zeroUse.menu') }] : []),
    ...(can('tariff.read') ? [{ key: '/tariffs', icon: <AccountBookOutlined />, label: t('tariff.menu') }] : []),
    ...(can('audit.read') ? [{ key: '/audit', icon: <AuditOutlined />, label: t('layout.audit') }] : []),
    ...(can('outbox.read') ? [{ key: '/outbox', icon: <MailOutlined />, label: t('layout.outbox') }] : []),
    ...(can('settings.manage') ? [{ key: '/settings', icon: <SettingOutlined />, label: t('settings.menu') }] : []),
    ...(can('settings.manage') ? [{ key: '/settings/processes', icon: <PartitionOutlined />, label: t('processSettings.menu') }] : []),
    ...(can('settings.manage') ? [{ key: '/settings/integrations', icon: <ApiOutlined />, label: t('integrations.menu') }] : []),
  ];
  // The menu entry of the page: the longest entry path the current path starts with (a page below an
  // entry, such as /tariffs/:id, lights its entry); reading and service pages have their own rules.
  const entryKeys = items.flatMap((item) => (item && 'key' in item && typeof item.key === 'string' ? [item.key] : []));
  const within = (key: string) => key !== '/' && (location.pathname === key || location.pathname.startsWith(`${key}/`));
  const selected =
    readingSelectedKey(location.pathname) ??
    serviceSelectedKey(location.pathname) ??
    entryKeys.filter(within).sort((a, b) => b.length - a.length)[0] ??
    '/';

  const tenantName = english ? session.tenant.nameEn : session.tenant.name;
  // The reader's pages are made for a phone: no side menu there.
  if (isFieldPage(location.pathname) || isServiceFieldPage(location.pathname)) return <FieldShell>{children}</FieldShell>;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider
        collapsible
        collapsed={collapsed}
        onCollapse={setCollapsed}
        breakpoint="md"
        collapsedWidth={narrow ? 0 : 80}
        width={216}
        style={{ position: narrow ? 'fixed' : 'sticky', top: 0, height: '100vh', overflow: 'auto', zIndex: 20 }}
      >
        <Logo collapsed={collapsed} />
        <Menu
          theme="dark"
          mode="inline"
          selectedKeys={[selected]}
          items={items}
          onClick={({ key }) => {
            if (narrow) setCollapsed(true);
            void navigate(key);
          }}
        />
      </Sider>
      <Layout style={{ minWidth: 0 }}>
        <Header className="sw-header">
          <Flex align="center" gap={12} style={{ minWidth: 0 }}>
            <Typography.Text strong ellipsis style={{ fontSize: 16 }} data-testid="tenant-name">
              {tenantName}
            </Typography.Text>
            {narrow ? null : (
              <Typography.Text type="secondary" ellipsis>
                {t('app.title')}
              </Typography.Text>
            )}
          </Flex>
          <Space size="middle" wrap={false}>
            <Space size={6} data-testid="staff-identity">
              <UserOutlined />
              <Typography.Text strong>{session.staff.displayName}</Typography.Text>
              {(narrow ? [] : session.staff.roles).map((role) => (
                <Tag key={role} color="blue" variant="filled" style={{ marginInlineEnd: 0 }}>
                  {t(`role.${role}`)}
                </Tag>
              ))}
            </Space>
            <LanguageSwitch />
            <Button
                aria-label={t('layout.logout')}
                icon={<LogoutOutlined />}
                loading={logout.isPending}
                onClick={() =>
                  logout.mutate(undefined, {
                    onSettled: () => void message.success(t('layout.loggedOut')),
                  })
                }
              >
                {narrow ? null : t('layout.logout')}
            </Button>
          </Space>
        </Header>
        <Content className="sw-content">{children}</Content>
      </Layout>
    </Layout>
  );
}

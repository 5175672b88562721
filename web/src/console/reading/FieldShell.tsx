import { AppstoreOutlined, LogoutOutlined } from '@ant-design/icons';
import { Button, Flex, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { LanguageSwitch } from '../components/LanguageSwitch';
import { useSession } from '../session/session';
import { useLogout } from '../session/useSessionQueries';
import './reading.css';

/**
 * The frame of the reader's phone pages (my routes, entry): a slim top bar instead of the desktop side menu,
 * so everything fits 375 px. Those who can also use the console's other pages get a way back to it.
 */
export function FieldShell({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation();
  const { session, can } = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const tenantName = i18n.language.startsWith('en') ? session.tenant.nameEn : session.tenant.name;
  return (
    <div className="rd-field">
      <header className="rd-field-bar">
        <Flex vertical style={{ minWidth: 0 }}>
          <Typography.Text strong ellipsis className="rd-field-tenant">
            {tenantName}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis style={{ fontSize: 12 }} data-testid="staff-identity">
            {session.staff.displayName}
          </Typography.Text>
        </Flex>
        <Flex gap={6} align="center">
          <LanguageSwitch />
          {can('route.read') && <Button size="small" icon={<AppstoreOutlined />} aria-label={t('reading.mine.allRoutes')} onClick={() => void navigate('/reading/routes')} />}
          <Button size="small" icon={<LogoutOutlined />} aria-label={t('layout.logout')} loading={logout.isPending} onClick={() => logout.mutate()} />
        </Flex>
      </header>
      <main className="rd-field-body">{children}</main>
    </div>
  );
}

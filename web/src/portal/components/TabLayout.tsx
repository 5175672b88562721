/** The two main tabs (首页, 我的) with the tab bar at the bottom. */
import { TabBar } from 'antd-mobile';
import type { ReactElement } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { HomeIcon, UserIcon } from '../icons';

export function TabLayout(): ReactElement {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const tabs = [
    { key: '/', title: t('tabs.home'), icon: <HomeIcon /> },
    { key: '/me', title: t('tabs.me'), icon: <UserIcon /> },
  ];
  return (
    <div className="portal-shell">
      <div className="portal-shell-main">
        <Outlet />
      </div>
      <TabBar
        className="portal-tabbar"
        activeKey={pathname === '/me' ? '/me' : '/'}
        onChange={(key) => void navigate(key)}
        safeArea
      >
        {tabs.map((tab) => (
          <TabBar.Item key={tab.key} title={tab.title} icon={tab.icon} />
        ))}
      </TabBar>
    </div>
  );
}

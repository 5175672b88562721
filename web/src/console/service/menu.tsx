import { AppstoreOutlined, BookOutlined, ControlOutlined, CustomerServiceOutlined, HistoryOutlined, PhoneOutlined, ScheduleOutlined, SmileOutlined, ToolOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { TFunction } from 'i18next';
import type { Permission } from '../../api/types';

/** The service entries of the console menu, by permission. */
export function serviceMenuItems(t: TFunction, can: (permission: Permission) => boolean): NonNullable<MenuProps['items']> {
  const items: NonNullable<MenuProps['items']> = [];
  if (can('service.field')) items.push({ key: '/service/mine', icon: <ToolOutlined />, label: t('service.menu.mine') });
  if (can('service.read') && !isCrewOnly(can)) items.push({ key: '/service', icon: <CustomerServiceOutlined />, label: t('service.menu.list') });
  if (can('service.create')) items.push({ key: '/service/new', icon: <PhoneOutlined />, label: t('service.menu.new') });
  // The dispatcher's board: open work by area, priority and deadline.
  if (can('service.dispatch')) items.push({ key: '/service/board', icon: <AppstoreOutlined />, label: t('service.menu.board') });
  // The service desk: call log and call-backs, follow-up visits, the knowledge base, the duty rota.
  if (can('service.read') && !isCrewOnly(can)) {
    items.push({ key: '/service/calls', icon: <HistoryOutlined />, label: t('service.desk.menu.calls') });
    items.push({ key: '/service/followups', icon: <SmileOutlined />, label: t('service.desk.menu.followUps') });
  }
  if (can('knowledge.manage')) items.push({ key: '/service/knowledge', icon: <BookOutlined />, label: t('service.desk.menu.knowledge') });
  if (can('service.read') && !isCrewOnly(can)) items.push({ key: '/service/duty', icon: <ScheduleOutlined />, label: t('service.desk.menu.duty') });
  // Categories with their time limits, the materials catalogue (the administrator's).
  if (can('settings.manage')) items.push({ key: '/service/settings', icon: <ControlOutlined />, label: t('service.menu.settings') });
  return items;
}

/** The menu key of a service page, or null for other pages. */
export function serviceSelectedKey(pathname: string): string | null {
  if (pathname.startsWith('/service/mine')) return '/service/mine';
  if (pathname.startsWith('/service/new')) return '/service/new';
  for (const page of ['calls', 'followups', 'knowledge', 'duty', 'board', 'settings']) if (pathname.startsWith(`/service/${page}`)) return `/service/${page}`;
  if (pathname === '/service' || pathname.startsWith('/service/')) return '/service';
  return null;
}

/** A repair crew member (who takes field steps but neither dispatches nor takes calls) works from the phone page. */
export const isCrewOnly = (can: (permission: Permission) => boolean): boolean => can('service.field') && !can('service.dispatch') && !can('service.create');

/** The crew's phone page: shown in the field shell, without the desktop side menu. */
export const isServiceFieldPage = (pathname: string): boolean => pathname.startsWith('/service/mine');

import { BarChartOutlined, FileAddOutlined, SolutionOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { TFunction } from 'i18next';
import type { Permission } from '../../api/types';

/** The application entries of the console menu (业务办理, 窗口受理, 业务统计), by permission. */
export function applicationMenuItems(t: TFunction, can: (permission: Permission) => boolean): NonNullable<MenuProps['items']> {
  const items: NonNullable<MenuProps['items']> = [];
  if (can('application.read')) items.push({ key: '/applications', icon: <SolutionOutlined />, label: t('applications.menu.queue') });
  if (can('application.create')) items.push({ key: '/applications/new', icon: <FileAddOutlined />, label: t('applications.menu.counter') });
  if (can('application.read') && can('report.read')) items.push({ key: '/applications/statistics', icon: <BarChartOutlined />, label: t('applications.menu.statistics') });
  return items;
}

import { CalendarOutlined, EnvironmentOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { TFunction } from 'i18next';
import type { Permission } from '../../api/types';

/** The appointment entries of the console menu, by permission. */
export function appointmentMenuItems(t: TFunction, can: (permission: Permission) => boolean): NonNullable<MenuProps['items']> {
  const items: NonNullable<MenuProps['items']> = [];
  if (can('appointment.read')) items.push({ key: '/appointments', icon: <CalendarOutlined />, label: t('appointments.menu.day') });
  if (can('appointment.manage')) items.push({ key: '/appointments/locations', icon: <EnvironmentOutlined />, label: t('appointments.menu.locations') });
  return items;
}

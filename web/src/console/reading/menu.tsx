import { CloudUploadOutlined, FileSearchOutlined, FormOutlined, ReadOutlined } from '@ant-design/icons';
import type { MenuProps } from 'antd';
import type { TFunction } from 'i18next';
import type { Permission } from '../../api/types';

/** The reading entries of the console menu, by permission. */
export function readingMenuItems(t: TFunction, can: (permission: Permission) => boolean): NonNullable<MenuProps['items']> {
  const items: NonNullable<MenuProps['items']> = [];
  if (can('reading.write')) items.push({ key: '/reading/my-routes', icon: <FormOutlined />, label: t('reading.menu.myRoutes') });
  if (can('route.read')) items.push({ key: '/reading/routes', icon: <ReadOutlined />, label: t('reading.menu.routes') });
  if (can('reading.review')) items.push({ key: '/reading/review', icon: <FileSearchOutlined />, label: t('reading.menu.review') });
  if (can('reading.import')) items.push({ key: '/reading/import', icon: <CloudUploadOutlined />, label: t('reading.menu.import') });
  return items;
}

/** The menu key of a reading page, or null for other pages. */
export function readingSelectedKey(pathname: string): string | null {
  if (pathname.startsWith('/reading/my-routes') || /^\/reading\/routes\/[^/]+\/entry/.test(pathname)) return '/reading/my-routes';
  for (const key of ['/reading/routes', '/reading/review', '/reading/import']) if (pathname.startsWith(key)) return key;
  return null;
}

/** Pages made for a phone: shown without the desktop side menu. */
export const isFieldPage = (pathname: string): boolean => pathname.startsWith('/reading/my-routes') || /^\/reading\/routes\/[^/]+\/entry/.test(pathname);

import type { ThemeConfig } from 'antd';

/** Water blue on antd's defaults. */
export const PRIMARY_COLOR = '#0b6bcb';

export const theme: ThemeConfig = {
  token: {
    colorPrimary: PRIMARY_COLOR,
    colorInfo: PRIMARY_COLOR,
    borderRadius: 6,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Helvetica Neue', Arial, sans-serif",
  },
  components: {
    Layout: { siderBg: '#0a2540', triggerBg: '#081d33', headerBg: '#ffffff', headerPadding: '0 24px' },
    Menu: { darkItemBg: '#0a2540', darkSubMenuItemBg: '#0a2540', darkItemSelectedBg: PRIMARY_COLOR },
  },
};

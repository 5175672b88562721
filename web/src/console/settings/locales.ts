/** Strings of the settings page (参数设置), merged into the console's translations under `settings`. */
export const settingsZh = {
  menu: '参数设置',
  title: '参数设置',
  subtitle: '本单位的业务规则。未修改的项目使用系统默认值；每次修改都记入审计日志。',
  reading: {
    title: '抄表',
    rotationTermMonths: '抄表员连续负责同一抄表本的最长期限（月）',
    rotationTermMonthsHelp: '到期必须轮换，默认 12 个月。',
    rotationNoticeDays: '提前提示轮换的天数',
    rotationNoticeDaysHelp: '任期在此天数内届满的抄表本列入轮换建议，默认 30 天。',
  },
  save: '保存',
  saved: '已保存',
  updated: '第 {{version}} 版，{{by}} 于 {{time}} 修改',
  neverUpdated: '尚未修改，全部为默认值',
};

export const settingsEn: typeof settingsZh = {
  menu: 'Settings',
  title: 'Settings',
  subtitle: "Your utility's rules. What you have not changed takes the system default; every change is recorded in the audit log.",
  reading: {
    title: 'Meter reading',
    rotationTermMonths: 'Longest continuous term of a reader on one route (months)',
    rotationTermMonthsHelp: 'Readers must rotate when it ends; default 12 months.',
    rotationNoticeDays: 'Days of notice before rotation',
    rotationNoticeDaysHelp: 'Routes whose reader’s term ends within this many days are proposed for rotation; default 30.',
  },
  save: 'Save',
  saved: 'Saved',
  updated: 'Version {{version}}, changed by {{by}} at {{time}}',
  neverUpdated: 'Never changed: every rule is at its default',
};

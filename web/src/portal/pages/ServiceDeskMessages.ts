/**
 * Texts of the portal's service-desk parts (评价, 重复报告提示, 短信评价链接), Simplified Chinese and English;
 * the English table is typed from the Chinese one. `{{name}}` placeholders are filled by `fill` (PayMessages).
 */
export const deskZhCN = {
  rateTitle: '服务评价',
  rateHint: '工单已办结，请为本次服务评分',
  rateComment: '意见建议（选填）',
  rateCommentPlaceholder: '说说您的感受',
  rateSubmit: '提交评价',
  rateRequired: '请先选择评分',
  rated: '感谢您的评价',
  ratedAt: '{{time}} 评价',
  poorNotice: '很抱歉没能让您满意，我们会尽快重新处理并与您联系。',
  stars: ['非常不满意', '不满意', '一般', '满意', '非常满意'],
  starsKeyboard: '用左右方向键选择评分',
  starValue: '{{count}} 星：{{label}}',
  duplicateTitle: '这个问题可能已有人反映',
  duplicateYours: '您在 {{time}} 已反映过同类问题（工单 {{no}}），正在处理中。',
  duplicateOthers: '同一地址的同类问题我们已经收到，正在处理中，不必重复提交。',
  duplicateView: '查看处理进度',
  duplicateJoin: '我也遇到了，补充到该工单',
  duplicateJoined: '已补充，我们会一并处理',
  duplicateAnyway: '这是另一个问题，继续提交',
  duplicateCancel: '不提交了',
  linkTitle: '服务评价',
  linkIntro: '工单 {{no}}（{{category}}）',
  linkClosedAt: '办结时间：{{time}}',
  linkExpires: '链接有效期至 {{time}}，仅可评价一次。',
  linkThanks: '感谢您的评价！',
  linkThanksText: '您的意见已转给服务质量负责人。',
  linkInvalid: '评价链接无效',
  linkInvalidText: '请确认打开的是短信中的完整链接，或拨打供水服务热线。',
  linkUsed: '已经评价过了',
  linkUsedText: '每条评价链接只能使用一次。感谢您的反馈！',
  linkExpired: '评价链接已过期',
  linkExpiredText: '如需反馈意见，请登录网上营业厅或拨打服务热线。',
};

export type DeskText = typeof deskZhCN;

export const deskEn: DeskText = {
  rateTitle: 'Rate our service',
  rateHint: 'Your request is closed: please rate how we did',
  rateComment: 'Comments (optional)',
  rateCommentPlaceholder: 'Tell us more',
  rateSubmit: 'Send rating',
  rateRequired: 'Choose a rating first',
  rated: 'Thank you for your rating',
  ratedAt: 'Rated {{time}}',
  poorNotice: 'We are sorry we did not satisfy you; we will look at it again and contact you soon.',
  stars: ['Very poor', 'Poor', 'Fair', 'Good', 'Excellent'],
  starsKeyboard: 'Use the arrow keys to choose a rating',
  starValue: '{{count}} of 5: {{label}}',
  duplicateTitle: 'This may have been reported already',
  duplicateYours: 'You reported the same kind of problem at {{time}} (request {{no}}); we are working on it.',
  duplicateOthers: 'We already have a report of the same kind at this address and are working on it; there is no need to report it again.',
  duplicateView: 'See its progress',
  duplicateJoin: 'Me too: add me to that report',
  duplicateJoined: 'Added: we will handle it together',
  duplicateAnyway: 'It is a different problem: send it',
  duplicateCancel: 'Do not send',
  linkTitle: 'Rate our service',
  linkIntro: 'Request {{no}} ({{category}})',
  linkClosedAt: 'Closed {{time}}',
  linkExpires: 'This link works once, until {{time}}.',
  linkThanks: 'Thank you for your rating!',
  linkThanksText: 'Your comments have been passed to our service quality team.',
  linkInvalid: 'This rating link is not valid',
  linkInvalidText: 'Check that you opened the whole link from the SMS, or call the water hotline.',
  linkUsed: 'Already rated',
  linkUsedText: 'Each rating link works once. Thank you for your feedback!',
  linkExpired: 'This rating link has expired',
  linkExpiredText: 'To give feedback, log in to the online hall or call the hotline.',
};

export function deskText(language: string): DeskText {
  return language.startsWith('en') ? deskEn : deskZhCN;
}

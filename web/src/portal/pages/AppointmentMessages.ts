/**
 * Texts of the appointment pages (预约办理, 我的预约), Simplified Chinese and English; the English table is
 * typed from the Chinese one, so a key missing from either is a compile error. `{{name}}` placeholders are
 * filled by `fill` (PayMessages).
 */
import type { AppointmentBusiness, AppointmentDayKind, AppointmentStatus } from '../../api/types';

export const appointmentZhCN = {
  entryTitle: '预约办理',
  entryDescription: '营业厅、政务中心窗口，含晚间和周六',
  mineTitle: '我的预约',
  mineDescription: '查看、改约或取消',
  newTitle: '预约办理',
  moveTitle: '改约',
  business: '办理业务',
  location: '办理网点',
  locationEmpty: '暂无可预约此业务的网点',
  day: '日期',
  dayFull: '约满',
  dayClosed: '休息',
  dayLeft: '余 {{count}}',
  slot: '时段',
  slotEmpty: '当天没有可预约的时段，请换一天',
  slotLeft: '余 {{count}}',
  slotFull: '已满',
  extended: '延时',
  name: '姓名',
  namePlaceholder: '办理人姓名',
  nameRequired: '请填写姓名',
  note: '备注',
  notePlaceholder: '选填，如需要携带的资料问题',
  phoneHint: '预约短信将发送到您登录的手机号，前一天还会提醒您',
  chooseAll: '请依次选择业务、网点、日期和时段',
  submit: '确认预约',
  submitMove: '确认改约',
  booked: '预约成功，预约号 {{no}}',
  moved: '已改约至 {{date}} {{from}}',
  failed: '预约失败',
  listEmpty: '暂无预约',
  listEmptyDescription: '预约后可在这里查看、改约或取消',
  newButton: '我要预约',
  bookingNo: '预约号',
  time: '时间',
  cancel: '取消预约',
  cancelConfirm: '确定取消预约 {{no}} 吗？',
  cancelled: '预约已取消',
  keep: '不取消',
  move: '改约',
  typeGovernment: '政务中心',
  typeHall: '营业厅',
  holiday: '节假日值班',
  adjusted: '调休上班',
  override: '特殊安排',
  weekdays: ['周一', '周二', '周三', '周四', '周五', '周六', '周日'],
};

export type AppointmentText = typeof appointmentZhCN;

export const appointmentEn: AppointmentText = {
  entryTitle: 'Book a visit',
  entryDescription: 'Service halls and government centre windows, evenings and Saturdays too',
  mineTitle: 'My appointments',
  mineDescription: 'View, move or cancel',
  newTitle: 'Book a visit',
  moveTitle: 'Move appointment',
  business: 'Business',
  location: 'Location',
  locationEmpty: 'No location takes appointments for this business',
  day: 'Day',
  dayFull: 'Full',
  dayClosed: 'Closed',
  dayLeft: '{{count}} left',
  slot: 'Time',
  slotEmpty: 'No time can be booked on this day; choose another day',
  slotLeft: '{{count}} left',
  slotFull: 'Full',
  extended: 'Extended',
  name: 'Name',
  namePlaceholder: 'Who will come',
  nameRequired: 'Please enter a name',
  note: 'Note',
  notePlaceholder: 'Optional, e.g. a question about documents',
  phoneHint: 'We text the booking to the phone you logged in with, and remind you the day before',
  chooseAll: 'Choose the business, location, day and time',
  submit: 'Book',
  submitMove: 'Move',
  booked: 'Booked: number {{no}}',
  moved: 'Moved to {{date}} {{from}}',
  failed: 'Booking failed',
  listEmpty: 'No appointments',
  listEmptyDescription: 'Book a visit, then view, move or cancel it here',
  newButton: 'Book a visit',
  bookingNo: 'Booking number',
  time: 'Time',
  cancel: 'Cancel',
  cancelConfirm: 'Cancel appointment {{no}}?',
  cancelled: 'Appointment cancelled',
  keep: 'Keep it',
  move: 'Move',
  typeGovernment: 'Gov. centre',
  typeHall: 'Service hall',
  holiday: 'Holiday duty',
  adjusted: 'Working weekend',
  override: 'Special hours',
  weekdays: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

export const BUSINESS_TEXT: Record<AppointmentBusiness, { zh: string; en: string }> = {
  new_connection: { zh: '用水报装', en: 'New connection' },
  holder_change: { zh: '更名过户', en: 'Holder change' },
  category_change: { zh: '用水性质变更', en: 'Category change' },
  meter_calibration: { zh: '校表', en: 'Meter calibration' },
  meter_removal: { zh: '拆表销户', en: 'Meter removal' },
  billing: { zh: '水费与账单', en: 'Bills and payments' },
  consultation: { zh: '业务咨询', en: 'General enquiry' },
};

export const STATUS_TEXT: Record<AppointmentStatus, { zh: string; en: string }> = {
  booked: { zh: '待办理', en: 'Booked' },
  arrived: { zh: '已签到', en: 'Checked in' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

export const DAY_KIND_KEY: Record<AppointmentDayKind, keyof AppointmentText | null> = {
  regular: null,
  holiday: 'holiday',
  adjusted_workday: 'adjusted',
  override: 'override',
};

export function appointmentText(language: string): AppointmentText {
  return language.startsWith('en') ? appointmentEn : appointmentZhCN;
}

/**
 * Roles and what each may do. Roles are fixed in code so that segregation of duties is reviewed as code;
 * a tenant assigns roles to staff. A permission names a capability, not a screen.
 */
export const PERMISSIONS = [
  'customer.read',
  'customer.write',
  'customer.reveal',
  'account.write',
  'premise.write',
  'meter.write',
  'audit.read',
  'outbox.read',
  // Queue a failed customer message (SMS, WeChat message) for one more attempt, audited.
  'outbox.retry',
  'staff.read',
  'staff.manage',
  'tariff.read',
  'tariff.write',
  'route.read',
  'route.manage',
  'reading.read',
  'reading.write',
  'reading.review',
  'reading.import',
  'billing.run',
  'bill.read',
  'bill.adjust',
  'report.read',
  'settings.manage',
  'payment.read',
  'payment.take',
  'payment.refund',
  'payment.reconcile',
  // Reverse (冲正) a payment recorded by mistake, with a reason: supervisors only, never whoever took it.
  'payment.reverse',
  'service.read',
  'service.create',
  'service.handle',
  'service.dispatch',
  'service.field',
  'service.supervise',
  // Write and publish the knowledge base of standard answers (知识库) the hotline answers from.
  'knowledge.manage',
  'withholding.manage',
  // Collection (催欠): arrears lists, visits and promises, cut-offs and reconnections reported done.
  'collection.work',
  // Issue and cancel cut-off orders; every route's arrears.
  'collection.manage',
  // Cut off a protected household (important customer, special care) with a reason, audited.
  'collection.override',
  // Online business applications (网上办): follow them, enter one at the counter, work a stage (the stage's role decides which).
  'application.read',
  'application.create',
  'application.work',
  // Appointments (预约): see the bookings, book / move / cancel for a customer, set up locations and their hours.
  'appointment.read',
  'appointment.book',
  'appointment.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'admin',
  'counter_clerk',
  'hotline_agent',
  'dispatcher',
  'repair_crew',
  'meter_reader',
  'reading_supervisor',
  'collector',
  'billing_clerk',
  'connection_staff',
  'manager',
  'auditor',
  'finance_clerk',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  admin: { zh: '系统管理员', en: 'Administrator' },
  counter_clerk: { zh: '综合窗口', en: 'Counter clerk' },
  hotline_agent: { zh: '热线坐席', en: 'Hotline agent' },
  dispatcher: { zh: '调度员', en: 'Dispatcher' },
  repair_crew: { zh: '维修人员', en: 'Repair crew' },
  meter_reader: { zh: '抄表员', en: 'Meter reader' },
  reading_supervisor: { zh: '抄表主管', en: 'Reading supervisor' },
  collector: { zh: '催收员', en: 'Collector' },
  billing_clerk: { zh: '核算员', en: 'Billing clerk' },
  connection_staff: { zh: '报装人员', en: 'Connection staff' },
  manager: { zh: '管理人员', en: 'Manager' },
  auditor: { zh: '审计员', en: 'Auditor' },
  finance_clerk: { zh: '财务对账员', en: 'Finance clerk' },
};

// The administrator manages staff but neither reads the audit log nor reveals personal data; the auditor
// reads everything and changes nothing. Nobody both writes records and audits them.
const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['customer.read', 'staff.read', 'staff.manage', 'outbox.read', 'outbox.retry', 'settings.manage', 'appointment.read', 'appointment.manage'],
  counter_clerk: ['customer.read', 'customer.write', 'customer.reveal', 'account.write', 'premise.write', 'tariff.read', 'reading.read', 'bill.read', 'payment.read', 'payment.take', 'service.read', 'service.create', 'service.handle', 'application.read', 'application.create', 'application.work', 'appointment.read', 'appointment.book'],
  hotline_agent: ['customer.read', 'customer.write', 'tariff.read', 'reading.read', 'bill.read', 'payment.read', 'service.read', 'service.create', 'service.handle', 'appointment.read', 'appointment.book'],
  dispatcher: ['customer.read', 'service.read', 'service.create', 'service.handle', 'service.dispatch'],
  repair_crew: ['customer.read', 'service.read', 'service.field'],
  meter_reader: ['customer.read', 'route.read', 'reading.read', 'reading.write', 'application.read', 'application.work'],
  reading_supervisor: ['customer.read', 'route.read', 'route.manage', 'reading.read', 'reading.write', 'reading.review', 'reading.import', 'staff.read'],
  collector: ['customer.read', 'route.read', 'bill.read', 'payment.read', 'collection.work'],
  // The billing clerk supervises collection (collection.manage); a protected household's cut-off needs a manager.
  billing_clerk: ['customer.read', 'account.write', 'tariff.read', 'tariff.write', 'route.read', 'reading.read', 'reading.review', 'billing.run', 'bill.read', 'bill.adjust', 'report.read', 'payment.read', 'collection.work', 'collection.manage', 'application.read', 'application.work'],
  connection_staff: ['customer.read', 'customer.write', 'customer.reveal', 'account.write', 'premise.write', 'meter.write', 'report.read', 'application.read', 'application.create', 'application.work'],
  // The manager supervises the counter too: reversals (冲正) of mistaken payments, which no cashier may do.
  manager: ['customer.read', 'staff.read', 'tariff.read', 'route.read', 'reading.read', 'bill.read', 'report.read', 'payment.read', 'payment.reverse', 'service.read', 'service.supervise', 'knowledge.manage', 'application.read', 'collection.work', 'collection.manage', 'collection.override', 'appointment.read'],
  auditor: ['customer.read', 'audit.read', 'outbox.read', 'staff.read', 'tariff.read', 'route.read', 'reading.read', 'bill.read', 'report.read', 'payment.read', 'service.read', 'application.read', 'appointment.read'],
  // Refunds and channel reconciliation; cash refunds are paid out of a cashier's till, never their own.
  finance_clerk: ['customer.read', 'payment.read', 'payment.refund', 'payment.reconcile', 'withholding.manage'],
};

export function permissionsOf(roles: readonly Role[]): Permission[] {
  const granted = new Set<Permission>();
  for (const role of roles) for (const permission of GRANTS[role]) granted.add(permission);
  return PERMISSIONS.filter((permission) => granted.has(permission));
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

const WRITE_PERMISSIONS: readonly Permission[] = [
  'customer.write', 'account.write', 'premise.write', 'meter.write', 'staff.manage', 'tariff.write', 'route.manage',
  'reading.write', 'reading.review', 'reading.import', 'billing.run', 'bill.adjust', 'settings.manage', 'payment.take',
  'payment.refund', 'payment.reconcile', 'payment.reverse',
  'service.create', 'service.handle', 'service.dispatch', 'service.field', 'service.supervise', 'knowledge.manage', 'withholding.manage',
  'collection.work', 'collection.manage', 'collection.override',
  'application.create', 'application.work',
  'appointment.book', 'appointment.manage', 'outbox.retry',
];

/**
 * Segregation of duties for one person's roles together: whoever reads the audit log may change nothing
 * and reveal nothing, whoever manages staff may not reveal personal data, and whoever takes money at the
 * counter may not also refund or reverse it. Returns the broken rules.
 */
export function segregationConflicts(roles: readonly Role[]): { zh: string; en: string }[] {
  const permissions = new Set(permissionsOf(roles));
  const conflicts: { zh: string; en: string }[] = [];
  if (permissions.has('audit.read') && (WRITE_PERMISSIONS.some((permission) => permissions.has(permission)) || permissions.has('customer.reveal'))) {
    conflicts.push({ zh: '审计员不能同时拥有修改或查看敏感信息的权限', en: 'an auditor may not also change records or reveal personal data' });
  }
  if (permissions.has('staff.manage') && permissions.has('customer.reveal')) {
    conflicts.push({ zh: '人员管理员不能同时查看完整个人信息', en: 'whoever manages staff may not also reveal personal data' });
  }
  if (permissions.has('payment.take') && permissions.has('payment.refund')) {
    conflicts.push({ zh: '收费员不能同时办理退款', en: 'whoever takes payments may not also refund them' });
  }
  if (permissions.has('payment.take') && permissions.has('payment.reverse')) {
    conflicts.push({ zh: '收费员不能同时办理缴费冲正', en: 'whoever takes payments may not also reverse them' });
  }
  return conflicts;
}

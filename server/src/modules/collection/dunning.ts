/**
 * Dunning notices (催缴通知). The utility's schedule lists days after the due date (default 3, 15, 30); the
 * last step is the cut-off notice (停水通知) that must precede a cut-off by the notice period. Each unpaid,
 * undisputed bill gets each step at most once per channel (unique key in collection_notices); when the run
 * missed days, only the latest step due is sent, and an earlier step is never sent after a later one.
 *
 * Channels: a WeChat message (template message through the utility's official account) when a portal user
 * bound to the account has their login bound to WeChat (an openid, learnt in the WeChat browser), else SMS to
 * the holder's phone — both through the notifications outbox, which sends the SMS instead when WeChat cannot
 * deliver the message; 'letter' — a printable list for the route's collector — when there is neither, and
 * always for the cut-off notice.
 */
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { formatYuan } from '../bills';
import { businessDate } from '../customers';
import { enqueueSms, enqueueWechatMessage } from '../notifications';
import { maskPersonName } from '../../platform/masking';
import type { CollectionSettings } from './late-fees';
import { maskAccountNo, OPEN_BILLS_CTE } from './open-bills';
import type { Notice } from './schemas';

interface DueBill {
  bill_id: string;
  bill_no: string;
  period: string;
  account_id: string;
  account_no: string;
  due_on: string;
  open_fen: number;
  days_overdue: number;
  phone: string | null;
  wechat_openid: string | null;
  last_step: number | null;
}

/** The step of the schedule due after `daysOverdue` days (the latest one reached), or null. */
export function dueStep(schedule: readonly number[], daysOverdue: number): number | null {
  let step: number | null = null;
  for (const day of schedule) if (day <= daysOverdue) step = day;
  return step;
}

export interface NoticeText {
  utilityName: string;
  hotline: string;
  accountNo: string;
  period: string;
  amountFen: number;
  dueOn: string;
  daysOverdue: number;
  cutoffNoticeHours: number;
  reconnectionHours: number;
  /** The earliest day water may be cut off (cut-off notices only). */
  cutoffFrom: string;
}

/** The message text, in Chinese, with the account number partly masked. */
export function noticeBody(kind: 'reminder' | 'cutoff_notice', text: NoticeText): string {
  const account = maskAccountNo(text.accountNo);
  const amount = formatYuan(text.amountFen);
  if (kind === 'reminder') {
    return `【${text.utilityName}】尊敬的用户：您的户号${account}（${text.period}账期）水费${amount}元已于${text.dueOn}到期，尚未缴清，请尽快缴纳，逾期将按日加收滞纳金。咨询电话${text.hotline}。`;
  }
  return (
    `【${text.utilityName}】停水通知：您的户号${account}（${text.period}账期）水费${amount}元已于${text.dueOn}到期，已逾期${text.daysOverdue}天。` +
    `请尽快缴清欠费及滞纳金，自${text.cutoffFrom}起（本通知${text.cutoffNoticeHours}小时后）将依规停止供水；缴清后${text.reconnectionHours}小时内恢复供水。对账单有异议请致电${text.hotline}。`
  );
}

/**
 * The fields of the 欠费催缴 template message: first, keyword1 户号, keyword2 账期, keyword3 欠费金额,
 * keyword4 缴费期限, remark (the keys of the template the utility adds in its official account; docs/PAYMENTS.md).
 */
export function wechatNoticeData(kind: 'reminder' | 'cutoff_notice', bill: Pick<DueBill, 'account_no' | 'period' | 'open_fen' | 'due_on' | 'days_overdue'>, utilityName: string): Record<string, { value: string }> {
  return {
    first: { value: kind === 'cutoff_notice' ? `停水通知：您的水费已逾期${bill.days_overdue}天` : '您的水费已到期，尚未缴清' },
    keyword1: { value: maskAccountNo(bill.account_no) },
    keyword2: { value: bill.period },
    keyword3: { value: `${formatYuan(bill.open_fen)}元` },
    keyword4: { value: bill.due_on },
    remark: { value: kind === 'cutoff_notice' ? `请尽快缴清欠费及滞纳金，以免停水。${utilityName}` : `请尽快缴纳，逾期将按日加收滞纳金。${utilityName}` },
  };
}

/** Sends the notices due on `today` for every unpaid bill of the tenant. Returns how many of each channel. */
export async function sendDueNotices(sql: Sql, tenantId: string, today: string, at: Date, settings: CollectionSettings): Promise<{ sms: number; wechat: number; letter: number }> {
  const schedule = settings.dunningScheduleDays;
  const firstStep = schedule[0] ?? 0;
  const lastStep = schedule[schedule.length - 1] ?? 0;
  const bills = await sql.query<DueBill>(
    `WITH ${OPEN_BILLS_CTE}
     SELECT ob.bill_id, ob.bill_no, ob.period, ob.account_id, a.account_no, ob.due_on::text AS due_on, ob.open_fen, ($1::date - ob.due_on)::int AS days_overdue, c.phone,
       (SELECT w.openid FROM account_bindings ab JOIN portal_wechat_identities w ON w.portal_user_id = ab.portal_user_id
        WHERE ab.account_id = ob.account_id ORDER BY w.bound_at DESC LIMIT 1) AS wechat_openid,
       (SELECT max(n.step_days) FROM collection_notices n WHERE n.bill_id = ob.bill_id) AS last_step
     FROM open_bills ob JOIN accounts a ON a.id = ob.account_id JOIN customers c ON c.id = a.customer_id
     WHERE ob.open_fen > 0 AND ($1::date - ob.due_on) >= $2 AND a.status <> 'closed'
       AND NOT EXISTS (SELECT 1 FROM bill_disputes d WHERE d.bill_id = ob.bill_id AND d.status = 'open')
     ORDER BY a.account_no, ob.period`,
    [today, Math.max(firstStep, 1)],
  );
  const [utility] = await sql.query<{ name: string; hotline: string | null; time_zone: string }>('SELECT name, hotline, time_zone FROM tenants WHERE id = $1', [tenantId]);
  const sent = { sms: 0, wechat: 0, letter: 0 };
  for (const bill of bills) {
    const step = dueStep(schedule, bill.days_overdue);
    if (step === null || (bill.last_step !== null && bill.last_step >= step)) continue;
    const kind = step === lastStep ? 'cutoff_notice' : 'reminder';
    const body = noticeBody(kind, {
      utilityName: utility?.name ?? '',
      hotline: utility?.hotline ?? '',
      accountNo: bill.account_no,
      period: bill.period,
      amountFen: bill.open_fen,
      dueOn: bill.due_on,
      daysOverdue: bill.days_overdue,
      cutoffNoticeHours: settings.cutoffNoticeHours,
      reconnectionHours: settings.reconnectionHours,
      cutoffFrom: businessDate(new Date(at.getTime() + settings.cutoffNoticeHours * 3_600_000), utility?.time_zone ?? 'Asia/Shanghai'),
    });
    const channels: ('sms' | 'wechat' | 'letter')[] = [];
    if (bill.wechat_openid) channels.push('wechat');
    else if (bill.phone) channels.push('sms');
    if ((!bill.phone && !bill.wechat_openid) || kind === 'cutoff_notice') channels.push('letter');
    for (const channel of channels) {
      const status = channel === 'letter' ? 'to_print' : 'queued';
      const rows = await sql.query<{ id: string }>(
        `INSERT INTO collection_notices (tenant_id, bill_id, account_id, step_days, kind, channel, status, amount_fen, body, business_date, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (tenant_id, bill_id, step_days, channel) DO NOTHING RETURNING id`,
        [tenantId, bill.bill_id, bill.account_id, step, kind, channel, status, bill.open_fen, body, today, at],
      );
      const id = rows[0]?.id;
      if (!id) continue;
      sent[channel] += 1;
      const template = kind === 'cutoff_notice' ? 'dunning_cutoff_notice' : 'dunning_reminder';
      let outboxId: string | null = null;
      if (channel === 'sms' && bill.phone) outboxId = await enqueueSms(sql, tenantId, { to: bill.phone, template, body }, at);
      if (channel === 'wechat' && bill.wechat_openid) {
        outboxId = await enqueueWechatMessage(sql, tenantId, { openid: bill.wechat_openid, template, body, data: wechatNoticeData(kind, bill, utility?.name ?? ''), fallbackPhone: bill.phone }, at);
      }
      if (outboxId) await sql.query('UPDATE collection_notices SET outbox_id = $2 WHERE id = $1', [id, outboxId]);
    }
  }
  return sent;
}

interface NoticeRow {
  id: string;
  bill_id: string;
  bill_no: string;
  account_id: string;
  account_no: string;
  step_days: number;
  kind: Notice['kind'];
  channel: Notice['channel'];
  status: Notice['status'];
  amount_fen: number;
  body: string;
  business_date: string;
  created_at: Date;
  name: string;
  customer_kind: string;
  full_address: string;
}

/** Whose notices: a collector (without collection.manage) sees only the accounts of the routes they collect on `today`. */
export interface NoticeScope {
  collectorId: string | null;
  today: string;
}

export async function noticesOf(sql: Sql, filter: { channel?: Notice['channel'] | undefined; date?: string | undefined; limit: number }, accountId?: string, scope?: NoticeScope): Promise<Notice[]> {
  const rows = await sql.query<NoticeRow>(
    `SELECT n.id, n.bill_id, b.bill_no, n.account_id, a.account_no, n.step_days, n.kind, n.channel, n.status, n.amount_fen, n.body, n.business_date, n.created_at,
       c.name, c.kind AS customer_kind, p.full_address
     FROM collection_notices n JOIN bills b ON b.id = n.bill_id JOIN accounts a ON a.id = n.account_id JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
     LEFT JOIN route_accounts ra ON ra.account_id = n.account_id
     LEFT JOIN LATERAL (SELECT x.staff_id FROM route_assignments x WHERE $5::uuid IS NOT NULL AND x.route_id = ra.route_id AND x.duty = 'collector' AND x.starts_on <= $6::date
       AND (x.ends_on IS NULL OR x.ends_on >= $6::date) ORDER BY x.starts_on DESC LIMIT 1) col ON true
     WHERE ($1::text IS NULL OR n.channel = $1) AND ($2::date IS NULL OR n.business_date = $2) AND ($3::uuid IS NULL OR n.account_id = $3)
       AND ($5::uuid IS NULL OR col.staff_id = $5)
     ORDER BY n.business_date DESC, ra.route_id, ra.walk_order, a.account_no, n.created_at LIMIT $4`,
    [filter.channel ?? null, filter.date ?? null, accountId ?? null, filter.limit, scope?.collectorId ?? null, scope?.today ?? null],
  );
  return rows.map((row) => ({
    id: row.id,
    billId: row.bill_id,
    billNo: row.bill_no,
    accountId: row.account_id,
    accountNo: row.account_no,
    stepDays: row.step_days,
    kind: row.kind,
    channel: row.channel,
    status: row.status,
    amountFen: row.amount_fen,
    body: row.body,
    businessDate: row.business_date,
    createdAt: new Date(row.created_at).toISOString(),
    holderName: row.customer_kind === 'organisation' ? row.name : maskPersonName(row.name),
    fullAddress: row.full_address,
  }));
}

/**
 * The utility's dunning notices; a collector without collection.manage sees only those of the accounts on
 * the routes they collect on today (as the arrears list).
 */
export async function listNotices(context: PlatformContext, tenantId: string, filter: { channel?: Notice['channel'] | undefined; date?: string | undefined; limit: number }, viewer: { staffId: string; seesAll: boolean }): Promise<Notice[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [tenant] = await sql.query<{ time_zone: string }>('SELECT time_zone FROM tenants WHERE id = $1', [tenantId]);
    const today = businessDate(context.clock.now(), tenant?.time_zone ?? 'Asia/Shanghai');
    return noticesOf(sql, filter, undefined, viewer.seesAll ? undefined : { collectorId: viewer.staffId, today });
  });
}

/**
 * A few months of history for the demo utility, relative to the day it is seeded (S), so that the arrears
 * list, late fees (滞纳金), dunning notices, cut-off and reconnection orders have real data the day the demo
 * starts:
 *
 * - the three months before the demo's billed months are billed by the real billing run 125, 95 and 65 days
 *   before S (due 30 days later: 95, 65 and 35 days ago), on every third route (a third of the city);
 * - most customers paid each of those bills before it fell due, at the counter (tills of 王丽, closed as
 *   counted) or by bank withholding (the accounts with a mandate): written set-based, the way recordPayment
 *   writes them (payment, journal, settlement), because there are some fifteen thousand;
 * - about 1 % paid two bills late, with the late fees, through recordPayment itself;
 * - about 7 % did not pay one, two or all three: their arrears are aged 35, 65 and 95 days;
 * - the daily collection run ran five days ago (the cut-off notices went out; the server's own loop runs today's
 *   within a minute of starting), and some staged collection work: a cut-off order that
 *   was carried out and then paid (reconnection done), one carried out (water off), one issued, a disputed
 *   bill, a promise to pay.
 *
 * Every event runs with a clock set to its own moment, so accrual, notices and orders are dated as they would
 * have been. Deterministic: the same accounts get the same story on every seed; the dates move with S.
 */
import { systemActor, type Actor } from '../platform/audit/audit';
import { ManualClock } from '../platform/clock';
import type { PlatformContext } from '../platform/context';
import { insertMany, type BulkColumn } from '../platform/db/bulk';
import { takeCounterBlock } from '../platform/db/counters';
import type { Sql } from '../platform/db/database';
import { createBillingRun, workBillingRun } from '../modules/billing';
import { addNote, completeCutoffOrder, completeReconnectionOrder, issueCutoffOrder, lateFeesDueFen, openDispute, runDailyCollection } from '../modules/collection';
import { businessDate } from '../modules/customers';
import { postJournals, type Journal, type LedgerAccount } from '../modules/ledger';
import { recordPayment } from '../modules/payments';
import { SeededRandom } from './random';

const TIME_ZONE = 'Asia/Shanghai';
const DAY_MS = 86_400_000;
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
/** A moment of a business day in the utility's time zone (UTC+8, no daylight saving). */
const moment = (date: string, time: string): Date => new Date(`${date}T${time}:00+08:00`);
const contextAt = (context: PlatformContext, at: Date): PlatformContext => ({ ...context, clock: new ManualClock(at) });

/**
 * History is kept to every third route (a third of the city: JC-001, JC-004, …, which every collector has
 * routes among), so seeding stays quick; the other accounts' bills start with the current months.
 */
const HISTORY_ROUTE_STRIDE = 3;
/** How many days before the seeding day each history month is billed (its bills fall due 30 days later). */
const ISSUED_DAYS_AGO = [125, 95, 65];
/**
 * The past day the daily collection run ran (it catches up on missed days: late fees for every day, the
 * latest dunning step due): 5 days ago, when every unpaid bill got its cut-off notice, old enough now for a
 * cut-off order. From today on the server's own loop runs it every day.
 */
const COLLECTION_DAYS_AGO = [5];

/** The `count` months before `period` (YYYY-MM), oldest first. */
export function monthsBefore(period: string, count: number): string[] {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, index) => {
    const date = new Date(Date.UTC(year, month - 1 - (count - index), 1));
    return date.toISOString().slice(0, 7);
  });
}

type Profile = 'on_time' | 'late' | 'unpaid_last' | 'unpaid_two' | 'unpaid_all';

interface HistoryBill {
  id: string;
  account_id: string;
  account_no: string;
  period: string;
  total_fen: number;
  issued_on: string;
  due_on: string;
  is_protected: boolean;
  is_special_care: boolean;
  has_mandate: boolean;
  collector: string | null;
}

interface PlannedPayment {
  accountId: string;
  billId: string;
  amountFen: number;
  method: 'cash' | 'card' | 'transfer' | 'bank_withholding';
  day: string;
  at: Date;
}

const CLEARING: Record<PlannedPayment['method'], LedgerAccount> = { cash: 'cash', card: 'bank_clearing', transfer: 'bank_clearing', bank_withholding: 'bank_clearing' };
const METHOD_ZH: Record<PlannedPayment['method'], string> = { cash: '现金', card: '银行卡', transfer: '转账', bank_withholding: '银行代扣' };
const COUNTER = new Set<PlannedPayment['method']>(['cash', 'card', 'transfer']);

export interface DemoHistorySummary {
  bills: number;
  payments: number;
  accountsInArrears: number;
}

/**
 * Bills `periods` in the past and plays the history above, up to the day before `today`. Run after the
 * customers, routes, readings and withholding mandates, and before the current months are billed.
 */
export async function seedDemoHistory(context: PlatformContext, tenantId: string, options: { periods: readonly string[]; portalAccountNo: string }): Promise<DemoHistorySummary> {
  const today = businessDate(context.clock.now(), TIME_ZONE);
  const actor = systemActor('demo-seed');
  const summary: DemoHistorySummary = { bills: 0, payments: 0, accountsInArrears: 0 };
  // ---- the bills, by the real billing run, each month on its own past day, on every third route ----
  const routes = await context.db.withTenant(tenantId, (sql) => sql.query<{ id: string }>('SELECT id FROM reading_routes WHERE is_active ORDER BY code'));
  const routeIds = routes.filter((_route, index) => index % HISTORY_ROUTE_STRIDE === 0).map((route) => route.id);
  const billed: string[] = [];
  for (const [index, period] of options.periods.entries()) {
    const monthAfter = `${nextMonth(period)}-03`;
    const wanted = addDays(today, -(ISSUED_DAYS_AGO[index] ?? 65));
    const issuedOn = wanted > monthAfter ? wanted : monthAfter;
    // A month the clock has not left far enough behind is not history.
    if (addDays(issuedOn, 31) >= today) continue;
    const at = contextAt(context, moment(issuedOn, '08:00'));
    const run = await createBillingRun(at, tenantId, { period, ...(routeIds.length > 0 ? { routeIds } : {}) }, actor);
    await workBillingRun(at, tenantId, run.id);
    billed.push(period);
  }
  if (billed.length === 0) return summary;

  const staff = await context.db.withTenant(tenantId, (sql) => sql.query<{ id: string; username: string; display_name: string }>("SELECT id, username, display_name FROM staff WHERE username IN ('counter', 'collector', 'billing')"));
  const staffOf = (username: string) => staff.find((member) => member.username === username);
  const counter = staffOf('counter');
  const collector = staffOf('collector');
  const billing = staffOf('billing');
  if (!counter || !collector || !billing) throw new Error('the demo staff are missing');
  const actorOf = (member: { id: string; username: string; display_name: string }): Actor => ({ type: 'staff', id: member.id, name: `${member.display_name} (${member.username})`, ip: null });

  const bills = await context.db.withTenant(tenantId, (sql) =>
    sql.query<HistoryBill>(
      `WITH collectors AS (
         SELECT DISTINCT ON (x.route_id) x.route_id, s.username FROM route_assignments x JOIN staff s ON s.id = x.staff_id
         WHERE x.duty = 'collector' AND x.ends_on IS NULL ORDER BY x.route_id, x.starts_on DESC),
       mandated AS (SELECT DISTINCT account_id FROM withholding_mandates WHERE status = 'active')
       SELECT b.id, b.account_id, a.account_no, b.period, b.total_fen, b.issued_on::text AS issued_on, b.due_on::text AS due_on,
         (c.is_important OR c.is_special_care) AS is_protected, c.is_special_care, (m.account_id IS NOT NULL) AS has_mandate, col.username AS collector
       FROM bills b JOIN accounts a ON a.id = b.account_id JOIN customers c ON c.id = a.customer_id
       LEFT JOIN mandated m ON m.account_id = a.id LEFT JOIN route_accounts ra ON ra.account_id = a.id LEFT JOIN collectors col ON col.route_id = ra.route_id
       WHERE b.kind = 'regular' AND b.period = ANY($1::text[]) ORDER BY a.account_no, b.period`,
      [billed],
    ),
  );
  summary.bills = bills.length;
  const byAccount = new Map<string, HistoryBill[]>();
  for (const bill of bills) byAccount.set(bill.account_id, [...(byAccount.get(bill.account_id) ?? []), bill]);

  // ---- who paid what, and when ----
  const random = new SeededRandom(20261123);
  const profiles = new Map<string, Profile>();
  let protectedInArrears = false;
  for (const [accountId, own] of byAccount) {
    const first = own[0] as HistoryBill;
    let profile: Profile = 'on_time';
    const roll = random.next();
    if (first.account_no === options.portalAccountNo || first.has_mandate) profile = 'on_time';
    else if (first.is_special_care && !protectedInArrears) {
      // One special-care household in arrears: its water is not cut off without an authorised override.
      profile = 'unpaid_all';
      protectedInArrears = true;
    } else if (roll < 0.03) profile = 'unpaid_all';
    else if (roll < 0.05) profile = 'unpaid_two';
    else if (roll < 0.07) profile = 'unpaid_last';
    else if (roll < 0.08) profile = 'late';
    profiles.set(accountId, profile);
  }
  const paidOnTime = (profile: Profile, index: number, count: number): boolean =>
    profile === 'on_time' || (profile === 'late' && index === count - 1) || (profile === 'unpaid_last' && index < count - 1) || (profile === 'unpaid_two' && index < count - 2);
  const planned: PlannedPayment[] = [];
  for (const [accountId, own] of byAccount) {
    const profile = profiles.get(accountId) as Profile;
    if (profile !== 'on_time' && profile !== 'late') summary.accountsInArrears += 1;
    own.forEach((bill, index) => {
      if (bill.total_fen <= 0 || !paidOnTime(profile, index, own.length)) return;
      const method: PlannedPayment['method'] = bill.has_mandate ? 'bank_withholding' : random.pick(['cash', 'cash', 'cash', 'card', 'card', 'transfer'] as const);
      const day = bill.has_mandate ? addDays(bill.due_on, -5) : addDays(bill.issued_on, random.integer(2, 27));
      const at = moment(day, `${String(random.integer(9, 16)).padStart(2, '0')}:${String(random.integer(0, 59)).padStart(2, '0')}`);
      planned.push({ accountId, billId: bill.id, amountFen: bill.total_fen, method, day, at });
    });
  }
  planned.sort((a, b) => a.at.getTime() - b.at.getTime() || (a.accountId < b.accountId ? -1 : 1));

  // Staged collection work, on accounts of the demo collector's routes that paid nothing.
  const unpaidOfCollector = [...byAccount.values()].filter((own) => profiles.get((own[0] as HistoryBill).account_id) === 'unpaid_all' && own[0]?.collector === 'collector' && !own[0].is_protected);
  const staged = {
    reconnected: unpaidOfCollector[0]?.[0]?.account_id,
    cutOff: unpaidOfCollector[1]?.[0]?.account_id,
    issued: unpaidOfCollector[2]?.[0]?.account_id,
    promise: unpaidOfCollector[3]?.[0]?.account_id,
    disputedBill: unpaidOfCollector[4]?.at(-1)?.id,
  };
  const lateAccounts = [...byAccount.keys()].filter((accountId) => profiles.get(accountId) === 'late');
  const lateDay = addDays(today, -55);
  const reconnectionPayDay = addDays(today, -1);

  // The counter's tills: one a day, opened and closed as counted (totals filled in once every payment is in).
  const tillDays = [...new Set([...planned.filter((payment) => COUNTER.has(payment.method)).map((payment) => payment.day), lateDay, reconnectionPayDay])].sort();
  const tillOf = new Map(tillDays.map((day) => [day, random.uuid()]));
  await context.db.withTenant(tenantId, async (sql) => {
    await insertMany(
      sql,
      'tills',
      [
        { name: 'tenant_id', type: 'uuid' },
        { name: 'id', type: 'uuid' },
        { name: 'staff_id', type: 'uuid' },
        { name: 'business_date', type: 'date' },
        { name: 'opened_at', type: 'timestamptz' },
        { name: 'closed_at', type: 'timestamptz' },
        { name: 'expected', type: 'jsonb' },
        { name: 'counted', type: 'jsonb' },
      ],
      tillDays.map((day) => [tenantId, tillOf.get(day), counter.id, day, moment(day, '08:30'), moment(day, '17:30'), '{}', '{}']),
    );
    await writePayments(sql, tenantId, planned, tillOf, counter.id, random);
  });
  summary.payments += planned.length;

  // ---- the days that follow, in order ----
  const events: { at: Date; run: () => Promise<unknown> }[] = [];
  for (const daysAgo of COLLECTION_DAYS_AGO) {
    const at = moment(addDays(today, -daysAgo), '06:00');
    events.push({ at, run: () => runDailyCollection(contextAt(context, at), tenantId) });
  }
  const payAll = (accountId: string, day: string, time: string, tillId: string | undefined) => async () => {
    const at = moment(day, time);
    await context.db.withTenant(tenantId, async (sql) => {
      const [owed] = await sql.query<{ principal: number }>(
        "SELECT greatest(coalesce(sum(debit_fen - credit_fen), 0), 0)::int8 AS principal FROM ledger_entries WHERE account_id = $1 AND ledger_account = 'receivable'",
        [accountId],
      );
      const amountFen = (owed?.principal ?? 0) + (await lateFeesDueFen(sql, tenantId, accountId, day));
      if (amountFen > 0) await recordPayment(sql, tenantId, { accountId, method: 'cash', amountFen, receivedAt: at, businessDate: day, staffId: counter.id, tillId: tillId ?? null });
    });
    summary.payments += 1;
  };
  for (const accountId of lateAccounts) events.push({ at: moment(lateDay, '11:00'), run: payAll(accountId, lateDay, '11:00', tillOf.get(lateDay)) });
  const cutoff = (accountId: string, day: string) => async () => {
    const at = moment(day, '10:00');
    const order = await issueCutoffOrder(contextAt(context, at), tenantId, accountId, {}, { actor: actorOf(billing), permissions: ['collection.manage'] });
    return order.id;
  };
  const orders = new Map<string, string>();
  if (staged.reconnected) {
    const accountId = staged.reconnected;
    events.push({ at: moment(addDays(today, -2), '09:00'), run: async () => orders.set(accountId, await cutoff(accountId, addDays(today, -2))()) });
    events.push({ at: moment(addDays(today, -2), '15:00'), run: () => completeCutoffOrder(contextAt(context, moment(addDays(today, -2), '15:00')), tenantId, orders.get(accountId) ?? '', actorOf(collector)) });
    events.push({ at: moment(reconnectionPayDay, '09:30'), run: payAll(accountId, reconnectionPayDay, '09:30', tillOf.get(reconnectionPayDay)) });
    events.push({
      at: moment(reconnectionPayDay, '16:00'),
      run: async () => {
        const at = moment(reconnectionPayDay, '16:00');
        const [order] = await context.db.withTenant(tenantId, (sql) => sql.query<{ id: string }>("SELECT id FROM reconnection_orders WHERE account_id = $1 AND status = 'due'", [accountId]));
        if (order) await completeReconnectionOrder(contextAt(context, at), tenantId, order.id, actorOf(collector));
      },
    });
  }
  if (staged.cutOff) {
    const accountId = staged.cutOff;
    events.push({ at: moment(addDays(today, -2), '10:00'), run: async () => orders.set(accountId, await cutoff(accountId, addDays(today, -2))()) });
    events.push({ at: moment(addDays(today, -1), '14:00'), run: () => completeCutoffOrder(contextAt(context, moment(addDays(today, -1), '14:00')), tenantId, orders.get(accountId) ?? '', actorOf(collector)) });
  }
  if (staged.issued) {
    const accountId = staged.issued;
    events.push({ at: moment(addDays(today, -1), '10:30'), run: cutoff(accountId, addDays(today, -1)) });
  }
  if (staged.promise) {
    const accountId = staged.promise;
    const at = moment(addDays(today, -6), '15:20');
    events.push({ at, run: () => addNote(contextAt(context, at), tenantId, accountId, { kind: 'promise_to_pay', note: '户主称外出务工，承诺下月初一次缴清欠费及滞纳金', promisedOn: addDays(today, 8), promisedFen: 10_000 }, collector.id, actorOf(collector)) });
  }
  if (staged.disputedBill) {
    const billId = staged.disputedBill;
    const at = moment(addDays(today, -20), '11:15');
    events.push({ at, run: () => openDispute(contextAt(context, at), tenantId, billId, '客户称该月家中无人居住，用水量异常，申请复核读数', actorOf(counter)) });
  }
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const event of events) await event.run();

  // The tills close on what their payments took in.
  await context.db.withTenant(tenantId, (sql) =>
    sql.query(
      `UPDATE tills t SET expected = x.totals, counted = x.totals FROM (
         SELECT t2.id, jsonb_build_object('cash', coalesce(sum(p.amount_fen) FILTER (WHERE p.channel = 'cash'), 0), 'card', coalesce(sum(p.amount_fen) FILTER (WHERE p.channel = 'card'), 0),
           'transfer', coalesce(sum(p.amount_fen) FILTER (WHERE p.channel = 'transfer'), 0)) AS totals
         FROM tills t2 LEFT JOIN payments p ON p.till_id = t2.id WHERE t2.id = ANY($1::uuid[]) GROUP BY t2.id) x
       WHERE t.id = x.id`,
      [[...tillOf.values()]],
    ),
  );
  return summary;
}

function nextMonth(period: string): string {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 7);
}

const PAYMENT_COLUMNS: BulkColumn[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'id', type: 'uuid' },
  { name: 'receipt_no', type: 'text' },
  { name: 'account_id', type: 'uuid' },
  { name: 'channel', type: 'text' },
  { name: 'amount_fen', type: 'int8' },
  { name: 'allocated_fen', type: 'int8' },
  { name: 'prepaid_fen', type: 'int8' },
  { name: 'channel_trade_no', type: 'text' },
  { name: 'staff_id', type: 'uuid' },
  { name: 'till_id', type: 'uuid' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'business_date', type: 'date' },
  { name: 'journal_id', type: 'uuid' },
];

const SETTLEMENT_COLUMNS: BulkColumn[] = [
  { name: 'tenant_id', type: 'uuid' },
  { name: 'id', type: 'uuid' },
  { name: 'bill_id', type: 'uuid' },
  { name: 'payment_id', type: 'uuid' },
  { name: 'source', type: 'text' },
  { name: 'amount_fen', type: 'int8' },
  { name: 'settled_at', type: 'timestamptz' },
  { name: 'journal_id', type: 'uuid' },
];

/** Each planned payment pays its one bill in full, as recordPayment would: the payment, its journal and the settlement. */
async function writePayments(sql: Sql, tenantId: string, planned: readonly PlannedPayment[], tillOf: ReadonlyMap<string, string>, counterId: string, random: SeededRandom): Promise<void> {
  if (planned.length === 0) return;
  const first = await takeCounterBlock(sql, tenantId, 'receipt_no', 0, planned.length);
  const payments: unknown[][] = [];
  const settlements: unknown[][] = [];
  const journals: Journal[] = [];
  planned.forEach((payment, index) => {
    const id = random.uuid();
    const journalId = random.uuid();
    const receiptNo = `SK${payment.day.replaceAll('-', '')}${String(first + index).padStart(8, '0')}`;
    const isCounter = COUNTER.has(payment.method);
    payments.push([
      tenantId,
      id,
      receiptNo,
      payment.accountId,
      payment.method,
      payment.amountFen,
      payment.amountFen,
      0,
      payment.method === 'bank_withholding' ? `DK${payment.day.replaceAll('-', '')}${String(first + index).padStart(8, '0')}` : null,
      isCounter ? counterId : null,
      isCounter ? (tillOf.get(payment.day) ?? null) : null,
      payment.at,
      payment.day,
      journalId,
    ]);
    settlements.push([tenantId, random.uuid(), payment.billId, id, 'payment', payment.amountFen, payment.at, journalId]);
    journals.push({
      journalId,
      accountId: payment.accountId,
      entryType: 'payment',
      billId: null,
      businessDate: payment.day,
      postedAt: payment.at,
      description: `${METHOD_ZH[payment.method]}缴费 ${receiptNo}`,
      legs: [
        { ledgerAccount: CLEARING[payment.method], debitFen: payment.amountFen, creditFen: 0 },
        { ledgerAccount: 'receivable', debitFen: 0, creditFen: payment.amountFen },
      ],
    });
  });
  await postJournals(sql, tenantId, journals);
  await insertMany(sql, 'payments', PAYMENT_COLUMNS, payments);
  await insertMany(sql, 'bill_settlements', SETTLEMENT_COLUMNS, settlements);
}

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJournals } from '../src/modules/ledger';
import { updateProcessSettings } from '../src/modules/applications';
import { createServiceHall } from '../src/modules/tenancy';
import { APP_ROLE, type Sql } from '../src/platform/db/database';
import { ROLES, type Role } from '../src/platform/permissions';
import { residentIdCheckCharacter } from '../src/platform/validation';
import {
  currentTarget,
  describeEndpoint,
  type ErrorBody,
  mayCall,
  outcome,
  quoteIdentifier,
  rowCounts,
  STAFF_ENDPOINTS,
  takesId,
  tenantOwnedTables,
} from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { seedReadingTables } from './reading-factory';
import { insertRegularBill } from './bill-factory';
import { runDailyCollection } from '../src/modules/collection';
import { addNote } from '../src/modules/collection/orders';
import { createMandate, issueGovCredential, recordPayment, reversePayment } from '../src/modules/payments';
import { systemActor } from '../src/platform/audit/audit';
import { issueOpen311ApiKey } from '../src/modules/open311';
import { city12345SignedHeaders, issueCity12345Link } from '../src/modules/city12345';
import { seedIntegrationTables } from './integration-factory';

// Two utilities on one installation. Utility A's people try to reach utility B's data every way the API
// and the database allow; B's own people are the control that the data is there to be found.

let environment: TestEnvironment;
let a: Utility;
let b: Utility;
let aHome: CustomerWithAccount;
let bFirst: CustomerWithAccount;
let bHome: CustomerWithAccount;
let aHallId: string;
let bHallId: string;
let tables: string[];
const aStaff = {} as Record<Role, Client>;
let bClerk: Client;
let bAuditor: Client;
let aPortal: Client;
let bPortal: Client;
/** Strings that identify B's data: ids, audit hashes, names only B uses. None may appear in an answer to A. */
let bFingerprints: string[];

const B_PHONE = '13911112222';
const B_NAME = '乙方二号客户';
const B_STREET = '乙方专用路';
const B_ID_NUMBER = `11010519491231002${residentIdCheckCharacter('11010519491231002')}`;
// The same person is a portal user of both utilities.
const PORTAL_PHONE = '13700002222';

beforeAll(async () => {
  environment = await createTestEnvironment();
  a = await environment.givenUtility('tenant-a');
  b = await environment.givenUtility('tenant-b');
  aHome = await givenCustomerWithAccount(environment, a, { name: '甲方客户', phone: '13911113333' });
  // B has more customers than A, so B's newest customer and account numbers do not exist in A.
  bFirst = await givenCustomerWithAccount(environment, b, { name: '乙方一号客户', street: B_STREET });
  bHome = await givenCustomerWithAccount(environment, b, { name: B_NAME, phone: B_PHONE, street: B_STREET, idType: 'resident_id', idNumber: B_ID_NUMBER });
  const hall = { address: '沿江大道1号', phone: null, openingHours: '周一至周五 9:00-17:00', isGovernmentCentre: false };
  aHallId = await environment.db.withTenant(a.tenant.id, (sql) => createServiceHall(sql, a.tenant.id, { ...hall, name: '甲方营业厅' }));
  bHallId = await environment.db.withTenant(b.tenant.id, (sql) => createServiceHall(sql, b.tenant.id, { ...hall, name: '乙方营业厅' }));
  await seedBilling(a, aHome);
  await seedBilling(b, bHome);
  await seedReadingTables(environment, a, aHome);
  await seedReadingTables(environment, b, bHome);
  await seedPayments(a, aHome);
  await seedPayments(b, bHome);
  await seedCollection(a, aHome);
  await seedCollection(b, bHome);
  await seedFinance(a, aHome);
  await seedFinance(b, bHome);
  await seedWithholdingAndGovApp(a, aHome);
  await seedWithholdingAndGovApp(b, bHome);
  // Each utility's own application process settings: a changed first-reading period is a version row.
  for (const utility of [a, b]) await updateProcessSettings(environment.context, utility.tenant.id, { version: 0, firstReadingDays: 30 }, systemActor('test'));
  // Open311 keys, services and submissions; the 12345 platform's link, nonces, orders, replies and calls.
  for (const [utility, household] of [[a, aHome], [b, bHome]] as const) {
    await environment.db.withTenant(utility.tenant.id, (sql) => seedIntegrationTables(environment.context.cipher, sql, utility.tenant.id, household, environment.clock.now()));
  }
  for (const role of ROLES) aStaff[role] = await environment.loginStaff(a, role);
  bClerk = await environment.loginStaff(b, 'counter_clerk');
  bAuditor = await environment.loginStaff(b, 'auditor');
  // Contacts, free premises, a water category with tariff versions for both households (currentTarget),
  // then each portal user binds their own account.
  await currentTarget(environment, a, aHome);
  await currentTarget(environment, b, bHome);
  aPortal = await environment.loginPortal(a, PORTAL_PHONE);
  bPortal = await environment.loginPortal(b, PORTAL_PHONE);
  expect((await aPortal.post('/api/portal/bindings', { accountNo: aHome.account.accountNo, holderName: '甲方客户' })).status).toBe(201);
  expect((await bPortal.post('/api/portal/bindings', { accountNo: bHome.account.accountNo, holderName: B_NAME })).status).toBe(201);
  // A failed attempt too, so binding_attempts has rows of both kinds.
  expect((await aPortal.post('/api/portal/bindings', { accountNo: '1000000999', holderName: '无此人' })).status).toBe(400);

  tables = await tenantOwnedTables(environment);
  bFingerprints = await environment.db.withTenant(b.tenant.id, async (sql) => {
    const ids = await sql.query<{ value: string }>(
      ['customers', 'contacts', 'premises', 'accounts', 'meters', 'staff', 'service_halls', 'message_outbox', 'portal_users', 'sessions', 'otp_challenges', 'billing_runs', 'bills', 'reading_routes', 'readings', 'water_categories', 'tariff_versions']
        .map((table) => `SELECT id::text AS value FROM ${table}`)
        .join(' UNION ALL '),
    );
    const hashes = await sql.query<{ value: string }>("SELECT encode(hash, 'hex') AS value FROM audit_log");
    const names = await sql.query<{ value: string }>('SELECT name AS value FROM customers UNION SELECT name FROM service_halls');
    return [...ids, ...hashes, ...names].map((row) => row.value).concat(B_STREET);
  });
});
afterAll(() => environment.close());

/** A finished billing run of the household's account: its chunk, a bill with a line, and the bill's journal. */
async function seedBilling(utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    const [run] = await sql.query<{ id: string }>(
      `INSERT INTO billing_runs (tenant_id, period, route_ids, status, total_chunks, done_chunks, started_by, created_at, finished_at)
       VALUES ($1, '2026-01', '{}', 'completed', 1, 1, 'seed', now(), now()) RETURNING id`,
      [tenantId],
    );
    await sql.query("INSERT INTO billing_run_chunks (tenant_id, run_id, chunk_no, account_ids, status, bills_created) VALUES ($1, $2, 1, ARRAY[$3::uuid], 'done', 1)", [tenantId, run?.id, household.account.id]);
    const [bill] = await sql.query<{ id: string }>(
      `INSERT INTO bills (tenant_id, bill_no, account_id, period, period_start, period_end, run_id, consumption_litres, total_fen, issued_on, due_on, created_at)
       VALUES ($1, '202601-00000001', $2, '2026-01', '2026-01-01', '2026-01-31', $3, 10000, 500, '2026-02-01', '2026-03-03', now()) RETURNING id`,
      [tenantId, household.account.id, run?.id],
    );
    await sql.query(
      "INSERT INTO bill_lines (tenant_id, bill_id, line_no, line_type, tier, quantity_litres, unit_price_fen_per_m3, amount_fen, description) VALUES ($1, $2, 1, 'water', 1, 10000, 50, 500, '水费（第一阶梯）')",
      [tenantId, bill?.id],
    );
    await postJournals(sql, tenantId, [{
      accountId: household.account.id, entryType: 'bill', billId: bill?.id ?? null, businessDate: '2026-02-01', postedAt: new Date('2026-02-01T00:00:00Z'), description: 'seed',
      legs: [{ ledgerAccount: 'receivable', debitFen: 500, creditFen: 0 }, { ledgerAccount: 'water_revenue', debitFen: 0, creditFen: 500 }],
    }]);
    // A water-use category change dated after everything billed (用水性质变更, migration 0038).
    await sql.query(
      "INSERT INTO account_category_changes (tenant_id, account_id, effective_from, category_before, category_after, changed_by, created_at) VALUES ($1, $2, '2027-01-01', 'residential', 'non_residential', 'seed', now())",
      [tenantId, household.account.id],
    );
  });
}

/** An online order paid through its channel's notification, and a request served with an Idempotency-Key. */
/**
 * An overdue bill, the day's collection run (late-fee accruals and postings, dunning notices, the run's row)
 * and a collector's visit note. Disputes and cut-off and reconnection orders come from currentTarget.
 */
async function seedCollection(utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, (sql) => insertRegularBill(sql, tenantId, household.account.id, { period: '2025-10', consumptionLitres: 8_000, dueOn: '2025-11-20' }));
  expect(await runDailyCollection(environment.context, tenantId)).not.toBeNull();
  await addNote(environment.context, tenantId, household.account.id, { kind: 'visit', note: '上门催缴，无人在家' }, utility.staff.collector.id, systemActor('seed'));
}

async function seedPayments(utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    const now = environment.clock.now();
    const [order] = await sql.query<{ id: string }>(
      `INSERT INTO payment_orders (tenant_id, out_trade_no, channel, account_id, purpose, amount_fen, created_at, expires_at)
       VALUES ($1, $2, 'wechatpay', $3, 'topup', 300, $4, $4::timestamptz + interval '2 hours') RETURNING id`,
      [tenantId, `SEED${utility.tenant.code.toUpperCase().replace(/[^A-Z0-9]/g, '')}01`, household.account.id, now],
    );
    const payment = await recordPayment(sql, tenantId, { accountId: household.account.id, method: 'wechatpay', amountFen: 300, receivedAt: now, businessDate: '2026-03-02', orderId: order?.id ?? null });
    await sql.query("UPDATE payment_orders SET status = 'paid', payment_id = $2, paid_at = $3 WHERE id = $1", [order?.id, payment.id, now]);
    await sql.query("INSERT INTO channel_notifications (tenant_id, channel, received_at, verdict, out_trade_no) VALUES ($1, 'wechatpay', $2, 'credited', 'SEED01')", [tenantId, now]);
    await sql.query("INSERT INTO idempotency_keys (tenant_id, principal, key, request_hash, response_status, response_body, created_at) VALUES ($1, 'seed', 'seed-key-1', 'x', 201, '{}', $2)", [tenantId, now]);
    // Days waived while the account awaited its money (migration 0044), and the demo's channel day played (0045).
    await sql.query("INSERT INTO late_fee_waivers (tenant_id, account_id, from_day, to_day, created_at) VALUES ($1, $2, '2026-03-01', '2026-03-01', $3)", [tenantId, household.account.id, now]);
    await sql.query("INSERT INTO demo_channel_days (tenant_id, business_date, played_at) VALUES ($1, '2026-03-02', $2)", [tenantId, now]);
    // A portal user's WeChat identity (openid for JSAPI and messages) and an authorisation under way.
    const [user] = await sql.query<{ id: string }>("INSERT INTO portal_users (tenant_id, phone) VALUES ($1, '13900009999') RETURNING id", [tenantId]);
    if (!user) throw new Error('no portal user was made');
    const tag = utility.tenant.code.replace(/[^A-Za-z0-9]/g, '');
    await sql.query("INSERT INTO portal_wechat_identities (tenant_id, portal_user_id, appid, openid, bound_at) VALUES ($1, $2, 'wxseedapp', $3, $4)", [tenantId, user.id, `oSeed${tag}`, now]);
    await sql.query("INSERT INTO wechat_oauth_states (tenant_id, state, portal_user_id, return_path, created_at, expires_at) VALUES ($1, $2, $3, '/portal/pay', $4, $4::timestamptz + interval '10 minutes')", [tenantId, `seedstate${tag}0000000000`, user.id, now]);
  });
}

/** A withholding mandate, a batch with a succeeded item and its payment, a gov-app credential, a used nonce and a confirmed payment. */
async function seedWithholdingAndGovApp(utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  const mandate = await createMandate(environment.context, tenantId, { accountId: household.account.id, bankCode: 'SEEDBANK', bankAccountNo: '6217001234567890123', holderName: '种子户', signedOn: '2026-01-01' }, systemActor('seed'));
  const { credential } = await issueGovCredential(environment.context, tenantId, '种子平台', systemActor('seed'));
  await environment.db.withTenant(tenantId, async (sql) => {
    const now = environment.clock.now();
    const payment = await recordPayment(sql, tenantId, { accountId: household.account.id, method: 'bank_withholding', amountFen: 200, receivedAt: now, businessDate: '2026-03-02', channelTradeNo: 'SEEDREF1' });
    const [batch] = await sql.query<{ id: string }>(
      `INSERT INTO withholding_batches (tenant_id, batch_no, bank_code, adapter_id, utility_code, created_on, status, item_count, total_fen, success_count, success_fen, created_at, created_by, result_imported_at)
       VALUES ($1, 'SEED0001', 'SEEDBANK', 'shuiwu-generic-v1', 'SEED01', '2026-03-01', 'completed', 1, 200, 1, 200, $2, 'seed', $2) RETURNING id`,
      [tenantId, now],
    );
    await sql.query(
      "INSERT INTO withholding_items (tenant_id, batch_id, sequence, mandate_id, account_id, amount_fen, bill_ref, status, bank_ref, settled_on, payment_id, resulted_at) VALUES ($1, $2, 1, $3, $4, 200, 'SEED', 'succeeded', 'SEEDREF1', '2026-03-02', $5, $6)",
      [tenantId, batch?.id, mandate.id, household.account.id, payment.id, now],
    );
    const govPayment = await recordPayment(sql, tenantId, { accountId: household.account.id, method: 'gov_app', amountFen: 300, receivedAt: now, businessDate: '2026-03-02', channelTradeNo: 'SEEDGOV001' });
    await sql.query(
      "INSERT INTO gov_app_payments (tenant_id, gov_trade_no, app_id, account_id, amount_fen, paid_at, statement_date, payment_id, response, created_at) VALUES ($1, 'SEEDGOV001', $2, $3, 300, $4, '2026-03-02', $5, '{}', $4)",
      [tenantId, credential.appId, household.account.id, now, govPayment.id],
    );
    await sql.query("INSERT INTO gov_app_nonces (tenant_id, app_id, nonce, seen_at) VALUES ($1, $2, 'seed-nonce-0000001', $3)", [tenantId, credential.appId, now]);
  });
  // A supervisor's reversal (冲正) of a payment recorded by mistake.
  const mistaken = await environment.db.withTenant(tenantId, (sql) =>
    recordPayment(sql, tenantId, { accountId: household.account.id, method: 'bank_withholding', amountFen: 100, receivedAt: environment.clock.now(), businessDate: '2026-03-02', channelTradeNo: 'SEEDREF2' }),
  );
  await reversePayment(environment.context, { tenantId, staffId: utility.staff.manager.id, actor: systemActor('seed') }, mistaken.id, { reason: '收错户号' });
}

/** A WeChat Pay refund of the seeded payment (from a top-up's prepaid money), and a reconciliation run with a difference. */
async function seedFinance(utility: Utility, household: CustomerWithAccount): Promise<void> {
  const tenantId = utility.tenant.id;
  await environment.db.withTenant(tenantId, async (sql) => {
    const now = environment.clock.now();
    const [payment] = await sql.query<{ id: string; out_trade_no: string }>(
      "SELECT p.id, o.out_trade_no FROM payments p JOIN payment_orders o ON o.id = p.order_id WHERE p.account_id = $1 AND p.channel = 'wechatpay' LIMIT 1",
      [household.account.id],
    );
    const [staff] = await sql.query<{ id: string }>("SELECT staff_id AS id FROM staff_roles WHERE role = 'finance_clerk' LIMIT 1");
    const journalId = randomUUID();
    await postJournals(sql, tenantId, [
      { accountId: household.account.id, entryType: 'prepaid_topup', billId: null, businessDate: '2026-03-02', postedAt: now, description: 'seed', legs: [{ ledgerAccount: 'channel_clearing', debitFen: 100, creditFen: 0 }, { ledgerAccount: 'prepaid', debitFen: 0, creditFen: 100 }] },
      { journalId, accountId: household.account.id, entryType: 'refund', billId: null, businessDate: '2026-03-02', postedAt: now, description: 'seed', legs: [{ ledgerAccount: 'prepaid', debitFen: 50, creditFen: 0 }, { ledgerAccount: 'channel_clearing', debitFen: 0, creditFen: 50 }] },
    ]);
    await sql.query('INSERT INTO prepaid_balances (tenant_id, account_id, balance_fen, updated_at) VALUES ($1, $2, 50, $3) ON CONFLICT (tenant_id, account_id) DO UPDATE SET balance_fen = prepaid_balances.balance_fen + 50', [tenantId, household.account.id, now]);
    const [refund] = await sql.query<{ id: string }>(
      `INSERT INTO refunds (tenant_id, refund_no, payment_id, account_id, channel, out_trade_no, amount_fen, reason, status, staff_id, requested_at, business_date, journal_id, completed_at)
       VALUES ($1, 'TKSEED000001', $2, $3, 'wechatpay', $4, 50, 'seed', 'succeeded', $5, $6, '2026-03-02', $7, $6) RETURNING id`,
      [tenantId, payment?.id, household.account.id, payment?.out_trade_no, staff?.id, now, journalId],
    );
    const [run] = await sql.query<{ id: string }>(
      `INSERT INTO reconciliation_runs (tenant_id, channel, statement_date, source, has_statement, statement_rows, statement_payment_fen, statement_refund_fen,
         ledger_rows, ledger_payment_fen, ledger_refund_fen, matched_rows, matched_payment_fen, matched_refund_fen, difference_count, created_by, created_at)
       VALUES ($1, 'wechatpay', '2026-03-02', 'download', false, 0, 0, 0, 1, 0, 50, 0, 0, 0, 1, $2, $3) RETURNING id`,
      [tenantId, staff?.id, now],
    );
    await sql.query(
      `INSERT INTO reconciliation_differences (tenant_id, run_id, seq, type, kind, out_trade_no, out_refund_no, ledger_fen, refund_id, description_zh, description_en)
       VALUES ($1, $2, 1, 'missing_in_statement', 'refund', $3, 'TKSEED000001', 50, $4, 'seed', 'seed')`,
      [tenantId, run?.id, payment?.out_trade_no, refund?.id],
    );
  });
}

/** B's identifying strings found in an answer. */
const leaksOf = (body: unknown): string[] => {
  const text = JSON.stringify(body);
  return bFingerprints.filter((fingerprint) => text.includes(fingerprint));
};

/** Runs a statement in a tenant's transaction: how many rows it touched, or that the database refused it. */
async function attempt(tenantId: string, statement: (sql: Sql) => Promise<unknown[]>): Promise<string> {
  try {
    const rows = await environment.db.withTenant(tenantId, statement);
    return `${rows.length} rows`;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return code === '42501' ? 'refused' : `error ${code}: ${message}`;
  }
}

/** What B has, read by B: the household through B's counter and every table's row count. */
const stateOfB = async () => ({
  household: (await bClerk.get(`/api/customers/${bHome.customer.id}`)).body,
  rows: await rowCounts(environment, tables, b.tenant.id),
});

describe('the database keeps tenants apart', () => {
  it('forces row-level security, with a policy, on every table that has a tenant_id', async () => {
    const rows = await environment.ownerQuery<{ table: string; enabled: boolean; forced: boolean; policies: number }>(
      `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
         (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int AS policies
       FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
         AND (c.relname = ANY($1::text[])
           OR (c.relispartition AND c.relkind IN ('r', 'p') AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')))
       ORDER BY c.relname`,
      [tables],
    );
    expect(tables).toEqual(expect.arrayContaining(['customers', 'accounts', 'premises', 'meters', 'contacts', 'sessions', 'audit_log', 'message_outbox']));
    const offenders = rows
      .filter((row) => !row.enabled || !row.forced || row.policies === 0)
      .map((row) => `${row.table} (${[!row.enabled && 'RLS not enabled', !row.forced && 'RLS not forced', row.policies === 0 && 'no policy'].filter(Boolean).join(', ')})`);
    expect(offenders, `tenant-owned tables without forced row-level security: ${offenders.join('; ')}`).toEqual([]);
  });

  it(`serves requests as ${APP_ROLE}: no superuser, no BYPASSRLS, owner of nothing, no definer-rights escape hatches`, async () => {
    const [role] = await environment.ownerQuery<{ rolsuper: boolean; rolbypassrls: boolean }>('SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await environment.ownerQuery<{ name: string }>(
      "SELECT c.relname AS name FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f')",
      [APP_ROLE],
    );
    expect(owned, `${APP_ROLE} owns tables, so row-level security does not bind it there`).toEqual([]);
    // A view or a SECURITY DEFINER function runs with its owner's rights and would read past the policies.
    const escapes = await environment.ownerQuery<{ name: string }>(
      `SELECT p.proname AS name FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
       UNION ALL
       SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
         AND NOT coalesce(c.reloptions @> ARRAY['security_invoker=true'], false)`,
    );
    expect(escapes).toEqual([]);
    const [inTenant] = await environment.db.withTenant(a.tenant.id, (sql) => sql.query<{ user: string; tenant: string }>("SELECT current_user AS user, current_setting('app.tenant_id') AS tenant"));
    expect(inTenant).toEqual({ user: APP_ROLE, tenant: a.tenant.id });
    const [withoutTenant] = await environment.db.withoutTenant((sql) => sql.query<{ user: string }>('SELECT current_user AS user'));
    expect(withoutTenant).toEqual({ user: APP_ROLE });
  });

  it('shows no row of any tenant-owned table when no tenant is set, though both tenants have rows in every one', async () => {
    const aRows = await rowCounts(environment, tables, a.tenant.id);
    const bRows = await rowCounts(environment, tables, b.tenant.id);
    const empty = tables.filter((table) => !aRows[table] || !bRows[table]);
    expect(empty, 'the seed must give both tenants rows in every table, or this test proves nothing').toEqual([]);
    const visible = await environment.db.withoutTenant((sql) =>
      sql.query<{ table: string; count: number }>(tables.map((table) => `SELECT '${table}' AS table, count(*)::int AS count FROM ${quoteIdentifier(table)}`).join(' UNION ALL ')),
    );
    expect(Object.fromEntries(visible.map((row) => [row.table, row.count]))).toEqual(Object.fromEntries(tables.map((table) => [table, 0])));
  });

  it("shows a tenant's transaction only that tenant's rows, in every tenant-owned table", async () => {
    const foreign = await environment.db.withTenant(a.tenant.id, (sql) =>
      sql.query<{ table: string; count: number }>(
        tables.map((table) => `SELECT '${table}' AS table, count(*)::int AS count FROM ${quoteIdentifier(table)} WHERE tenant_id <> $1`).join(' UNION ALL '),
        [a.tenant.id],
      ),
    );
    expect(foreign.filter((row) => row.count > 0)).toEqual([]);
  });

  it("refuses, in every tenant-owned table, a row for tenant B written from tenant A's transaction", async () => {
    const columns = await environment.ownerQuery<{ table: string; columns: string[] }>(
      `SELECT c.relname AS table, array_agg(quote_ident(a.attname) ORDER BY a.attnum) AS columns
       FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
       WHERE c.relname = ANY($1::text[]) AND c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' AND a.attidentity <> 'a'
       GROUP BY c.relname`,
      [tables],
    );
    const results: Record<string, string> = {};
    for (const { table, columns: list } of columns) {
      // A copy of one of A's own rows, relabelled as B's: the only thing wrong with it is the tenant.
      const insert = `INSERT INTO ${quoteIdentifier(table)} (${list.join(', ')})
        SELECT ${list.join(', ')} FROM jsonb_populate_record(NULL::${quoteIdentifier(table)},
          (SELECT to_jsonb(x) || jsonb_build_object('tenant_id', $1::uuid) FROM ${quoteIdentifier(table)} x LIMIT 1)) RETURNING 1`;
      results[table] = await attempt(a.tenant.id, async (sql) => {
        const own = await sql.query('SELECT 1 FROM ' + quoteIdentifier(table) + ' LIMIT 1');
        if (own.length === 0) throw new Error(`A has no ${table} row to copy`);
        return sql.query(insert, [b.tenant.id]);
      });
    }
    expect(results).toEqual(Object.fromEntries(tables.map((table) => [table, 'refused'])));
  });

  it("refuses to move A's rows to B, and finds none of B's rows to change or delete, from A's transaction", async () => {
    const before = await rowCounts(environment, tables, b.tenant.id);
    const moved: Record<string, string> = {};
    const changed: Record<string, string> = {};
    const deleted: Record<string, string> = {};
    for (const table of tables) {
      const name = quoteIdentifier(table);
      moved[table] = await attempt(a.tenant.id, (sql) => sql.query(`UPDATE ${name} SET tenant_id = $1 RETURNING 1`, [b.tenant.id]));
      // Refused outright (no privilege, as for the append-only audit log) or no row found: either way nothing happens.
      const nothing = (result: string) => (result === 'refused' || result === '0 rows' ? 'nothing' : result);
      changed[table] = nothing(await attempt(a.tenant.id, (sql) => sql.query(`UPDATE ${name} SET tenant_id = tenant_id WHERE tenant_id = $1 RETURNING 1`, [b.tenant.id])));
      deleted[table] = nothing(await attempt(a.tenant.id, (sql) => sql.query(`DELETE FROM ${name} WHERE tenant_id = $1 RETURNING 1`, [b.tenant.id])));
    }
    expect(moved).toEqual(Object.fromEntries(tables.map((table) => [table, 'refused'])));
    expect(changed).toEqual(Object.fromEntries(tables.map((table) => [table, 'nothing'])));
    expect(deleted).toEqual(Object.fromEntries(tables.map((table) => [table, 'nothing'])));
    // By id too, the way the services address rows.
    expect(await attempt(a.tenant.id, (sql) => sql.query("UPDATE customers SET name = '改名' WHERE id = $1 RETURNING id", [bHome.customer.id]))).toBe('0 rows');
    expect(await rowCounts(environment, tables, b.tenant.id)).toEqual(before);
  });
});

describe.each(ROLES)("utility A's %s", (role) => {
  it("finds nothing of B's by phone, account number, customer number, ID number, name or address", async () => {
    const queries = {
      phone: B_PHONE,
      accountNo: bHome.account.accountNo,
      customerNo: bHome.customer.customerNo,
      idNumber: B_ID_NUMBER,
      name: B_NAME,
      address: B_STREET,
    };
    const found: Record<string, string> = {};
    for (const [kind, q] of Object.entries(queries)) {
      const response = await aStaff[role].get<{ results: unknown[] }>(`/api/customers?q=${encodeURIComponent(q)}`);
      found[kind] = response.status === 200 ? `${response.body.results.length} results${leaksOf(response.body).length ? ' with B data' : ''}` : outcome(response);
    }
    const search = STAFF_ENDPOINTS.find((endpoint) => endpoint.method === 'GET' && endpoint.path === '/api/customers');
    const expected = search && mayCall(role, search) ? '0 results' : '403 forbidden';
    expect(found).toEqual(Object.fromEntries(Object.keys(queries).map((kind) => [kind, expected])));
  });

  it("gets 404 for every id of B's (403 without the permission), and B's records stay as they were", async () => {
    const target = await currentTarget(environment, b, bHome);
    const before = await stateOfB();
    const aBefore = await rowCounts(environment, tables, a.tenant.id);
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const endpoint of STAFF_ENDPOINTS.filter(takesId)) {
      const response = await aStaff[role].request(endpoint.method, endpoint.url(target), endpoint.body?.(target));
      answers[describeEndpoint(endpoint)] = outcome(response);
      expected[describeEndpoint(endpoint)] = mayCall(role, endpoint) ? '404 not_found' : '403 forbidden';
    }
    expect(answers).toEqual(expected);
    expect(await stateOfB()).toEqual(before);
    expect(await rowCounts(environment, tables, a.tenant.id)).toEqual(aBefore);
  });

  it("reads nothing of B's through any GET endpoint on A's own data", async () => {
    const target = await currentTarget(environment, a, aHome);
    const answers: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const endpoint of STAFF_ENDPOINTS.filter((candidate) => candidate.method === 'GET')) {
      const response = await aStaff[role].get(endpoint.url(target));
      const leaks = leaksOf(response.body);
      answers[describeEndpoint(endpoint)] = leaks.length > 0 ? `${response.status} with B's ${leaks.join(', ')}` : outcome(response);
      expected[describeEndpoint(endpoint)] = mayCall(role, endpoint) ? String(endpoint.success) : '403 forbidden';
    }
    expect(answers).toEqual(expected);
  });
});

describe("B's own people, the control for the tests above", () => {
  it("find B's customer by each of the searches A's staff tried, and those numbers do not exist in A", async () => {
    for (const q of [B_PHONE, bHome.account.accountNo, bHome.customer.customerNo, B_ID_NUMBER, B_NAME, B_STREET]) {
      const response = await bClerk.get<{ results: { customerId: string }[] }>(`/api/customers?q=${encodeURIComponent(q)}`);
      expect(response.body.results.map((result) => result.customerId), q).toContain(bHome.customer.id);
    }
    const [inA] = await environment.db.withTenant(a.tenant.id, (sql) =>
      sql.query<{ accounts: number; customers: number }>(
        'SELECT (SELECT count(*) FROM accounts WHERE account_no = $1)::int AS accounts, (SELECT count(*) FROM customers WHERE customer_no = $2)::int AS customers',
        [bHome.account.accountNo, bHome.customer.customerNo],
      ),
    );
    expect(inA).toEqual({ accounts: 0, customers: 0 });
  });

  it("see B's data in B's lists, so the leak check would notice it in A's", async () => {
    for (const url of ['/api/audit?limit=200', '/api/staff', '/api/outbox?limit=200', '/api/districts', '/api/service-halls', '/api/water-categories']) {
      const response = await bAuditor.get(url);
      expect(response.status, url).toBe(200);
      expect(leaksOf(response.body).length, url).toBeGreaterThan(0);
    }
  });
});

describe("A's staff cannot tie B's records to A's", () => {
  it("cannot open an account in A for B's customer or at B's premise", async () => {
    const aTarget = await currentTarget(environment, a, aHome);
    const bTarget = await currentTarget(environment, b, bHome);
    const before = { a: await rowCounts(environment, tables, a.tenant.id), b: await stateOfB() };
    const clerk = aStaff.connection_staff;
    const forBCustomer = await clerk.post('/api/accounts', { customerId: bHome.customer.id, premiseId: aTarget.freePremiseId, category: 'residential' });
    const atBPremise = await clerk.post('/api/accounts', { customerId: aHome.customer.id, premiseId: bTarget.freePremiseId, category: 'residential' });
    expect([outcome(forBCustomer), outcome(atBPremise)]).toEqual(['404 not_found', '404 not_found']);
    expect({ a: await rowCounts(environment, tables, a.tenant.id), b: await stateOfB() }).toEqual(before);
  });

  it("cannot install a meter at B's premise, nor put A's account under B's service hall", async () => {
    const aTarget = await currentTarget(environment, a, aHome);
    const before = { a: await rowCounts(environment, tables, a.tenant.id), b: await stateOfB(), account: (await aStaff.counter_clerk.get(`/api/customers/${aHome.customer.id}`)).body };
    const meter = await aStaff.connection_staff.post('/api/meters', {
      serialNo: 'CROSS-0001', model: 'LXS-15E', sizeDn: 15, premiseId: bHome.premise.id, status: 'installed', installedOn: '2026-01-05',
    });
    const hall = await aStaff.connection_staff.patch(`/api/accounts/${aHome.account.id}`, { version: aTarget.accountVersion, serviceHallId: bHallId });
    expect([meter.status, hall.status].every((status) => status === 400 || status === 404), `${outcome(meter)}; ${outcome(hall)}`).toBe(true);
    expect({ a: await rowCounts(environment, tables, a.tenant.id), b: await stateOfB(), account: (await aStaff.counter_clerk.get(`/api/customers/${aHome.customer.id}`)).body }).toEqual(before);
    // A's own hall is accepted, so the refusal above was about the tenant.
    expect((await aStaff.connection_staff.patch(`/api/accounts/${aHome.account.id}`, { version: aTarget.accountVersion, serviceHallId: aHallId })).status).toBe(200);
  });

  it("finds nothing when filtering A's audit log by B's object ids", async () => {
    const byB = await bAuditor.get<{ entries: unknown[] }>(`/api/audit?objectId=${bHome.customer.id}`);
    expect(byB.body.entries.length).toBeGreaterThan(0);
    const byA = await aStaff.auditor.get<{ entries: unknown[] }>(`/api/audit?objectId=${bHome.customer.id}`);
    expect(byA.status).toBe(200);
    expect(byA.body.entries).toEqual([]);
  });
});

describe("utility A's portal user", () => {
  it("cannot bind B's account by B's account number and holder name", async () => {
    const before = { a: await rowCounts(environment, tables, a.tenant.id), b: await rowCounts(environment, tables, b.tenant.id) };
    // B's newest account number exists only in B; B's first one is also a number in A, with another holder.
    const onlyInB = await aPortal.post<ErrorBody>('/api/portal/bindings', { accountNo: bHome.account.accountNo, holderName: B_NAME });
    const sharedNumber = await aPortal.post<ErrorBody>('/api/portal/bindings', { accountNo: bFirst.account.accountNo, holderName: '乙方一号客户' });
    expect([outcome(onlyInB), outcome(sharedNumber)]).toEqual(['400 binding_failed', '400 binding_failed']);
    const after = { a: await rowCounts(environment, tables, a.tenant.id), b: await rowCounts(environment, tables, b.tenant.id) };
    // The failures are counted against A's user (binding_attempts); nothing else changes anywhere.
    expect(after).toEqual({ a: { ...before.a, binding_attempts: (before.a.binding_attempts ?? 0) + 2 }, b: before.b });
    const listed = await aPortal.get<{ accounts: { id: string }[] }>('/api/portal/accounts');
    expect(listed.body.accounts.map((account) => account.id)).toEqual([aHome.account.id]);
  });

  it("cannot read or unbind B's account by its id, and B's binding stays", async () => {
    expect(outcome(await aPortal.get(`/api/portal/accounts/${bHome.account.id}`))).toBe('404 not_found');
    expect(outcome(await aPortal.delete(`/api/portal/bindings/${bHome.account.id}`))).toBe('404 not_found');
    expect((await bPortal.get(`/api/portal/accounts/${bHome.account.id}`)).status).toBe(200);
    expect((await aPortal.get(`/api/portal/accounts/${aHome.account.id}`)).status).toBe(200);
  });
});

describe('audit hash chains', () => {
  const chainOf = (utility: Utility) =>
    environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ seq: number; lane: number; link: number; prev_hash: string; hash: string }>(
        "SELECT seq, lane, link, encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash FROM audit_log ORDER BY seq",
      ),
    );

  it('gives each utility its own chains, each lane linked from 1 and from an empty hash, and intact', async () => {
    for (const [utility, auditor] of [[a, aStaff.auditor], [b, bAuditor]] as const) {
      const chain = await chainOf(utility);
      expect(chain.length).toBeGreaterThan(1);
      for (const lane of new Set(chain.map((entry) => entry.lane))) {
        const links = chain.filter((entry) => entry.lane === lane).sort((x, y) => x.link - y.link);
        expect(links.map((entry) => entry.link)).toEqual(links.map((_entry, index) => index + 1));
        expect(links[0]?.prev_hash).toBe('');
        links.slice(1).forEach((entry, index) => expect(entry.prev_hash).toBe(links[index]?.hash));
      }
      expect((await auditor.get('/api/audit/verify')).body).toEqual({ entries: chain.length, isIntact: true, firstBrokenSeq: null });
    }
  });

  it("moves only B's chain when B writes", async () => {
    const aBefore = await chainOf(a);
    const bBefore = await chainOf(b);
    const target = await currentTarget(environment, b, bHome);
    expect((await bClerk.patch(`/api/customers/${bHome.customer.id}`, { version: target.customerVersion, notes: '乙方更新' })).status).toBe(200);
    expect(await chainOf(a)).toEqual(aBefore);
    const bAfter = await chainOf(b);
    expect(bAfter.length).toBe(bBefore.length + 1);
    const added = bAfter.at(-1);
    const laneBefore = bBefore.filter((entry) => entry.lane === added?.lane).sort((x, y) => x.link - y.link);
    expect(added?.prev_hash).toBe(laneBefore.at(-1)?.hash ?? '');
  });
});

describe("utility A's machine-to-machine credentials (Open311 key, 12345 link)", () => {
  it("reach nothing of B's: A's key is refused in B's jurisdiction (403) and A's link is unknown to B (401)", async () => {
    const before = await rowCounts(environment, tables, b.tenant.id);
    const { apiKey } = await issueOpen311ApiKey(environment.context, a.tenant.id, { label: '甲方应用' }, systemActor('test'));
    const form = new URLSearchParams({ api_key: apiKey, jurisdiction_id: b.tenant.code, service_code: 'inquiry', address_string: B_STREET, description: '跨单位报告' });
    const posted = await environment.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
    expect(posted.statusCode).toBe(403);
    const { link, secret } = await issueCity12345Link(environment.context, a.tenant.id, { label: '甲方平台', replyUrl: 'https://12345.example.gov.cn/replies' }, systemActor('test'));
    const path = `/api/city12345/${b.tenant.code}/orders`;
    const body = JSON.stringify({ orderNo: 'CROSS000001', orderType: 'consult', categoryText: '供水/咨询', address: B_STREET, content: '跨单位工单', deadline: '2026-03-05T18:00:00+08:00' });
    const headers = city12345SignedHeaders({ appId: link.appId, secret }, { method: 'POST', path, body, now: environment.clock.now() });
    const pushed = await environment.app.inject({ method: 'POST', url: path, headers: { ...headers, 'content-type': 'application/json' }, payload: body });
    expect([pushed.statusCode, (pushed.json() as ErrorBody).code]).toEqual([401, 'unknown_app']);
    // B only logged the refused call in its own security log.
    expect(await rowCounts(environment, tables, b.tenant.id)).toEqual({ ...before, city_12345_calls: (before.city_12345_calls ?? 0) + 1 });
  });
});

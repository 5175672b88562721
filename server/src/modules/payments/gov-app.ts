/**
 * 政务服务平台 (e.g. 赣服通): a government service app lets citizens look up and pay water bills. It calls a
 * signed server-to-server API per utility (docs/GOV-APP-API.md): every request carries the partner's app id,
 * a timestamp, a nonce and an HMAC-SHA256 signature over the method, path, timestamp, nonce and the body's
 * SHA-256. A payment confirmation credits the account through recordPayment (method gov_app) exactly once
 * per govTradeNo; repeats get the first answer. Refused requests are logged in channel_notifications.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit, systemActor, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { isWithinWindow, MAX_SKEW_SECONDS as GOV_MAX_SKEW_SECONDS, NONCE_TTL_SECONDS, readSignatureHeaders, sign, SIGNATURE_HEADERS, signatureMatches, signedHeaders } from '../../platform/http/partner-signing';
import { maskPersonName } from '../../platform/masking';
import { lateFeesDueFen, lateFeesOwedFen } from '../collection';
import { businessDate } from '../customers';
import { openBills, recordPayment } from './settlement';
import { balanceOf } from './statement';

// The house signature of partner APIs (platform/http/partner-signing.ts), under the names this API's
// documentation (docs/GOV-APP-API.md §3) and its partners' code use.
export const GOV_HEADERS = SIGNATURE_HEADERS;
export const signGovRequest = sign;
export const govRequestHeaders = signedHeaders;

// ---- partner credentials ----

export interface GovCredential {
  id: string;
  appId: string;
  label: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}

interface CredentialRow {
  id: string;
  app_id: string;
  label: string;
  status: 'active' | 'revoked';
  created_at: Date;
  revoked_at: Date | null;
}

const toCredential = (row: CredentialRow): GovCredential => ({ id: row.id, appId: row.app_id, label: row.label, status: row.status, createdAt: row.created_at.toISOString(), revokedAt: row.revoked_at?.toISOString() ?? null });
const CREDENTIAL_COLUMNS = 'id, app_id, label, status, created_at, revoked_at';

/** Issues a partner credential: a random app id and a 256-bit secret, shown once and stored encrypted. */
export async function issueGovCredential(context: PlatformContext, tenantId: string, label: string, actor: Actor): Promise<{ credential: GovCredential; secret: string }> {
  const appId = `gov_${randomBytes(9).toString('base64url')}`;
  const secret = randomBytes(32).toString('base64url');
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const rows = await sql.query<CredentialRow>(
      `INSERT INTO gov_app_credentials (tenant_id, app_id, label, secret_encrypted, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${CREDENTIAL_COLUMNS}`,
      [tenantId, appId, label, context.cipher.encrypt(secret), now],
    );
    const credential = toCredential(rows[0] as CredentialRow);
    await recordAudit(sql, tenantId, actor, now, { action: 'gov_app_credential.issue', objectType: 'gov_app_credential', objectId: credential.id, after: { appId, label } });
    return { credential, secret };
  });
}

export async function listGovCredentials(context: PlatformContext, tenantId: string): Promise<GovCredential[]> {
  return context.db.withTenant(tenantId, async (sql) => (await sql.query<CredentialRow>(`SELECT ${CREDENTIAL_COLUMNS} FROM gov_app_credentials ORDER BY created_at DESC, id`)).map(toCredential));
}

export async function revokeGovCredential(context: PlatformContext, tenantId: string, id: string, actor: Actor): Promise<GovCredential> {
  return context.db.withTenant(tenantId, async (sql) => {
    const now = context.clock.now();
    const current = await sql.query<CredentialRow>(`SELECT ${CREDENTIAL_COLUMNS} FROM gov_app_credentials WHERE id = $1 FOR UPDATE`, [id]);
    if (!current[0]) throw notFound({ zh: '对接凭据', en: 'Partner credential' });
    if (current[0].status === 'revoked') throw new DomainError('conflict', 'credential_revoked', '该凭据已停用', 'The credential is already revoked', []);
    const rows = await sql.query<CredentialRow>(`UPDATE gov_app_credentials SET status = 'revoked', revoked_at = $2 WHERE id = $1 RETURNING ${CREDENTIAL_COLUMNS}`, [id, now]);
    await recordAudit(sql, tenantId, actor, now, { action: 'gov_app_credential.revoke', objectType: 'gov_app_credential', objectId: id, after: { appId: current[0].app_id } });
    return toCredential(rows[0] as CredentialRow);
  });
}

// ---- verification ----

export interface GovTenant {
  id: string;
  code: string;
  timeZone: string;
}

export interface GovRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  remoteAddress: string | null;
}

const REFUSALS = {
  signature_missing: { zh: '缺少签名信息（应用标识、时间戳、随机串或签名）', en: 'The app id, timestamp, nonce or signature header is missing or malformed' },
  timestamp_out_of_window: { zh: `请求时间戳与服务器时间相差超过 ${GOV_MAX_SKEW_SECONDS} 秒`, en: `The timestamp differs from the server's clock by more than ${GOV_MAX_SKEW_SECONDS} s` },
  unknown_app: { zh: '应用标识无效或已停用', en: 'Unknown or revoked app id' },
  signature_invalid: { zh: '签名校验失败', en: 'The signature does not verify' },
  nonce_replayed: { zh: '随机串已使用过（疑似重放）', en: 'The nonce was used before (replay)' },
} as const;
type RefusalReason = keyof typeof REFUSALS;

/** Writes one entry of the security log (channel_notifications, channel gov_app) in its own transaction. */
export async function logGovCall(context: PlatformContext, tenantId: string, entry: { verdict: 'credited' | 'duplicate' | 'ignored' | 'refused'; reason: string | null; govTradeNo: string | null; request: GovRequest }, sql?: Sql): Promise<void> {
  const write = (target: Sql) =>
    target.query(
      "INSERT INTO channel_notifications (tenant_id, channel, received_at, verdict, reason, out_trade_no, remote_address, body_excerpt) VALUES ($1, 'gov_app', $2, $3, $4, $5, $6, $7)",
      [tenantId, context.clock.now(), entry.verdict, entry.reason, entry.govTradeNo, entry.request.remoteAddress, `${entry.request.method} ${entry.request.url}\n${entry.request.rawBody}`.slice(0, 2000)],
    );
  if (sql) await write(sql);
  else await context.db.withTenant(tenantId, write);
}

/**
 * Checks a request's signature headers; returns the partner's app id, or logs the refusal and throws
 * (401, the one error shape). The nonce is recorded only for requests whose signature verifies.
 */
export async function verifyGovRequest(context: PlatformContext, tenant: GovTenant, request: GovRequest): Promise<string> {
  const refuse = async (reason: RefusalReason): Promise<never> => {
    await logGovCall(context, tenant.id, { verdict: 'refused', reason, govTradeNo: null, request });
    const text = REFUSALS[reason];
    throw new DomainError('unauthenticated', reason, text.zh, text.en, []);
  };
  const signed = readSignatureHeaders(request.headers);
  if (!signed) return refuse('signature_missing');
  const { appId, timestamp, nonce, signature } = signed;
  const now = context.clock.now();
  if (!isWithinWindow(timestamp, now)) return refuse('timestamp_out_of_window');
  const credentials = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<{ secret_encrypted: Uint8Array }>("SELECT secret_encrypted FROM gov_app_credentials WHERE app_id = $1 AND status = 'active'", [appId]),
  );
  if (!credentials[0]) return refuse('unknown_app');
  const secret = context.cipher.decrypt(credentials[0].secret_encrypted);
  if (!signatureMatches(secret, { appId, method: request.method, path: request.url, timestamp, nonce, body: request.rawBody }, signature)) return refuse('signature_invalid');
  const fresh = await context.db.withTenant(tenant.id, async (sql) => {
    await sql.query('DELETE FROM gov_app_nonces WHERE seen_at < $1', [new Date(now.getTime() - NONCE_TTL_SECONDS * 1000)]);
    return sql.query('INSERT INTO gov_app_nonces (tenant_id, app_id, nonce, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1', [tenant.id, appId, nonce, now]);
  });
  if (fresh.length === 0) return refuse('nonce_replayed');
  return appId;
}

// ---- the partner's calls ----

export interface GovBillLookup {
  accountNo: string;
  holderName: string;
  address: string;
  /** What paying everything costs today: the open bills and the late fees. */
  owedFen: number;
  /** Of owedFen, the late fees (滞纳金) owed today, brought up to date. */
  lateFeeFen: number;
  balanceFen: number;
  openBills: { billNo: string; period: string; openFen: number }[];
}

const accountNotFound = () => new DomainError('not_found', 'account_not_found', '户号不存在', 'No account with that number', [{ field: 'accountNo', zh: '户号不存在', en: 'no such account' }]);

/** What an account owes, for the citizen to confirm before paying: the holder's name masked. */
export async function lookupGovBills(context: PlatformContext, tenant: GovTenant, accountNo: string): Promise<GovBillLookup> {
  const today = businessDate(context.clock.now(), tenant.timeZone);
  return context.db.withTenant(tenant.id, async (sql) => {
    const rows = await sql.query<{ id: string; account_no: string; name: string; kind: string; full_address: string }>(
      'SELECT a.id, a.account_no, c.name, c.kind, p.full_address FROM accounts a JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id WHERE a.account_no = $1',
      [accountNo],
    );
    const account = rows[0];
    if (!account) throw accountNotFound();
    const open = await openBills(sql, account.id, today);
    const lateFeeFen = await lateFeesDueFen(sql, tenant.id, account.id, today);
    // Late fees accrued through yesterday but not yet posted count as owed: the payment posts them first.
    const pendingFen = lateFeeFen - (await lateFeesOwedFen(sql, account.id));
    return {
      accountNo: account.account_no,
      holderName: account.kind === 'organisation' ? account.name : maskPersonName(account.name),
      address: account.full_address,
      owedFen: open.reduce((sum, bill) => sum + bill.openFen, 0) + lateFeeFen,
      lateFeeFen,
      balanceFen: (await balanceOf(sql, account.id)) + pendingFen,
      openBills: open.map((bill) => ({ billNo: bill.billNo, period: bill.period, openFen: bill.openFen })),
    };
  });
}

export interface GovPaymentConfirmation {
  accountNo: string;
  amountFen: number;
  govTradeNo: string;
  paidAt: string;
}

export interface GovPaymentAnswer {
  govTradeNo: string;
  status: 'credited';
  accountNo: string;
  amountFen: number;
  receiptNo: string;
  allocatedFen: number;
  /** Of allocatedFen, what settled late fees (absent in answers stored before late fees were shown). */
  lateFeeFen?: number;
  prepaidFen: number;
  paidAt: string;
  statementDate: string;
  creditedAt: string;
}

/**
 * Credits a confirmed payment once per govTradeNo. The govTradeNo row is claimed first (its unique key
 * makes concurrent repeats wait for the first and then find its answer); a repeat with the same account and
 * amount gets the first answer; one with another amount or account is refused (409) and logged.
 */
export async function confirmGovPayment(context: PlatformContext, tenant: GovTenant, appId: string, input: GovPaymentConfirmation, request: GovRequest): Promise<GovPaymentAnswer> {
  const now = context.clock.now();
  const paidAt = new Date(input.paidAt);
  try {
    if (paidAt.getTime() > now.getTime() + GOV_MAX_SKEW_SECONDS * 1000) {
      throw new DomainError('validation', 'validation_failed', '支付时间不能晚于当前时间', 'paidAt cannot be in the future', [{ field: 'paidAt', zh: '不能晚于当前时间', en: 'cannot be in the future' }]);
    }
    const statementDate = businessDate(paidAt, tenant.timeZone);
    return await context.db.withTenant(tenant.id, async (sql) => {
      const accounts = await sql.query<{ id: string; account_no: string }>('SELECT id, account_no FROM accounts WHERE account_no = $1', [input.accountNo]);
      const account = accounts[0];
      if (!account) throw accountNotFound();
      const claimed = await sql.query(
        `INSERT INTO gov_app_payments (tenant_id, gov_trade_no, app_id, account_id, amount_fen, paid_at, statement_date, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING RETURNING 1`,
        [tenant.id, input.govTradeNo, appId, account.id, input.amountFen, paidAt, statementDate, now],
      );
      if (claimed.length === 0) {
        const [first] = await sql.query<{ account_id: string; amount_fen: number; response: GovPaymentAnswer | null }>('SELECT account_id, amount_fen, response FROM gov_app_payments WHERE gov_trade_no = $1', [input.govTradeNo]);
        if (!first?.response || first.account_id !== account.id || first.amount_fen !== input.amountFen) {
          throw new DomainError('conflict', 'gov_trade_no_conflict', '该交易流水号已用于另一笔金额或户号不同的缴费', 'The govTradeNo was already used for a payment with another amount or account', [
            { field: first && first.amount_fen !== input.amountFen ? 'amountFen' : 'govTradeNo', zh: '与首次确认不一致', en: 'differs from the first confirmation' },
          ]);
        }
        await logGovCall(context, tenant.id, { verdict: 'duplicate', reason: null, govTradeNo: input.govTradeNo, request }, sql);
        return first.response;
      }
      const payment = await recordPayment(sql, tenant.id, { accountId: account.id, method: 'gov_app', amountFen: input.amountFen, receivedAt: paidAt, businessDate: statementDate, channelTradeNo: input.govTradeNo });
      const answer: GovPaymentAnswer = {
        govTradeNo: input.govTradeNo,
        status: 'credited',
        accountNo: account.account_no,
        amountFen: input.amountFen,
        receiptNo: payment.receiptNo,
        allocatedFen: payment.allocatedFen,
        lateFeeFen: payment.lateFeeFen,
        prepaidFen: payment.prepaidFen,
        paidAt: paidAt.toISOString(),
        statementDate,
        creditedAt: now.toISOString(),
      };
      await sql.query('UPDATE gov_app_payments SET payment_id = $2, response = $3::jsonb WHERE gov_trade_no = $1', [input.govTradeNo, payment.id, JSON.stringify(answer)]);
      await recordAudit(sql, tenant.id, systemActor('gov_app'), now, { action: 'payment.gov_app', objectType: 'payment', objectId: payment.id, after: { govTradeNo: input.govTradeNo, appId, amountFen: input.amountFen, receiptNo: payment.receiptNo } });
      await logGovCall(context, tenant.id, { verdict: 'credited', reason: null, govTradeNo: input.govTradeNo, request }, sql);
      return answer;
    });
  } catch (error) {
    if (error instanceof DomainError) await logGovCall(context, tenant.id, { verdict: 'refused', reason: error.code, govTradeNo: input.govTradeNo, request });
    throw error;
  }
}

export interface GovStatement {
  date: string;
  count: number;
  totalFen: number;
  payments: { govTradeNo: string; accountNo: string; amountFen: number; paidAt: string; receiptNo: string; creditedAt: string }[];
}

/** The day's credited payments (by the utility's date of paidAt), for the partner's reconciliation. */
export async function govDailyStatement(context: PlatformContext, tenant: GovTenant, date: string): Promise<GovStatement> {
  return context.db.withTenant(tenant.id, async (sql) => {
    const rows = await sql.query<{ gov_trade_no: string; account_no: string; amount_fen: number; paid_at: Date; receipt_no: string; created_at: Date }>(
      `SELECT g.gov_trade_no, a.account_no, g.amount_fen, g.paid_at, p.receipt_no, g.created_at
       FROM gov_app_payments g JOIN accounts a ON a.id = g.account_id JOIN payments p ON p.id = g.payment_id
       WHERE g.statement_date = $1 ORDER BY g.paid_at, g.gov_trade_no`,
      [date],
    );
    return {
      date,
      count: rows.length,
      totalFen: rows.reduce((sum, row) => sum + row.amount_fen, 0),
      payments: rows.map((row) => ({ govTradeNo: row.gov_trade_no, accountNo: row.account_no, amountFen: row.amount_fen, paidAt: row.paid_at.toISOString(), receiptNo: row.receipt_no, creditedAt: row.created_at.toISOString() })),
    };
  });
}

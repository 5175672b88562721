/**
 * 渠道对账: a channel's statement of one day against the ledger's payments and refunds of that channel and
 * day. The statement comes from the channel (downloaded through the client: WeChat Pay's trade bill with its
 * SHA-1 checked, Alipay's zipped GBK statement) or is uploaded; it is read by files/parseStatement, matched by
 * files/reconcile, and the run — with the file itself and every difference — is stored.
 *
 * The day is the channel's: both channels cut their statements at midnight Beijing time by when a trade or
 * refund completed, so the ledger side is the payments received (the channel's success time) and refunds
 * completed in that same Beijing day — not our business date, which for a notification that arrives after
 * midnight is the next day and would make the same payment a difference on both days.
 *
 * Each difference is resolved once by a person, with a note: `credited` (a payment the channel took whose
 * notification never came: the order is credited through orders.ts creditOrder, exactly once, after the
 * channel confirms it), `written_off`, `channel_error` or `explained`.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { findTenantById } from '../tenancy';
import { PaymentChannelError } from './channels';
import { todayOf } from './counter';
import { parseStatement, reconcile, type LedgerPayment, type ReconcileDifference, type StatementRow } from './files';
import type { OnlineChannel, PaymentGateways } from './gateways';
import { creditOrder } from './orders';
import { onlineChannelSchema } from './schemas';

export const DIFFERENCE_TYPES = ['missing_in_ledger', 'missing_in_statement', 'amount_mismatch', 'duplicate_in_statement', 'duplicate_in_ledger'] as const;
export const RESOLUTIONS = ['credited', 'written_off', 'channel_error', 'explained'] as const;
type Resolution = (typeof RESOLUTIONS)[number];

const fen = z.int().meta({ description: 'Integer fen (分)' });
const sideSchema = z.object({ rows: z.int(), paymentFen: fen, refundFen: fen });

export const reconciliationRequestSchema = z.strictObject({ channel: onlineChannelSchema, date: z.iso.date().meta({ description: 'The statement day (Beijing time)' }) }).meta({ id: 'ReconciliationRequest' });
export const reconciliationImportSchema = z
  .strictObject({
    channel: onlineChannelSchema,
    date: z.iso.date().meta({ description: 'The statement day (Beijing time); every line must be of that day' }),
    fileBase64: z.string().min(4).max(40_000_000).meta({ description: "The statement file as the channel delivers it (WeChat Pay's CSV trade bill; Alipay's zip or its detail CSV), base64" }),
    fileName: z.string().trim().min(1).max(200).optional(),
  })
  .meta({ id: 'ReconciliationImport' });
export const resolutionRequestSchema = z
  .strictObject({
    resolution: z.enum(RESOLUTIONS).meta({ description: 'credited: credit the lost payment of a known order (missing_in_ledger only; the channel is asked first)' }),
    note: z.string().trim().min(2).max(500),
  })
  .meta({ id: 'DifferenceResolution' });
export type ReconciliationRequest = z.infer<typeof reconciliationRequestSchema>;
export type ReconciliationImport = z.infer<typeof reconciliationImportSchema>;
export type ResolutionRequest = z.infer<typeof resolutionRequestSchema>;

export const differenceSchema = z
  .object({
    id: z.uuid(),
    seq: z.int(),
    type: z.enum(DIFFERENCE_TYPES),
    kind: z.enum(['payment', 'refund']),
    outTradeNo: z.string(),
    outRefundNo: z.string().nullable(),
    statementLine: z.int().nullable(),
    statementFen: fen.nullable(),
    ledgerFen: fen.nullable(),
    channelTradeNo: z.string().nullable(),
    tradeTime: z.iso.datetime().nullable(),
    paymentId: z.uuid().nullable(),
    refundId: z.uuid().nullable(),
    description: z.object({ zh: z.string(), en: z.string() }),
    canCredit: z.boolean().meta({ description: 'A payment of a known order that the ledger lacks: may be resolved as credited' }),
    resolution: z.enum(RESOLUTIONS).nullable(),
    note: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.iso.datetime().nullable(),
    resolutionPaymentId: z.uuid().nullable(),
  })
  .meta({ id: 'ReconciliationDifference' });
export type Difference = z.infer<typeof differenceSchema>;

export const reconciliationSummarySchema = z
  .object({
    id: z.uuid(),
    channel: onlineChannelSchema,
    statementDate: z.iso.date(),
    source: z.enum(['download', 'import']),
    hasStatement: z.boolean().meta({ description: 'False when the channel had no statement for the day' }),
    fileName: z.string().nullable(),
    fileSha256: z.string().nullable(),
    statement: sideSchema,
    ledger: sideSchema,
    matched: sideSchema,
    skippedLines: z.int(),
    differenceCount: z.int(),
    openDifferenceCount: z.int(),
    counts: z.record(z.enum(DIFFERENCE_TYPES), z.int()),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'ReconciliationSummary' });
export type ReconciliationSummary = z.infer<typeof reconciliationSummarySchema>;
export const reconciliationSchema = reconciliationSummarySchema.extend({ differences: z.array(differenceSchema) }).meta({ id: 'Reconciliation' });
export type Reconciliation = z.infer<typeof reconciliationSchema>;

const RUN = { zh: '对账记录', en: 'Reconciliation' };
const DIFFERENCE = { zh: '对账差异', en: 'Reconciliation difference' };

interface RunRow {
  id: string;
  channel: OnlineChannel;
  statement_date: string;
  source: 'download' | 'import';
  has_statement: boolean;
  file_name: string | null;
  file_sha256: string | null;
  statement_rows: number;
  statement_payment_fen: number;
  statement_refund_fen: number;
  skipped_lines: number;
  ledger_rows: number;
  ledger_payment_fen: number;
  ledger_refund_fen: number;
  matched_rows: number;
  matched_payment_fen: number;
  matched_refund_fen: number;
  difference_count: number;
  open_count: number;
  counts: Record<string, number> | null;
  staff_name: string;
  created_at: Date;
}
const RUN_SELECT = `SELECT r.id, r.channel, r.statement_date, r.source, r.has_statement, r.file_name, r.file_sha256, r.statement_rows, r.statement_payment_fen,
    r.statement_refund_fen, r.skipped_lines, r.ledger_rows, r.ledger_payment_fen, r.ledger_refund_fen, r.matched_rows, r.matched_payment_fen, r.matched_refund_fen,
    r.difference_count, s.display_name AS staff_name, r.created_at,
    (SELECT count(*)::int FROM reconciliation_differences d WHERE d.run_id = r.id AND d.resolution IS NULL) AS open_count,
    (SELECT jsonb_object_agg(t.type, t.n) FROM (SELECT type, count(*)::int AS n FROM reconciliation_differences d WHERE d.run_id = r.id GROUP BY type) t) AS counts
  FROM reconciliation_runs r JOIN staff s ON s.id = r.created_by`;

const toSummary = (row: RunRow): ReconciliationSummary => ({
  id: row.id,
  channel: row.channel,
  statementDate: row.statement_date,
  source: row.source,
  hasStatement: row.has_statement,
  fileName: row.file_name,
  fileSha256: row.file_sha256,
  statement: { rows: row.statement_rows, paymentFen: row.statement_payment_fen, refundFen: row.statement_refund_fen },
  ledger: { rows: row.ledger_rows, paymentFen: row.ledger_payment_fen, refundFen: row.ledger_refund_fen },
  matched: { rows: row.matched_rows, paymentFen: row.matched_payment_fen, refundFen: row.matched_refund_fen },
  skippedLines: row.skipped_lines,
  differenceCount: row.difference_count,
  openDifferenceCount: row.open_count,
  counts: Object.fromEntries(DIFFERENCE_TYPES.map((type) => [type, row.counts?.[type] ?? 0])) as Record<(typeof DIFFERENCE_TYPES)[number], number>,
  createdBy: row.staff_name,
  createdAt: row.created_at.toISOString(),
});

interface DifferenceRow {
  id: string;
  seq: number;
  type: (typeof DIFFERENCE_TYPES)[number];
  kind: 'payment' | 'refund';
  out_trade_no: string;
  out_refund_no: string | null;
  statement_line: number | null;
  statement_fen: number | null;
  ledger_fen: number | null;
  channel_trade_no: string | null;
  trade_time: Date | null;
  payment_id: string | null;
  refund_id: string | null;
  description_zh: string;
  description_en: string;
  resolution: Resolution | null;
  note: string | null;
  resolver_name: string | null;
  resolved_at: Date | null;
  resolution_payment_id: string | null;
  order_known: boolean;
}
const DIFFERENCE_SELECT = `SELECT d.id, d.seq, d.type, d.kind, d.out_trade_no, d.out_refund_no, d.statement_line, d.statement_fen, d.ledger_fen, d.channel_trade_no, d.trade_time,
    d.payment_id, d.refund_id, d.description_zh, d.description_en, d.resolution, d.note, s.display_name AS resolver_name, d.resolved_at, d.resolution_payment_id,
    EXISTS (SELECT 1 FROM payment_orders o WHERE o.out_trade_no = d.out_trade_no AND o.channel = r.channel) AS order_known
  FROM reconciliation_differences d JOIN reconciliation_runs r ON r.id = d.run_id LEFT JOIN staff s ON s.id = d.resolved_by`;

const toDifference = (row: DifferenceRow): Difference => ({
  id: row.id,
  seq: row.seq,
  type: row.type,
  kind: row.kind,
  outTradeNo: row.out_trade_no,
  outRefundNo: row.out_refund_no,
  statementLine: row.statement_line,
  statementFen: row.statement_fen,
  ledgerFen: row.ledger_fen,
  channelTradeNo: row.channel_trade_no,
  tradeTime: row.trade_time?.toISOString() ?? null,
  paymentId: row.payment_id,
  refundId: row.refund_id,
  description: { zh: row.description_zh, en: row.description_en },
  canCredit: row.resolution === null && row.type === 'missing_in_ledger' && row.kind === 'payment' && row.order_known,
  resolution: row.resolution,
  note: row.note,
  resolvedBy: row.resolver_name,
  resolvedAt: row.resolved_at?.toISOString() ?? null,
  resolutionPaymentId: row.resolution_payment_id,
});

export interface FinanceActor {
  tenantId: string;
  staffId: string;
  actor: Actor;
}

/** [start, end) of a Beijing-time day. */
const beijingDay = (date: string): [Date, Date] => {
  const start = new Date(`${date}T00:00:00+08:00`);
  return [start, new Date(start.getTime() + 86_400_000)];
};
const beijingDate = (iso: string): string => new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

async function clientsOf(context: PlatformContext, gateways: PaymentGateways, tenantId: string) {
  const tenant = await findTenantById(context, tenantId);
  if (!tenant) throw notFound({ zh: '供水单位', en: 'Utility' });
  return gateways.forTenant(tenant.code);
}

const channelUnavailable = () => new DomainError('conflict', 'channel_unavailable', '本单位暂未开通该支付方式', 'This utility does not take payments through that channel', [{ field: 'channel', zh: '未开通', en: 'is not available' }]);
const channelFailed = (error: PaymentChannelError) =>
  new DomainError('conflict', 'channel_error', `支付渠道未能答复（${error.code}），请稍后重试`, `The payment channel did not answer (${error.code}); try again later`, [{ field: 'channel', zh: error.code, en: error.code }]);

/** Downloads the channel's statement of the day through its client and reconciles it. */
export async function runReconciliation(context: PlatformContext, gateways: PaymentGateways, who: FinanceActor, input: ReconciliationRequest): Promise<Reconciliation> {
  const today = await todayOf(context, who.tenantId);
  if (input.date > today) throw new DomainError('validation', 'validation_failed', '对账日期不能晚于今天', 'The statement day cannot be in the future', [{ field: 'date', zh: '不能晚于今天', en: 'must not be after today' }]);
  const clients = await clientsOf(context, gateways, who.tenantId);
  let file: { bytes: Buffer; name: string } | null;
  try {
    if (input.channel === 'wechatpay') {
      if (!clients.wechatpay) throw channelUnavailable();
      const text = await clients.wechatpay.downloadTradeBill(input.date);
      file = text === null ? null : { bytes: Buffer.from(text, 'utf8'), name: `wechatpay_tradebill_${input.date}.csv` };
    } else {
      if (!clients.alipay) throw channelUnavailable();
      const statement = await clients.alipay.downloadStatement(input.date);
      file = statement === null ? null : { bytes: statement.zip, name: `alipay_statement_${input.date}.zip` };
    }
  } catch (error) {
    if (error instanceof PaymentChannelError) throw channelFailed(error);
    throw error;
  }
  return storeRun(context, who, { channel: input.channel, date: input.date, source: 'download', file });
}

/** Reconciles a statement file someone uploaded (e.g. downloaded from the merchant platform by hand). */
export async function importReconciliation(context: PlatformContext, who: FinanceActor, input: ReconciliationImport): Promise<Reconciliation> {
  const compact = input.fileBase64.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) {
    throw new DomainError('validation', 'validation_failed', '文件不是有效的 base64', 'The file is not valid base64', [{ field: 'fileBase64', zh: '不是有效的 base64', en: 'is not valid base64' }]);
  }
  const bytes = Buffer.from(compact, 'base64');
  return storeRun(context, who, { channel: input.channel, date: input.date, source: 'import', file: { bytes, name: input.fileName ?? `${input.channel}_${input.date}` } });
}

/** The ledger's side of a channel's day: payments received and refunds completed, in a stable order. */
async function ledgerOfDay(sql: Sql, channel: OnlineChannel, date: string): Promise<{ entries: LedgerPayment[]; ids: { paymentId: string | null; refundId: string | null }[] }> {
  const [start, end] = beijingDay(date);
  const payments = await sql.query<{ id: string; out_trade_no: string; amount_fen: number }>(
    `SELECT p.id, coalesce(o.out_trade_no, p.receipt_no) AS out_trade_no, p.amount_fen
     FROM payments p LEFT JOIN payment_orders o ON o.id = p.order_id
     WHERE p.channel = $1 AND p.received_at >= $2 AND p.received_at < $3 ORDER BY p.received_at, p.id`,
    [channel, start, end],
  );
  const refunds = await sql.query<{ id: string; out_trade_no: string; refund_no: string; amount_fen: number }>(
    "SELECT id, out_trade_no, refund_no, amount_fen FROM refunds WHERE channel = $1 AND status = 'succeeded' AND completed_at >= $2 AND completed_at < $3 ORDER BY completed_at, id",
    [channel, start, end],
  );
  return {
    entries: [
      ...payments.map((row): LedgerPayment => ({ outTradeNo: row.out_trade_no, channel, amountFen: row.amount_fen, kind: 'payment' })),
      ...refunds.map((row): LedgerPayment => ({ outTradeNo: row.out_trade_no, channel, amountFen: row.amount_fen, kind: 'refund', outRefundNo: row.refund_no })),
    ],
    ids: [...payments.map((row) => ({ paymentId: row.id, refundId: null })), ...refunds.map((row) => ({ paymentId: null, refundId: row.id }))],
  };
}

async function storeRun(
  context: PlatformContext,
  who: FinanceActor,
  input: { channel: OnlineChannel; date: string; source: 'download' | 'import'; file: { bytes: Buffer; name: string } | null },
): Promise<Reconciliation> {
  let rows: StatementRow[] = [];
  let skipped = 0;
  if (input.file) {
    const parsed = parseStatement(input.channel, input.file.bytes);
    if (parsed.errors.length > 0) {
      throw new DomainError(
        'validation',
        'statement_rejected',
        `对账单有 ${parsed.errors.length} 处问题，未导入`,
        `The statement has ${parsed.errors.length} problem(s); nothing was imported`,
        parsed.errors.slice(0, 50).map((error) => ({ field: `file:${error.row}:${error.field}`, zh: error.zh, en: error.en })),
      );
    }
    const otherDay = parsed.rows.filter((row) => beijingDate(row.tradeTime) !== input.date);
    if (otherDay.length > 0) {
      throw new DomainError('validation', 'statement_wrong_day', `对账单有 ${otherDay.length} 行不是 ${input.date} 的交易`, `${otherDay.length} line(s) of the statement are not of ${input.date}`, [
        { field: 'date', zh: `第 ${otherDay[0]?.line ?? 0} 行为 ${beijingDate(otherDay[0]?.tradeTime ?? '')}`, en: `line ${otherDay[0]?.line ?? 0} is of ${beijingDate(otherDay[0]?.tradeTime ?? '')}` },
      ]);
    }
    rows = parsed.rows;
    skipped = parsed.skipped.length;
  }
  const now = context.clock.now();
  const runId = await context.db.withTenant(who.tenantId, async (sql) => {
    const ledger = await ledgerOfDay(sql, input.channel, input.date);
    const result = reconcile(rows, ledger.entries);
    const [run] = await sql.query<{ id: string }>(
      `INSERT INTO reconciliation_runs (tenant_id, channel, statement_date, source, has_statement, file_name, file_sha256, file, statement_rows, statement_payment_fen,
         statement_refund_fen, skipped_lines, ledger_rows, ledger_payment_fen, ledger_refund_fen, matched_rows, matched_payment_fen, matched_refund_fen, difference_count, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21) RETURNING id`,
      [
        who.tenantId, input.channel, input.date, input.source, input.file !== null, input.file?.name ?? null,
        input.file ? createHash('sha256').update(input.file.bytes).digest('hex') : null, input.file?.bytes ?? null,
        result.statement.rows, result.statement.paymentFen, result.statement.refundFen, skipped,
        result.ledger.rows, result.ledger.paymentFen, result.ledger.refundFen,
        result.matched.rows, result.matched.paymentFen, result.matched.refundFen, result.differences.length, who.staffId, now,
      ],
    );
    const id = (run as { id: string }).id;
    await insertDifferences(sql, who.tenantId, id, result.differences, new Map(rows.map((row) => [row.line, row])), ledger.ids);
    await recordAudit(sql, who.tenantId, who.actor, now, {
      action: 'reconciliation.run',
      objectType: 'reconciliation',
      objectId: id,
      after: { channel: input.channel, date: input.date, source: input.source, statementRows: result.statement.rows, ledgerRows: result.ledger.rows, matchedRows: result.matched.rows, counts: result.counts },
    });
    return id;
  });
  return getReconciliation(context, who.tenantId, runId);
}

async function insertDifferences(
  sql: Sql,
  tenantId: string,
  runId: string,
  differences: readonly ReconcileDifference[],
  statementByLine: Map<number, StatementRow>,
  ledgerIds: readonly { paymentId: string | null; refundId: string | null }[],
): Promise<void> {
  if (differences.length === 0) return;
  const columns = {
    seq: [] as number[], type: [] as string[], kind: [] as string[], outTradeNo: [] as string[], outRefundNo: [] as (string | null)[],
    line: [] as (number | null)[], statementFen: [] as (number | null)[], ledgerFen: [] as (number | null)[], channelTradeNo: [] as (string | null)[],
    tradeTime: [] as (string | null)[], paymentId: [] as (string | null)[], refundId: [] as (string | null)[], zh: [] as string[], en: [] as string[],
  };
  differences.forEach((difference, index) => {
    const line = 'statementLine' in difference ? difference.statementLine : null;
    const statementRow = line === null ? undefined : statementByLine.get(line);
    const ledgerIndex = 'ledgerIndex' in difference ? difference.ledgerIndex : null;
    const ids = ledgerIndex === null ? undefined : ledgerIds[ledgerIndex];
    columns.seq.push(index + 1);
    columns.type.push(difference.type);
    columns.kind.push(difference.kind);
    columns.outTradeNo.push(difference.outTradeNo);
    columns.outRefundNo.push(difference.outRefundNo);
    columns.line.push(line);
    columns.statementFen.push('statementFen' in difference ? difference.statementFen : null);
    columns.ledgerFen.push('ledgerFen' in difference ? difference.ledgerFen : null);
    columns.channelTradeNo.push(statementRow?.channelTradeNo || null);
    columns.tradeTime.push(statementRow?.tradeTime ?? null);
    columns.paymentId.push(ids?.paymentId ?? null);
    columns.refundId.push(ids?.refundId ?? null);
    columns.zh.push(difference.zh);
    columns.en.push(difference.en);
  });
  await sql.query(
    `INSERT INTO reconciliation_differences (tenant_id, run_id, seq, type, kind, out_trade_no, out_refund_no, statement_line, statement_fen, ledger_fen, channel_trade_no,
       trade_time, payment_id, refund_id, description_zh, description_en)
     SELECT $1, $2, d.* FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int8[], $10::int8[], $11::text[], $12::timestamptz[],
       $13::uuid[], $14::uuid[], $15::text[], $16::text[]) AS d`,
    [tenantId, runId, columns.seq, columns.type, columns.kind, columns.outTradeNo, columns.outRefundNo, columns.line, columns.statementFen, columns.ledgerFen,
      columns.channelTradeNo, columns.tradeTime, columns.paymentId, columns.refundId, columns.zh, columns.en],
  );
}

export async function listReconciliations(context: PlatformContext, tenantId: string, filter: { channel?: OnlineChannel | undefined; date?: string | undefined; limit: number }): Promise<ReconciliationSummary[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const rows = await sql.query<RunRow>(
      `${RUN_SELECT} WHERE ($1::text IS NULL OR r.channel = $1) AND ($2::date IS NULL OR r.statement_date = $2) ORDER BY r.statement_date DESC, r.created_at DESC LIMIT $3`,
      [filter.channel ?? null, filter.date ?? null, filter.limit],
    );
    return rows.map(toSummary);
  });
}

export async function getReconciliation(context: PlatformContext, tenantId: string, runId: string, filter: { type?: (typeof DIFFERENCE_TYPES)[number] | undefined; isOpen?: boolean | undefined } = {}): Promise<Reconciliation> {
  return context.db.withTenant(tenantId, async (sql) => {
    const [run] = await sql.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [runId]);
    if (!run) throw notFound(RUN);
    const differences = await sql.query<DifferenceRow>(
      `${DIFFERENCE_SELECT} WHERE d.run_id = $1 AND ($2::text IS NULL OR d.type = $2) AND ($3::boolean IS NULL OR (d.resolution IS NULL) = $3) ORDER BY d.seq`,
      [runId, filter.type ?? null, filter.isOpen ?? null],
    );
    return { ...toSummary(run), differences: differences.map(toDifference) };
  });
}

async function differenceRow(sql: Sql, runId: string, differenceId: string, forUpdate = false): Promise<DifferenceRow & { channel: OnlineChannel }> {
  const rows = await sql.query<DifferenceRow & { channel: OnlineChannel }>(
    `${DIFFERENCE_SELECT.replace('SELECT d.id,', 'SELECT r.channel, d.id,')} WHERE d.id = $1 AND d.run_id = $2${forUpdate ? ' FOR UPDATE OF d' : ''}`,
    [differenceId, runId],
  );
  const row = rows[0];
  if (!row) throw notFound(DIFFERENCE);
  return row;
}

const alreadyResolved = () => new DomainError('conflict', 'already_resolved', '该差异已处理', 'This difference has already been resolved', [{ field: 'resolution', zh: '已处理', en: 'already resolved' }]);

/**
 * Resolves a difference once. `credited` asks the channel about the order first and credits it only when
 * the channel says it was paid: creditOrder locks the order, so however many times this runs (or the late
 * notification arrives meanwhile) the payment is recorded once; the difference then names that payment.
 */
export async function resolveDifference(context: PlatformContext, gateways: PaymentGateways, who: FinanceActor, runId: string, differenceId: string, input: ResolutionRequest): Promise<Difference> {
  const current = await context.db.withTenant(who.tenantId, (sql) => differenceRow(sql, runId, differenceId));
  if (current.resolution !== null) throw alreadyResolved();
  let paid: { amountFen: number; channelTradeNo: string; paidAt: Date } | null = null;
  if (input.resolution === 'credited') {
    if (current.type !== 'missing_in_ledger' || current.kind !== 'payment' || !current.order_known) {
      throw new DomainError('conflict', 'not_creditable', '只有账务中缺少的、本系统下过单的缴费才能补记入账', 'Only a payment of one of our orders that the ledger lacks can be credited', [
        { field: 'resolution', zh: '该差异不能补记入账', en: 'this difference cannot be credited' },
      ]);
    }
    paid = await askPaid(context, gateways, who.tenantId, current.channel, current.out_trade_no);
    if (!paid) {
      throw new DomainError('conflict', 'channel_says_unpaid', '支付渠道查询结果为未支付，不能补记入账', 'The channel says this order was not paid; it cannot be credited', [{ field: 'resolution', zh: '渠道显示未支付', en: 'the channel says unpaid' }]);
    }
  }
  const today = await todayOf(context, who.tenantId);
  const now = context.clock.now();
  await context.db.withTenant(who.tenantId, async (sql) => {
    const row = await differenceRow(sql, runId, differenceId, true);
    if (row.resolution !== null) throw alreadyResolved();
    let paymentId: string | null = null;
    let outcome: string | null = null;
    if (paid) {
      const credit = await creditOrder(sql, who.tenantId, { channel: row.channel, outTradeNo: row.out_trade_no, ...paid, businessDate: today });
      if (credit.outcome === 'amount_mismatch' || credit.outcome === 'unknown_order' || !credit.paymentId) {
        throw new DomainError('conflict', 'not_creditable', `无法补记入账（${credit.outcome}）`, `The order cannot be credited (${credit.outcome})`, [{ field: 'resolution', zh: credit.outcome, en: credit.outcome }]);
      }
      paymentId = credit.paymentId;
      outcome = credit.outcome;
    }
    await sql.query('UPDATE reconciliation_differences SET resolution = $2, note = $3, resolved_by = $4, resolved_at = $5, resolution_payment_id = $6 WHERE id = $1', [differenceId, input.resolution, input.note, who.staffId, now, paymentId]);
    await recordAudit(sql, who.tenantId, who.actor, now, {
      action: 'reconciliation.resolve',
      objectType: 'reconciliation_difference',
      objectId: differenceId,
      before: { type: row.type, outTradeNo: row.out_trade_no, outRefundNo: row.out_refund_no, statementFen: row.statement_fen, ledgerFen: row.ledger_fen },
      after: { runId, resolution: input.resolution, note: input.note, paymentId, creditOutcome: outcome },
    });
  });
  return context.db.withTenant(who.tenantId, async (sql) => toDifference(await differenceRow(sql, runId, differenceId)));
}

/** What the channel says about an order: paid (amount, its transaction number, when), or null. */
async function askPaid(context: PlatformContext, gateways: PaymentGateways, tenantId: string, channel: OnlineChannel, outTradeNo: string): Promise<{ amountFen: number; channelTradeNo: string; paidAt: Date } | null> {
  const clients = await clientsOf(context, gateways, tenantId);
  try {
    if (channel === 'wechatpay') {
      if (!clients.wechatpay) throw channelUnavailable();
      const transaction = await clients.wechatpay.queryOrder(outTradeNo);
      return transaction?.isPaid ? { amountFen: transaction.totalFen, channelTradeNo: transaction.transactionId ?? '', paidAt: transaction.successTime ? new Date(transaction.successTime) : context.clock.now() } : null;
    }
    if (!clients.alipay) throw channelUnavailable();
    const trade = await clients.alipay.queryTrade(outTradeNo);
    return trade?.isPaid ? { amountFen: trade.totalFen, channelTradeNo: trade.tradeNo, paidAt: trade.sendPayDate ? new Date(`${trade.sendPayDate.replace(' ', 'T')}+08:00`) : context.clock.now() } : null;
  } catch (error) {
    if (error instanceof PaymentChannelError) throw channelFailed(error);
    throw error;
  }
}

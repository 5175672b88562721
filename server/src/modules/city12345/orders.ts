/**
 * Work orders pushed by the city's 12345 hotline platform (政务服务便民热线): each becomes a service request
 * with channel city_12345, exactly once per order number. The order number is claimed in the database first
 * (its unique key), then the request is made, then the answer stored; a repeat of the same order gets the first
 * answer, the same number with other content is refused (409). A request made by a call that died before it
 * was recorded is found again by its maker's mark, so a retry never makes a second one.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import { createRequest, listCategories, stateName, type NewServiceRequest, type RequestState, type ServiceCategory } from '../service';
import type { Tenant } from '../tenancy';
import { isWithinWindow, NONCE_TTL_SECONDS, readSignatureHeaders, signatureMatches } from '../../platform/http/partner-signing';

export const ORDER_TYPES = ['consult', 'help', 'complaint', 'suggestion', 'praise'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];
const ORDER_TYPE_NAMES: Record<OrderType, string> = { consult: '咨询', help: '求助', complaint: '投诉', suggestion: '建议', praise: '表扬' };

export interface CityOrder {
  orderNo: string;
  orderType: OrderType;
  categoryText: string;
  categoryCode?: string | undefined;
  citizenName?: string | undefined;
  citizenPhone?: string | undefined;
  address?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  content: string;
  deadline: string;
  urgent?: boolean | undefined;
  receivedAt?: string | undefined;
}

export interface CityCall {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  remoteAddress: string | null;
}

// ---- the security log and signature checks ----

type Verdict = 'accepted' | 'duplicate' | 'answered' | 'refused';

export async function logCall(context: PlatformContext, tenantId: string, entry: { verdict: Verdict; reason: string | null; appId: string | null; orderNo: string | null; call: CityCall }, sql?: Sql): Promise<void> {
  const write = (target: Sql) =>
    target.query('INSERT INTO city_12345_calls (tenant_id, received_at, verdict, reason, app_id, order_no, method, path, remote_address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
      tenantId,
      context.clock.now(),
      entry.verdict,
      entry.reason,
      entry.appId,
      entry.orderNo,
      entry.call.method,
      entry.call.url.slice(0, 500),
      entry.call.remoteAddress,
    ]);
  if (sql) await write(sql);
  else await context.db.withTenant(tenantId, write);
}

const REFUSALS = {
  signature_missing: { zh: '缺少签名信息（应用标识、时间戳、随机串或签名）', en: 'The app id, timestamp, nonce or signature header is missing or malformed' },
  timestamp_out_of_window: { zh: '请求时间戳与服务器时间相差超过 300 秒', en: "The timestamp differs from the server's clock by more than 300 s" },
  unknown_app: { zh: '应用标识无效或已停用', en: 'Unknown or revoked app id' },
  signature_invalid: { zh: '签名校验失败', en: 'The signature does not verify' },
  nonce_replayed: { zh: '随机串已使用过（疑似重放）', en: 'The nonce was used before (replay)' },
} as const;

export interface Caller {
  appId: string;
  linkId: string;
}

/** Checks a call's signature; the calling link, or the refusal logged and thrown (401). */
export async function verifyCall(context: PlatformContext, tenant: Tenant, call: CityCall): Promise<Caller> {
  const refuse = async (reason: keyof typeof REFUSALS, appId: string | null): Promise<never> => {
    await logCall(context, tenant.id, { verdict: 'refused', reason, appId, orderNo: null, call });
    throw new DomainError('unauthenticated', reason, REFUSALS[reason].zh, REFUSALS[reason].en, []);
  };
  const signed = readSignatureHeaders(call.headers);
  if (!signed) return refuse('signature_missing', null);
  const now = context.clock.now();
  if (!isWithinWindow(signed.timestamp, now)) return refuse('timestamp_out_of_window', signed.appId);
  const [link] = await context.db.withTenant(tenant.id, (sql) =>
    sql.query<{ id: string; secret_encrypted: Uint8Array }>("SELECT id, secret_encrypted FROM city_12345_links WHERE app_id = $1 AND status = 'active'", [signed.appId]),
  );
  if (!link) return refuse('unknown_app', signed.appId);
  const parts = { appId: signed.appId, method: call.method, path: call.url, timestamp: signed.timestamp, nonce: signed.nonce, body: call.rawBody };
  if (!signatureMatches(context.cipher.decrypt(link.secret_encrypted), parts, signed.signature)) return refuse('signature_invalid', signed.appId);
  const fresh = await context.db.withTenant(tenant.id, async (sql) => {
    await sql.query('DELETE FROM city_12345_nonces WHERE seen_at < $1', [new Date(now.getTime() - NONCE_TTL_SECONDS * 1000)]);
    return sql.query('INSERT INTO city_12345_nonces (tenant_id, app_id, nonce, seen_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1', [tenant.id, signed.appId, signed.nonce, now]);
  });
  if (fresh.length === 0) return refuse('nonce_replayed', signed.appId);
  return { appId: signed.appId, linkId: link.id };
}

// ---- categories ----

/** The platform's classification (问题分类) words that send an order to the field, most specific first. */
const REPAIR_RULES: readonly (readonly [RegExp, string])[] = [
  [/爆管|爆裂|管道破裂|大量冒水/, 'burst'],
  [/水质|浑浊|发黄|黄水|异味|杂质|沉淀/, 'water_quality'],
  [/停水|没水|无水|断水/, 'no_water'],
  [/水压|水小|水流小/, 'low_pressure'],
  [/水表/, 'meter_fault'],
  [/漏水|渗水|冒水|跑水/, 'leak'],
];
const TYPE_CATEGORIES: Record<OrderType, string> = { consult: 'inquiry', help: 'inquiry', complaint: 'complaint', suggestion: 'suggestion', praise: 'praise' };

/**
 * The category of an order: the platform's categoryCode if it names an active category; else, for a request
 * for help or a complaint, the repair its classification names (漏水 → leak, 停水 → no_water, …); else the
 * desk category of its type (咨询 → inquiry, 投诉 → complaint, 建议 → suggestion, 表扬 → praise, 求助 → inquiry).
 */
export function categoryFor(order: Pick<CityOrder, 'orderType' | 'categoryText' | 'categoryCode'>, categories: readonly ServiceCategory[]): ServiceCategory | null {
  const active = new Map(categories.filter((category) => category.isActive).map((category) => [category.code, category]));
  if (order.categoryCode) return active.get(order.categoryCode) ?? null;
  if (order.orderType === 'help' || order.orderType === 'complaint') {
    for (const [pattern, code] of REPAIR_RULES) {
      if (pattern.test(order.categoryText) && active.has(code)) return active.get(code) ?? null;
    }
  }
  return active.get(TYPE_CATEGORIES[order.orderType]) ?? active.get('inquiry') ?? [...active.values()].find((category) => category.kind !== 'repair') ?? null;
}

// ---- receiving an order ----

export interface OrderAnswer {
  orderNo: string;
  requestNo: string;
  status: 'accepted';
  category: { code: string; name: string };
  receivedAt: string;
  /** When the utility will have closed the request (close or restore time limit), by its own rules. */
  deadline: string | null;
  cityDeadline: string;
}

const invalid = (field: string, zh: string, en: string) => new DomainError('validation', 'validation_failed', `${field}：${zh}`, `${field}: ${en}`, [{ field, zh, en }]);

/** The order's fields in a fixed order: what a repeat must match. */
function payloadHash(order: CityOrder): Buffer {
  const canonical = JSON.stringify(Object.keys(order).sort().filter((key) => order[key as keyof CityOrder] !== undefined).map((key) => [key, order[key as keyof CityOrder]]));
  return createHash('sha256').update(canonical).digest();
}

function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

const CLAIM_SECONDS = 30;

type Claim = { kind: 'new' | 'resume'; id: string } | { kind: 'done'; answer: OrderAnswer } | { kind: 'busy' };

async function claim(context: PlatformContext, tenant: Tenant, order: CityOrder, link: Caller, categoryId: string, hash: Buffer): Promise<Claim> {
  return context.db.withTenant(tenant.id, async (sql) => {
    const now = context.clock.now();
    const [inserted] = await sql.query<{ id: string }>(
      `INSERT INTO city_12345_orders (tenant_id, order_no, link_id, payload_hash, order_type, category_text, category_id, city_deadline, is_urgent, status, claimed_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'creating', $10, $10) ON CONFLICT (tenant_id, order_no) DO NOTHING RETURNING id`,
      [tenant.id, order.orderNo, link.linkId, hash, order.orderType, order.categoryText, categoryId, new Date(order.deadline), order.urgent ?? false, now],
    );
    if (inserted) return { kind: 'new', id: inserted.id };
    const [first] = await sql.query<{ id: string; payload_hash: Uint8Array; status: string; response: OrderAnswer | null; claimed_at: Date }>(
      'SELECT id, payload_hash, status, response, claimed_at FROM city_12345_orders WHERE order_no = $1 FOR UPDATE',
      [order.orderNo],
    );
    if (!first) throw new Error('the order vanished');
    if (!Buffer.from(first.payload_hash).equals(hash)) {
      throw new DomainError('conflict', 'order_no_conflict', '该工单编号已用于内容不同的工单', 'The orderNo was already used for an order with other content', [{ field: 'orderNo', zh: '与首次推送的内容不一致', en: 'differs from the order first sent' }]);
    }
    if (first.status === 'created' && first.response) return { kind: 'done', answer: first.response };
    if (first.claimed_at.getTime() > now.getTime() - CLAIM_SECONDS * 1000) return { kind: 'busy' };
    // The call that claimed it died: this one takes over.
    await sql.query('UPDATE city_12345_orders SET claimed_at = $2 WHERE id = $1', [first.id, now]);
    return { kind: 'resume', id: first.id };
  });
}

/** Receives an order: the request made once per order number, repeats answered with the first answer. */
export async function receiveOrder(context: PlatformContext, tenant: Tenant, link: Caller, order: CityOrder, call: CityCall): Promise<OrderAnswer> {
  try {
    if ((order.latitude === undefined) !== (order.longitude === undefined)) throw invalid(order.latitude === undefined ? 'latitude' : 'longitude', '经度和纬度须同时提供', 'latitude and longitude go together');
    if (!order.address && order.latitude === undefined) throw invalid('address', '请提供地址或经纬度', 'give an address, or a latitude and longitude');
    const categories = await listCategories(context, tenant.id);
    const category = categoryFor(order, categories);
    if (!category) {
      throw order.categoryCode
        ? invalid('categoryCode', '没有这个有效的工单类别', 'is not an active request category of the utility')
        : new DomainError('unprocessable', 'no_category', '供水单位没有可受理此类工单的类别', 'The utility has no active request category for this order', [{ field: 'orderType', zh: '无对应类别', en: 'no category' }]);
    }
    const hash = payloadHash(order);
    let claimed = await claim(context, tenant, order, link, category.id, hash);
    // Another call is making this order's request right now: wait for its answer (a few seconds at most).
    for (let waited = 0; claimed.kind === 'busy' && waited < 40; waited += 1) {
      await sleep(250);
      claimed = await claim(context, tenant, order, link, category.id, hash);
    }
    if (claimed.kind === 'busy') {
      throw new DomainError('conflict', 'order_in_progress', '该工单正在受理，请稍后用同一内容重试', 'The order is being received; retry shortly with the same content', [{ field: 'orderNo', zh: '正在受理', en: 'being received' }]);
    }
    if (claimed.kind === 'done') {
      await logCall(context, tenant.id, { verdict: 'duplicate', reason: null, appId: link.appId, orderNo: order.orderNo, call });
      return claimed.answer;
    }
    const mark = `city_12345:${order.orderNo}`;
    const earlier =
      claimed.kind === 'resume'
        ? await context.db.withTenant(tenant.id, (sql) => sql.query<{ id: string; request_no: string }>("SELECT id, request_no FROM service_requests WHERE created_by = $1 AND channel = 'city_12345'", [mark]))
        : [];
    const made = earlier[0] ? null : await makeRequest(context, tenant, order, category, mark, link);
    const requestId = earlier[0]?.id ?? made?.id;
    const requestNo = earlier[0]?.request_no ?? made?.requestNo;
    if (!requestId || !requestNo) throw new Error('no request was made');
    return await context.db.withTenant(tenant.id, async (sql) => {
      const [due] = await sql.query<{ due_at: Date }>("SELECT due_at FROM service_request_deadlines WHERE request_id = $1 AND time_limit IN ('close', 'restore') ORDER BY due_at DESC LIMIT 1", [requestId]);
      const [row] = await sql.query<{ received_at: Date }>('SELECT received_at FROM city_12345_orders WHERE id = $1', [claimed.id]);
      const answer: OrderAnswer = {
        orderNo: order.orderNo,
        requestNo,
        status: 'accepted',
        category: { code: category.code, name: category.name },
        receivedAt: (row?.received_at ?? context.clock.now()).toISOString(),
        deadline: due?.due_at.toISOString() ?? null,
        cityDeadline: new Date(order.deadline).toISOString(),
      };
      await sql.query("UPDATE city_12345_orders SET status = 'created', request_id = $2, response = $3::jsonb WHERE id = $1", [claimed.id, requestId, JSON.stringify(answer)]);
      // Answers given before the order was linked (a moment's window) are queued as the trigger would have.
      await sql.query(
        `INSERT INTO city_12345_replies (tenant_id, order_id, request_id, event_id, kind, content, handled_by, handled_at, next_attempt_at, created_at)
         SELECT $1, $2, e.request_id, e.id, e.step, coalesce(nullif(btrim(e.note), ''), CASE e.step WHEN 'respond' THEN '已答复' WHEN 'close' THEN '已办结' ELSE '已撤销' END), e.actor, e.at, e.at, e.at
         FROM service_request_events e WHERE e.request_id = $3 AND e.step IN ('respond', 'close', 'cancel')
         ON CONFLICT DO NOTHING`,
        [tenant.id, claimed.id, requestId],
      );
      await logCall(context, tenant.id, { verdict: 'accepted', reason: null, appId: link.appId, orderNo: order.orderNo, call }, sql);
      return answer;
    });
  } catch (error) {
    if (error instanceof DomainError) await logCall(context, tenant.id, { verdict: 'refused', reason: error.code, appId: link.appId, orderNo: order.orderNo, call });
    throw error;
  }
}

async function makeRequest(context: PlatformContext, tenant: Tenant, order: CityOrder, category: ServiceCategory, mark: string, link: Caller) {
  const head = [
    `【12345 工单】${order.orderNo}（${ORDER_TYPE_NAMES[order.orderType]}｜${order.categoryText}）${order.urgent ? '【紧急】' : ''}`,
    `【市平台办结时限】${localTime(order.deadline, tenant.timeZone)}`,
  ];
  const input = {
    categoryId: category.id,
    channel: 'city_12345',
    ...(order.address ? { address: order.address } : {}),
    ...(order.latitude !== undefined && order.longitude !== undefined ? { latitude: order.latitude, longitude: order.longitude } : {}),
    description: `${head.join('\n')}\n${order.content}`,
    ...(order.citizenName ? { contactName: order.citizenName } : {}),
    ...(order.citizenPhone ? { contactPhone: order.citizenPhone } : {}),
  } satisfies NewServiceRequest;
  const actor: Actor = { type: 'system', id: null, name: `12345 热线平台（${link.appId}）`, ip: null };
  return createRequest(context, tenant.id, input, { channel: 'city_12345', createdBy: mark }, actor);
}

// ---- status ----

export type OrderStatus = 'received' | 'in_progress' | 'responded' | 'closed' | 'returned';

export interface OrderView {
  orderNo: string;
  requestNo: string;
  status: OrderStatus;
  state: RequestState;
  stateName: string;
  category: { code: string; name: string };
  receivedAt: string;
  cityDeadline: string;
  deadline: string | null;
  isOverdue: boolean;
  updatedAt: string;
  closedAt: string | null;
  replies: { replyId: string; kind: 'respond' | 'close' | 'cancel'; result: string; handledBy: string; handledAt: string; delivery: 'pending' | 'sent' | 'failed'; deliveredAt: string | null }[];
}

export function statusOf(state: RequestState): OrderStatus {
  if (state === 'submitted') return 'received';
  if (state === 'responded') return 'responded';
  if (state === 'closed') return 'closed';
  if (state === 'cancelled') return 'returned';
  return 'in_progress';
}

const orderNotFound = () => new DomainError('not_found', 'order_not_found', '工单不存在', 'No order with that number', [{ field: 'orderNo', zh: '不存在', en: 'no such order' }]);

/** Where an order stands: the request's state, the deadlines, and the replies with their delivery. */
export async function orderStatus(context: PlatformContext, tenant: Tenant, link: Caller, orderNo: string, call: CityCall): Promise<OrderView> {
  const now = context.clock.now();
  const view = await context.db.withTenant(tenant.id, async (sql) => {
    const [row] = await sql.query<{ id: string; order_no: string; request_no: string; state: RequestState; code: string; name: string; received_at: Date; city_deadline: Date; updated_at: Date; closed_at: Date | null; due_at: Date | null }>(
      `SELECT o.id, o.order_no, r.request_no, r.state, c.code, c.name, o.received_at, o.city_deadline, r.updated_at, r.closed_at,
         (SELECT d.due_at FROM service_request_deadlines d WHERE d.request_id = r.id AND d.time_limit IN ('close', 'restore') ORDER BY d.due_at DESC LIMIT 1) AS due_at
       FROM city_12345_orders o JOIN service_requests r ON r.id = o.request_id JOIN service_categories c ON c.id = r.category_id
       WHERE o.order_no = $1`,
      [orderNo],
    );
    if (!row) return null;
    const replies = await sql.query<{ id: string; kind: 'respond' | 'close' | 'cancel'; content: string; handled_by: string; handled_at: Date; status: 'pending' | 'sent' | 'failed'; sent_at: Date | null }>(
      'SELECT id, kind, content, handled_by, handled_at, status, sent_at FROM city_12345_replies WHERE order_id = $1 ORDER BY created_at, id',
      [row.id],
    );
    const isOpen = row.state !== 'closed' && row.state !== 'cancelled';
    return {
      orderNo: row.order_no,
      requestNo: row.request_no,
      status: statusOf(row.state),
      state: row.state,
      stateName: stateName(row.state),
      category: { code: row.code, name: row.name },
      receivedAt: row.received_at.toISOString(),
      cityDeadline: row.city_deadline.toISOString(),
      deadline: row.due_at?.toISOString() ?? null,
      isOverdue: isOpen && (now > row.city_deadline || (row.due_at !== null && now > row.due_at)),
      updatedAt: row.updated_at.toISOString(),
      closedAt: row.closed_at?.toISOString() ?? null,
      replies: replies.map((reply) => ({ replyId: reply.id, kind: reply.kind, result: reply.content, handledBy: reply.handled_by, handledAt: reply.handled_at.toISOString(), delivery: reply.status, deliveredAt: reply.sent_at?.toISOString() ?? null })),
    } satisfies OrderView;
  });
  await logCall(context, tenant.id, { verdict: view ? 'answered' : 'refused', reason: view ? null : 'order_not_found', appId: link.appId, orderNo, call });
  if (!view) throw orderNotFound();
  return view;
}

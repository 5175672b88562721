/**
 * Routes (抄表本): accounts in walk order, the reader and collector assigned to each, rotation, and the
 * reader's sheet for a month.
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import { selectText, type Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { maskPersonName } from '../../platform/masking';
import { loadMeterStates, METER_INFO_COLUMNS, toMeterInfo } from './history';
import { expectedOf, tenantToday } from './readings';
import { READING_COLUMNS, toReading, type ReadingRow } from './rows';
import type { NewAssignment, NewRoute, RouteDetail, RoutePatch, RouteSummary, Sheet } from './schemas';
import { addDays, addMonths } from './units';
import { checkAssignment, proposeReader, rotationOf, type Assignment, type Candidate } from './rotation';
import { loadTenantSettings, type ReadingSettings } from '../tenancy';

const ROUTE = { zh: '抄表本', en: 'Route' };

interface RouteRow {
  id: string;
  code: string;
  name: string;
  reading_day: number;
  service_hall_id: string | null;
  is_active: boolean;
  accounts: number;
}

interface AssignmentRow {
  id: string;
  route_id: string;
  staff_id: string;
  staff_name: string;
  duty: 'reader' | 'collector';
  starts_on: string;
  ends_on: string | null;
}

const ROUTE_COLUMNS = `rr.id, rr.code, rr.name, rr.reading_day, rr.service_hall_id, rr.is_active,
  (SELECT count(*)::int FROM route_accounts ra WHERE ra.route_id = rr.id) AS accounts`;

const toAssignment = (row: AssignmentRow): Assignment & { id: string; staffName: string } => ({
  id: row.id,
  staffId: row.staff_id,
  staffName: row.staff_name,
  duty: row.duty,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
});

async function assignmentsOf(sql: Sql, routeIds: string[]): Promise<Map<string, ReturnType<typeof toAssignment>[]>> {
  const rows = await sql.query<AssignmentRow>(
    `SELECT a.id, a.route_id, a.staff_id, s.display_name AS staff_name, a.duty, a.starts_on, a.ends_on
     FROM route_assignments a JOIN staff s ON s.id = a.staff_id JOIN unnest($1::uuid[]) AS w(id) ON w.id = a.route_id
     ORDER BY a.starts_on, a.created_at`,
    [routeIds],
  );
  const result = new Map<string, ReturnType<typeof toAssignment>[]>();
  for (const row of rows) {
    const list = result.get(row.route_id) ?? [];
    list.push(toAssignment(row));
    result.set(row.route_id, list);
  }
  return result;
}

function summarise(row: RouteRow, assignments: ReturnType<typeof toAssignment>[], today: string, rules: ReadingSettings): RouteSummary {
  const rotation = rotationOf(assignments, today, rules.rotationTermMonths, rules.rotationNoticeDays);
  const current = (duty: 'reader' | 'collector') => {
    const found = assignments
      .filter((assignment) => assignment.duty === duty && assignment.startsOn <= today && (assignment.endsOn === null || assignment.endsOn >= today))
      .at(-1);
    return found ? { id: found.staffId, displayName: found.staffName } : null;
  };
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    readingDay: row.reading_day,
    serviceHallId: row.service_hall_id,
    isActive: row.is_active,
    accounts: row.accounts,
    reader: current('reader'),
    collector: current('collector'),
    termStartedOn: rotation.termStartedOn,
    termEndsOn: rotation.termEndsOn,
    isDueForRotation: rotation.isDue,
    isOverdue: rotation.isOverdue,
  };
}

async function summaries(context: PlatformContext, sql: Sql, where: string, params: unknown[]): Promise<RouteSummary[]> {
  const rows = await sql.query<RouteRow>(`SELECT ${ROUTE_COLUMNS} FROM reading_routes rr ${where} ORDER BY rr.code`, params);
  const today = await tenantToday(context, sql);
  const assignments = await assignmentsOf(sql, rows.map((row) => row.id));
  const rules = (await loadTenantSettings(sql)).reading;
  return rows.map((row) => summarise(row, assignments.get(row.id) ?? [], today, rules));
}

async function requireRoute(context: PlatformContext, sql: Sql, id: string, forUpdate = false): Promise<RouteSummary> {
  if (forUpdate) await sql.query('SELECT 1 FROM reading_routes WHERE id = $1 FOR UPDATE', [id]);
  const [route] = await summaries(context, sql, 'WHERE rr.id = $1', [id]);
  if (!route) throw notFound(ROUTE);
  return route;
}

export async function listRoutes(context: PlatformContext, tenantId: string): Promise<RouteSummary[]> {
  return context.db.withTenant(tenantId, (sql) => summaries(context, sql, '', []));
}

async function routeDetail(context: PlatformContext, sql: Sql, id: string): Promise<RouteDetail> {
  const route = await requireRoute(context, sql, id);
  const accounts = await sql.query<{ walk_order: number; account_id: string; account_no: string; name: string; kind: string; full_address: string; status: string; serial_no: string | null }>(
    `SELECT ra.walk_order, a.id AS account_id, a.account_no, c.name, c.kind, p.full_address, a.status,
       (SELECT m.serial_no FROM meters m WHERE m.premise_id = a.premise_id AND m.status = 'installed' ORDER BY m.installed_on DESC LIMIT 1) AS serial_no
     FROM route_accounts ra JOIN accounts a ON a.id = ra.account_id JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
     WHERE ra.route_id = $1 ORDER BY ra.walk_order`,
    [id],
  );
  const assignments = (await assignmentsOf(sql, [id])).get(id) ?? [];
  return {
    route,
    accounts: accounts.map((row) => ({
      walkOrder: row.walk_order,
      accountId: row.account_id,
      accountNo: row.account_no,
      holderName: row.kind === 'organisation' ? row.name : maskPersonName(row.name),
      address: row.full_address,
      accountStatus: row.status,
      meterSerial: row.serial_no,
    })),
    assignments: assignments.map(({ id: assignmentId, staffId, staffName, duty, startsOn, endsOn }) => ({ id: assignmentId, staffId, staffName, duty, startsOn, endsOn })),
    termMonths: (await loadTenantSettings(sql)).reading.rotationTermMonths,
  };
}

export async function getRoute(context: PlatformContext, tenantId: string, id: string): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, (sql) => routeDetail(context, sql, id));
}

async function checkHall(sql: Sql, hallId: string | null | undefined): Promise<void> {
  if (!hallId) return;
  const rows = await sql.query('SELECT 1 FROM service_halls WHERE id = $1', [hallId]);
  if (rows.length === 0) throw notFound({ zh: '营业厅', en: 'Service hall' });
}

export async function createRoute(context: PlatformContext, tenantId: string, input: NewRoute, actor: Actor): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    await checkHall(sql, input.serviceHallId);
    const taken = await sql.query('SELECT 1 FROM reading_routes WHERE code = $1', [input.code]);
    if (taken.length > 0) throw new DomainError('conflict', 'route_code_taken', '抄表本编号已存在', 'A route with this code already exists', [{ field: 'code', zh: '编号已存在', en: 'already exists' }]);
    const rows = await sql.query<{ id: string }>(
      'INSERT INTO reading_routes (tenant_id, code, name, reading_day, service_hall_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [tenantId, input.code, input.name, input.readingDay ?? 1, input.serviceHallId ?? null, context.clock.now()],
    );
    const id = (rows[0] as { id: string }).id;
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'route.create', objectType: 'route', objectId: id, after: { ...input } });
    return routeDetail(context, sql, id);
  });
}

export async function updateRoute(context: PlatformContext, tenantId: string, id: string, patch: RoutePatch, actor: Actor): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await requireRoute(context, sql, id, true);
    await checkHall(sql, patch.serviceHallId);
    await sql.query('UPDATE reading_routes SET name = $2, reading_day = $3, service_hall_id = $4, is_active = $5 WHERE id = $1', [
      id,
      patch.name ?? current.name,
      patch.readingDay ?? current.readingDay,
      patch.serviceHallId === undefined ? current.serviceHallId : patch.serviceHallId,
      patch.isActive ?? current.isActive,
    ]);
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'route.update',
      objectType: 'route',
      objectId: id,
      before: { name: current.name, readingDay: current.readingDay, serviceHallId: current.serviceHallId, isActive: current.isActive },
      after: { ...patch },
    });
    return routeDetail(context, sql, id);
  });
}

/** Rewrites a route's walk order as 1..n in the given order (the unique order constraint is deferred). */
async function writeWalkOrder(sql: Sql, tenantId: string, routeId: string, accountIds: readonly string[]): Promise<void> {
  await sql.query('DELETE FROM route_accounts WHERE route_id = $1', [routeId]);
  if (accountIds.length === 0) return;
  await sql.query(
    `INSERT INTO route_accounts (tenant_id, route_id, account_id, walk_order)
     SELECT $1, $2, t.account_id, t.n FROM unnest($3::uuid[]) WITH ORDINALITY AS t(account_id, n)`,
    [tenantId, routeId, accountIds],
  );
}

async function currentOrder(sql: Sql, routeId: string): Promise<string[]> {
  const rows = await sql.query<{ account_id: string }>('SELECT account_id FROM route_accounts WHERE route_id = $1 ORDER BY walk_order', [routeId]);
  return rows.map((row) => row.account_id);
}

/** Appends accounts to the end of the walk order; accounts on another route move here. */
export async function addRouteAccounts(context: PlatformContext, tenantId: string, id: string, request: { accountIds?: string[] | undefined; accountNos?: string[] | undefined }, actor: Actor): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    await appendRouteAccounts(context, sql, tenantId, id, request, actor);
    return routeDetail(context, sql, id);
  });
}

/** addRouteAccounts in the caller's transaction (a new connection puts its account on a route with its other effects). */
export async function appendRouteAccounts(context: PlatformContext, sql: Sql, tenantId: string, id: string, request: { accountIds?: string[] | undefined; accountNos?: string[] | undefined }, actor: Actor): Promise<void> {
  await requireRoute(context, sql, id, true);
  const ids = request.accountIds ?? [];
  const numbers = request.accountNos ?? [];
  if (ids.length + numbers.length === 0) throw new DomainError('validation', 'validation_failed', '请至少选择一个账户', 'Name at least one account', [{ field: 'accountIds', zh: '至少一个', en: 'at least one is required' }]);
  const found = await sql.query<{ id: string; account_no: string; route_id: string | null }>(
    `SELECT a.id, a.account_no, ra.route_id FROM accounts a LEFT JOIN route_accounts ra ON ra.account_id = a.id
     WHERE a.id = ANY($1::uuid[]) OR a.account_no = ANY($2::text[])`,
    [ids, numbers],
  );
  const missing = [...ids.filter((value) => !found.some((row) => row.id === value)), ...numbers.filter((value) => !found.some((row) => row.account_no === value))];
  if (missing.length > 0) {
    throw new DomainError('not_found', 'not_found', `账户不存在：${missing.slice(0, 5).join('、')}`, `No such account: ${missing.slice(0, 5).join(', ')}`, [{ field: ids.length > 0 ? 'accountIds' : 'accountNos', zh: '账户不存在', en: 'no such account' }]);
  }
  const moved = found.filter((row) => row.route_id && row.route_id !== id);
  for (const routeId of new Set(moved.map((row) => row.route_id as string))) {
    const remaining = (await currentOrder(sql, routeId)).filter((accountId) => !found.some((row) => row.id === accountId));
    await writeWalkOrder(sql, tenantId, routeId, remaining);
  }
  const order = (await currentOrder(sql, id)).filter((accountId) => !found.some((row) => row.id === accountId));
  await writeWalkOrder(sql, tenantId, id, [...order, ...found.map((row) => row.id)]);
  await recordAudit(sql, tenantId, actor, context.clock.now(), {
    action: 'route.accounts.add',
    objectType: 'route',
    objectId: id,
    after: { accountNos: found.map((row) => row.account_no), movedFrom: [...new Set(moved.map((row) => row.route_id))] },
  });
}

export async function removeRouteAccount(context: PlatformContext, tenantId: string, id: string, accountId: string, actor: Actor): Promise<void> {
  await context.db.withTenant(tenantId, async (sql) => {
    await requireRoute(context, sql, id, true);
    const order = await currentOrder(sql, id);
    if (!order.includes(accountId)) throw notFound({ zh: '抄表本中的账户', en: 'Account on this route' });
    await writeWalkOrder(sql, tenantId, id, order.filter((value) => value !== accountId));
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'route.accounts.remove', objectType: 'route', objectId: id, before: { accountId } });
  });
}

/**
 * Takes an account off whatever route it is on, in the caller's transaction (its meter was removed: nothing
 * is left to read). Nothing happens when it is on none. Audited like a clerk's removal.
 */
export async function dropAccountFromRoute(context: PlatformContext, sql: Sql, tenantId: string, accountId: string, actor: Actor): Promise<string | null> {
  const [on] = await sql.query<{ route_id: string }>('SELECT route_id FROM route_accounts WHERE account_id = $1', [accountId]);
  if (!on) return null;
  await requireRoute(context, sql, on.route_id, true);
  await writeWalkOrder(sql, tenantId, on.route_id, (await currentOrder(sql, on.route_id)).filter((value) => value !== accountId));
  await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'route.accounts.remove', objectType: 'route', objectId: on.route_id, before: { accountId } });
  return on.route_id;
}

/** Sets the whole walk order: the same accounts as the route has, in the new order. */
export async function setWalkOrder(context: PlatformContext, tenantId: string, id: string, accountIds: string[], actor: Actor): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    await requireRoute(context, sql, id, true);
    const order = await currentOrder(sql, id);
    const given = new Set(accountIds);
    if (given.size !== accountIds.length || given.size !== order.length || order.some((accountId) => !given.has(accountId))) {
      throw new DomainError('validation', 'validation_failed', '顺序须包含本抄表本的全部账户，且每户一次', 'The order must list every account of the route exactly once', [
        { field: 'accountIds', zh: '须包含全部账户各一次', en: 'must list every account of the route once' },
      ]);
    }
    await writeWalkOrder(sql, tenantId, id, accountIds);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'route.walk_order', objectType: 'route', objectId: id, before: { order }, after: { order: accountIds } });
    return routeDetail(context, sql, id);
  });
}

async function staffRoles(sql: Sql, staffId: string): Promise<{ displayName: string; roles: string[]; isActive: boolean } | null> {
  const rows = await sql.query<{ display_name: string; is_active: boolean; roles: string[] | null }>(
    'SELECT s.display_name, s.is_active, (SELECT array_agg(r.role) FROM staff_roles r WHERE r.staff_id = s.id) AS roles FROM staff s WHERE s.id = $1',
    [staffId],
  );
  const row = rows[0];
  return row ? { displayName: row.display_name, roles: row.roles ?? [], isActive: row.is_active } : null;
}

/** Assigns a reader or collector from a date, checking rotation and segregation (rotation.ts). */
export async function assignStaff(context: PlatformContext, tenantId: string, id: string, input: NewAssignment, actor: Actor): Promise<RouteDetail> {
  return context.db.withTenant(tenantId, async (sql) => {
    await requireRoute(context, sql, id, true);
    const member = await staffRoles(sql, input.staffId);
    if (!member) throw notFound({ zh: '员工', en: 'Staff member' });
    const role = input.duty === 'reader' ? 'meter_reader' : 'collector';
    if (!member.isActive || !member.roles.includes(role)) {
      throw new DomainError('validation', 'validation_failed', input.duty === 'reader' ? '只能指派在职的抄表员' : '只能指派在职的催收员', input.duty === 'reader' ? 'Only an active meter reader can read a route' : 'Only an active collector can collect on a route', [
        { field: 'staffId', zh: input.duty === 'reader' ? '不是抄表员' : '不是催收员', en: input.duty === 'reader' ? 'is not a meter reader' : 'is not a collector' },
      ]);
    }
    const existing = (await assignmentsOf(sql, [id])).get(id) ?? [];
    const proposed: Assignment = { staffId: input.staffId, duty: input.duty, startsOn: input.startsOn, endsOn: input.endsOn ?? null };
    const { problems, closes } = checkAssignment(existing, proposed, (await loadTenantSettings(sql)).reading.rotationTermMonths);
    if (problems.length > 0) {
      const first = problems[0] as (typeof problems)[number];
      throw new DomainError('validation', 'rotation_rule', first.zh, first.en, problems);
    }
    if (closes?.id) await sql.query('UPDATE route_assignments SET ends_on = $2 WHERE id = $1', [closes.id, closes.endsOn]);
    const rows = await sql.query<{ id: string }>(
      'INSERT INTO route_assignments (tenant_id, route_id, staff_id, duty, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [tenantId, id, input.staffId, input.duty, input.startsOn, input.endsOn ?? null, context.clock.now()],
    );
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'route.assign',
      objectType: 'route',
      objectId: id,
      after: { assignmentId: rows[0]?.id, staff: member.displayName, ...input, closedAssignment: closes?.id ?? null },
    });
    return routeDetail(context, sql, id);
  });
}

/** For each route due for rotation, the proposed next reader (rotation.ts proposeReader). */
export async function rotationProposal(context: PlatformContext, tenantId: string): Promise<{ route: RouteSummary; proposedReader: { id: string; displayName: string } | null; startsOn: string; reason: { zh: string; en: string } }[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const routes = await summaries(context, sql, 'WHERE rr.is_active', []);
    const today = await tenantToday(context, sql);
    const due = routes.filter((route) => route.isDueForRotation);
    const { rotationTermMonths } = (await loadTenantSettings(sql)).reading;
    const allAssignments = await assignmentsOf(sql, due.map((route) => route.id));
    const readers = await sql.query<{ id: string; display_name: string }>(
      "SELECT s.id, s.display_name FROM staff s WHERE s.is_active AND EXISTS (SELECT 1 FROM staff_roles r WHERE r.staff_id = s.id AND r.role = 'meter_reader')",
    );
    const load = new Map<string, number>();
    for (const route of routes) if (route.reader) load.set(route.reader.id, (load.get(route.reader.id) ?? 0) + 1);
    const candidates: Candidate[] = readers.map((row) => ({ staffId: row.id, displayName: row.display_name, currentRoutes: load.get(row.id) ?? 0 }));
    return due.map((route) => {
      const proposal = proposeReader(allAssignments.get(route.id) ?? [], candidates, today, rotationTermMonths);
      const startsOn = route.termEndsOn && route.termEndsOn >= today ? addDays(route.termEndsOn, 1) : addDays(today, 1);
      if (proposal) {
        // Spread the proposals: the chosen reader now carries one more route.
        const chosen = candidates.find((candidate) => candidate.staffId === proposal.staffId);
        if (chosen) chosen.currentRoutes += 1;
      }
      return {
        route,
        proposedReader: proposal ? { id: proposal.staffId, displayName: proposal.displayName } : null,
        startsOn,
        reason: route.isOverdue
          ? { zh: `任期已于 ${route.termEndsOn} 届满`, en: `the term ended on ${route.termEndsOn}` }
          : { zh: `任期将于 ${route.termEndsOn} 届满`, en: `the term ends on ${route.termEndsOn}` },
      };
    });
  });
}

/** Routes the staff member reads today, with this month's progress. */
export async function myRoutes(context: PlatformContext, tenantId: string, staffId: string): Promise<{ route: RouteSummary; period: string; total: number; done: number }[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const today = await tenantToday(context, sql);
    const routes = await summaries(
      context,
      sql,
      "WHERE rr.is_active AND EXISTS (SELECT 1 FROM route_assignments a WHERE a.route_id = rr.id AND a.staff_id = $1 AND a.duty = 'reader' AND a.starts_on <= $2 AND (a.ends_on IS NULL OR a.ends_on >= $2))",
      [staffId, today],
    );
    const period = today.slice(0, 7);
    const progress = await periodProgress(sql, routes.map((route) => route.id), period);
    return routes.map((route) => ({ route, period, total: route.accounts, done: progress.get(route.id) ?? 0 }));
  });
}

const periodBounds = (period: string): [string, string] => {
  const start = `${period}-01`;
  return [start, addDays(addMonths(start, 1), -1)];
};

async function periodProgress(sql: Sql, routeIds: string[], period: string): Promise<Map<string, number>> {
  const [from, to] = periodBounds(period);
  const rows = await sql.query<{ route_id: string; done: number }>(
    `SELECT ra.route_id, count(DISTINCT ra.account_id)::int AS done
     FROM route_accounts ra JOIN unnest($1::uuid[]) AS w(id) ON w.id = ra.route_id
     JOIN readings r ON r.account_id = ra.account_id AND r.read_on BETWEEN $2::date AND $3::date AND r.status <> 'rejected'
     GROUP BY ra.route_id`,
    [routeIds, from, to],
  );
  return new Map(rows.map((row) => [row.route_id, row.done]));
}

/** The reader's sheet: accounts in walk order with the last reading, the expected range and this month's entry. */
export async function routeSheet(context: PlatformContext, tenantId: string, id: string, period: string | undefined): Promise<Sheet> {
  return context.db.withTenant(tenantId, async (sql) => {
    const route = await requireRoute(context, sql, id);
    const today = await tenantToday(context, sql);
    const month = period ?? today.slice(0, 7);
    const [from, to] = periodBounds(month);
    const accounts = await sql.query<{ walk_order: number; account_id: string; account_no: string; name: string; kind: string; full_address: string; premise_id: string }>(
      `SELECT ra.walk_order, a.id AS account_id, a.account_no, c.name, c.kind, p.full_address, a.premise_id
       FROM route_accounts ra JOIN accounts a ON a.id = ra.account_id JOIN customers c ON c.id = a.customer_id JOIN premises p ON p.id = a.premise_id
       WHERE ra.route_id = $1 ORDER BY ra.walk_order`,
      [id],
    );
    const meterRows = await selectText(
      sql,
      undefined,
      `SELECT DISTINCT ON (m.premise_id) ${METER_INFO_COLUMNS} FROM meters m JOIN unnest($1::uuid[]) AS w(id) ON w.id = m.premise_id
       ORDER BY m.premise_id, m.status = 'installed' DESC, m.installed_on DESC NULLS LAST`,
      [accounts.map((row) => row.premise_id)],
    );
    const meterAt = new Map(meterRows.map((fields) => [fields[2] as string, toMeterInfo(fields)]));
    const current = await sql.query<ReadingRow>(
      `SELECT DISTINCT ON (r.account_id) ${READING_COLUMNS} FROM readings r JOIN unnest($1::uuid[]) AS w(id) ON w.id = r.account_id
       WHERE r.read_on BETWEEN $2::date AND $3::date AND r.status <> 'rejected' ORDER BY r.account_id, r.read_on DESC, r.created_at DESC`,
      [accounts.map((row) => row.account_id), from, to],
    );
    const currentOf = new Map(current.map((row) => [row.account_id, row]));
    // The state before this month: what the reader compares with.
    const meters = [...meterAt.values()];
    const accountOfMeter = new Map(accounts.flatMap((row) => (meterAt.get(row.premise_id) ? [[(meterAt.get(row.premise_id) as { id: string }).id, row.account_id] as [string, string]] : [])));
    const asOf = new Map(meters.map((meter) => [meter.id, from]));
    const states = await loadMeterStates(sql, meters, accountOfMeter, asOf, { before: from });
    const lastStatus = await sql.query<{ meter_id: string; status: 'accepted' | 'estimated' }>(
      `SELECT DISTINCT ON (r.meter_id) r.meter_id, r.status FROM readings r JOIN unnest($1::uuid[]) AS w(id) ON w.id = r.meter_id
       WHERE r.read_on < $2::date AND r.read_on >= $3::date AND r.status IN ('accepted', 'estimated') ORDER BY r.meter_id, r.read_on DESC, r.created_at DESC`,
      [meters.map((meter) => meter.id), from, addDays(from, -400)],
    );
    const statusOf = new Map(lastStatus.map((row) => [row.meter_id, row.status]));
    const readOn = today >= from && today <= to ? today : to;
    const items = accounts.map((row) => {
      const meter = meterAt.get(row.premise_id) ?? null;
      const state = meter ? states.get(meter.id) : undefined;
      const previous = state?.previous ?? null;
      const reading = currentOf.get(row.account_id);
      return {
        walkOrder: row.walk_order,
        accountId: row.account_id,
        accountNo: row.account_no,
        holderName: row.kind === 'organisation' ? row.name : maskPersonName(row.name),
        address: row.full_address,
        meter: meter ? { id: meter.id, serialNo: meter.serialNo, sizeDn: meter.sizeDn, status: meter.status } : null,
        last: previous ? { readOn: previous.readOn, registerLitres: previous.registerLitres, status: statusOf.get(meter?.id ?? '') ?? 'accepted' } : null,
        expected: state ? expectedOf(state, readOn) : null,
        current: reading ? toReading(reading) : null,
      };
    });
    return { route, period: month, today, total: items.length, done: items.filter((item) => item.current).length, items };
  });
}

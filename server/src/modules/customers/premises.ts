import { changedFields, recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { notFound, staleVersion } from '../../platform/errors';
import { PREMISE_COLUMNS, toMicroDegrees, toPremise, type PremiseRow } from './rows';
import type { NewPremise, Premise, PremisePatch } from './schemas';

const PREMISE = { zh: '用水地址', en: 'Premise' };
const auditView = ({ id: _id, version: _version, fullAddress: _full, ...rest }: Premise) => rest;

export async function findPremise(sql: Sql, id: string, forUpdate = false): Promise<Premise> {
  const rows = await sql.query<PremiseRow>(`SELECT ${PREMISE_COLUMNS} FROM premises WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
  if (!rows[0]) throw notFound(PREMISE);
  return toPremise(rows[0]);
}

export async function getPremise(context: PlatformContext, tenantId: string, id: string): Promise<Premise> {
  return context.db.withTenant(tenantId, (sql) => findPremise(sql, id));
}

/** The customer currently served at a premise, for the audit trail of the customer 360. */
async function customerAtPremise(sql: Sql, premiseId: string): Promise<string | null> {
  const rows = await sql.query<{ customer_id: string }>(
    "SELECT customer_id FROM accounts WHERE premise_id = $1 ORDER BY status = 'closed', opened_on DESC LIMIT 1",
    [premiseId],
  );
  return rows[0]?.customer_id ?? null;
}

export async function insertPremise(context: PlatformContext, sql: Sql, tenantId: string, input: NewPremise): Promise<Premise> {
  const rows = await sql.query<PremiseRow>(
    `INSERT INTO premises (tenant_id, district, street, address, building_type, latitude_e6, longitude_e6, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING ${PREMISE_COLUMNS}`,
    [tenantId, input.district, input.street, input.address, input.buildingType ?? 'residential', toMicroDegrees(input.latitude), toMicroDegrees(input.longitude), context.clock.now()],
  );
  return toPremise(rows[0] as PremiseRow);
}

export async function createPremise(context: PlatformContext, tenantId: string, input: NewPremise, actor: Actor): Promise<Premise> {
  return context.db.withTenant(tenantId, async (sql) => {
    const premise = await insertPremise(context, sql, tenantId, input);
    await recordAudit(sql, tenantId, actor, context.clock.now(), { action: 'premise.create', objectType: 'premise', objectId: premise.id, after: auditView(premise) });
    return premise;
  });
}

export async function updatePremise(context: PlatformContext, tenantId: string, id: string, patch: PremisePatch, actor: Actor): Promise<Premise> {
  return context.db.withTenant(tenantId, async (sql) => {
    const current = await findPremise(sql, id, true);
    if (current.version !== patch.version) throw staleVersion();
    const rows = await sql.query<PremiseRow>(
      `UPDATE premises SET district = $2, street = $3, address = $4, building_type = $5, latitude_e6 = $6, longitude_e6 = $7,
         version = version + 1, updated_at = $8 WHERE id = $1 RETURNING ${PREMISE_COLUMNS}`,
      [
        id,
        patch.district ?? current.district,
        patch.street ?? current.street,
        patch.address ?? current.address,
        patch.buildingType ?? current.buildingType,
        toMicroDegrees(patch.latitude === undefined ? current.latitude : patch.latitude),
        toMicroDegrees(patch.longitude === undefined ? current.longitude : patch.longitude),
        context.clock.now(),
      ],
    );
    const updated = toPremise(rows[0] as PremiseRow);
    const diff = changedFields(auditView(current), auditView(updated));
    if (diff) {
      await recordAudit(sql, tenantId, actor, context.clock.now(), {
        action: 'premise.update',
        objectType: 'premise',
        objectId: id,
        customerId: await customerAtPremise(sql, id),
        ...diff,
      });
    }
    return updated;
  });
}

/** Districts and their streets as used so far, for address pickers. */
export async function listDistricts(context: PlatformContext, tenantId: string): Promise<{ name: string; streets: string[] }[]> {
  const rows = await context.db.withTenant(tenantId, (sql) =>
    sql.query<{ district: string; streets: string[] }>(
      'SELECT district, array_agg(DISTINCT street ORDER BY street) AS streets FROM premises GROUP BY district ORDER BY district',
    ),
  );
  return rows.map((row) => ({ name: row.district, streets: row.streets }));
}

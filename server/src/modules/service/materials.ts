/**
 * Materials used on repairs (材料): the utility's small catalogue, each material counted in whole numbers of
 * its smallest sensible unit (pipe in centimetres, fittings and meters in pieces; never a fraction), and the
 * lines the assigned crew member records on a request while on site (arrived, controlled, restored).
 */
import { recordAudit, type Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, notFound } from '../../platform/errors';
import type { NewMaterialUse, ServiceMaterial, ServiceMaterialUse } from './mediaSchemas';
import type { RequestKind, RequestState } from './states';

const REQUEST = { zh: '工单', en: 'Service request' };

/** The catalogue every utility starts with. */
export const DEFAULT_MATERIALS: { code: string; name: string; nameEn: string; unit: string; unitEn: string; baseUnit: string; baseUnitEn: string; scale: 1 | 10 | 100 | 1000 }[] = [
  { code: 'pipe_di_dn100', name: '球墨铸铁管 DN100', nameEn: 'Ductile iron pipe DN100', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 100 },
  { code: 'pipe_pe_dn50', name: 'PE 给水管 DN50', nameEn: 'PE water pipe DN50', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 100 },
  { code: 'pipe_ppr_dn25', name: 'PPR 给水管 DN25', nameEn: 'PPR water pipe DN25', unit: '米', unitEn: 'm', baseUnit: '厘米', baseUnitEn: 'cm', scale: 100 },
  { code: 'clamp_dn100', name: '抢修卡箍 DN100', nameEn: 'Repair clamp DN100', unit: '个', unitEn: 'pc', baseUnit: '个', baseUnitEn: 'pc', scale: 1 },
  { code: 'clamp_dn50', name: '抢修卡箍 DN50', nameEn: 'Repair clamp DN50', unit: '个', unitEn: 'pc', baseUnit: '个', baseUnitEn: 'pc', scale: 1 },
  { code: 'valve_dn100', name: '闸阀 DN100', nameEn: 'Gate valve DN100', unit: '个', unitEn: 'pc', baseUnit: '个', baseUnitEn: 'pc', scale: 1 },
  { code: 'meter_dn20', name: '水表 DN20', nameEn: 'Water meter DN20', unit: '只', unitEn: 'pc', baseUnit: '只', baseUnitEn: 'pc', scale: 1 },
  { code: 'meter_dn15', name: '水表 DN15', nameEn: 'Water meter DN15', unit: '只', unitEn: 'pc', baseUnit: '只', baseUnitEn: 'pc', scale: 1 },
  { code: 'elbow_dn25', name: '弯头 DN25', nameEn: 'Elbow DN25', unit: '个', unitEn: 'pc', baseUnit: '个', baseUnitEn: 'pc', scale: 1 },
  { code: 'ptfe_tape', name: '生料带', nameEn: 'PTFE tape', unit: '卷', unitEn: 'roll', baseUnit: '卷', baseUnitEn: 'roll', scale: 1 },
  { code: 'concrete', name: '路面修复混凝土', nameEn: 'Concrete for road repair', unit: '立方米', unitEn: 'm³', baseUnit: '升', baseUnitEn: 'L', scale: 1000 },
];

export interface MaterialRow {
  id: string;
  code: string;
  name: string;
  name_en: string;
  unit: string;
  unit_en: string;
  base_unit: string;
  base_unit_en: string;
  scale: number;
  is_active: boolean;
}

const MATERIAL_COLUMNS = 'm.id, m.code, m.name, m.name_en, m.unit, m.unit_en, m.base_unit, m.base_unit_en, m.scale, m.is_active';

export const toMaterial = (row: MaterialRow): ServiceMaterial => ({
  id: row.id,
  code: row.code,
  name: row.name,
  nameEn: row.name_en,
  unit: row.unit,
  unitEn: row.unit_en,
  baseUnit: row.base_unit,
  baseUnitEn: row.base_unit_en,
  scale: row.scale,
  isActive: row.is_active,
});

/** The utility's catalogue, created with the defaults the first time it is asked for. */
export async function catalogueOf(sql: Sql, tenantId: string): Promise<MaterialRow[]> {
  const select = `SELECT ${MATERIAL_COLUMNS} FROM service_materials m ORDER BY m.sort_order, m.code`;
  let rows = await sql.query<MaterialRow>(select);
  if (rows.length === 0) {
    await sql.query(
      `INSERT INTO service_materials (tenant_id, code, name, name_en, unit, unit_en, base_unit, base_unit_en, scale, sort_order)
       SELECT $1, c.code, c.name, c.name_en, c.unit, c.unit_en, c.base_unit, c.base_unit_en, c.scale, c.sort_order
       FROM jsonb_to_recordset($2::jsonb) AS c(code text, name text, name_en text, unit text, unit_en text, base_unit text, base_unit_en text, scale int, sort_order int)
       ON CONFLICT (tenant_id, code) DO NOTHING`,
      [
        tenantId,
        JSON.stringify(DEFAULT_MATERIALS.map((item, index) => ({ code: item.code, name: item.name, name_en: item.nameEn, unit: item.unit, unit_en: item.unitEn, base_unit: item.baseUnit, base_unit_en: item.baseUnitEn, scale: item.scale, sort_order: index }))),
      ],
    );
    rows = await sql.query<MaterialRow>(select);
  }
  return rows;
}

export async function listMaterials(context: PlatformContext, tenantId: string): Promise<ServiceMaterial[]> {
  return context.db.withTenant(tenantId, async (sql) => (await catalogueOf(sql, tenantId)).map(toMaterial));
}

interface UseRow extends MaterialRow {
  use_id: string;
  quantity: number;
  note: string | null;
  recorded_by: string;
  recorded_at: Date;
}

/** The materials recorded on a request, in the order they were recorded (for the request's detail). */
export async function materialsOf(sql: Sql, requestId: string): Promise<ServiceMaterialUse[]> {
  const rows = await sql.query<UseRow>(
    `SELECT u.id AS use_id, u.quantity, u.note, u.recorded_by, u.recorded_at, ${MATERIAL_COLUMNS}
     FROM service_request_materials u JOIN service_materials m ON m.id = u.material_id
     WHERE u.request_id = $1 ORDER BY u.seq`,
    [requestId],
  );
  return rows.map((row) => ({ id: row.use_id, material: toMaterial(row), quantity: Number(row.quantity), note: row.note, recordedBy: row.recorded_by, recordedAt: row.recorded_at.toISOString() }));
}

const ON_SITE: readonly RequestState[] = ['arrived', 'controlled', 'restored'];

/** Locks the request and checks that this crew member may record materials on it now. */
async function onSiteRequest(sql: Sql, requestId: string, staffId: string): Promise<{ customer_id: string | null }> {
  const rows = await sql.query<{ kind: RequestKind; state: RequestState; assignee_staff_id: string | null; customer_id: string | null }>(
    'SELECT kind, state, assignee_staff_id, customer_id FROM service_requests WHERE id = $1 FOR UPDATE',
    [requestId],
  );
  const request = rows[0];
  if (!request) throw notFound(REQUEST);
  if (request.kind !== 'repair') throw new DomainError('conflict', 'step_not_allowed', '只有报修工单记录材料', 'Materials are recorded on repair requests only', [{ field: 'id', zh: '不是报修工单', en: 'is not a repair request' }]);
  if (request.assignee_staff_id !== staffId) {
    throw new DomainError('forbidden', 'not_assignee', '只有接单的维修人员可以记录材料', 'Only the crew member the request is assigned to may record materials', [{ field: 'id', zh: '不是接单的维修人员', en: 'not the assigned crew member' }]);
  }
  if (!ON_SITE.includes(request.state)) {
    throw new DomainError('conflict', 'wrong_state', '到场后、办结前才能记录材料', 'Materials are recorded after arriving on site and before the request is closed', [{ field: 'id', zh: '未到场或已办结', en: 'not on site, or already closed' }]);
  }
  return request;
}

/** Records a material used on a request; answers the request's materials. */
export async function addMaterialUse(context: PlatformContext, tenantId: string, staffId: string, requestId: string, input: NewMaterialUse, actor: Actor): Promise<ServiceMaterialUse[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const request = await onSiteRequest(sql, requestId, staffId);
    const material = (await catalogueOf(sql, tenantId)).find((item) => item.id === input.materialId && item.is_active);
    if (!material) throw invalidField('materialId', '材料目录中没有这种材料', 'is not in the materials catalogue');
    const now = context.clock.now();
    const [created] = await sql.query<{ id: string }>(
      'INSERT INTO service_request_materials (tenant_id, request_id, material_id, quantity, note, recorded_by_staff_id, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [tenantId, requestId, material.id, input.quantity, input.note || null, staffId, actor.name, now],
    );
    await recordAudit(sql, tenantId, actor, now, {
      action: 'service_request.material_add',
      objectType: 'service_request',
      objectId: requestId,
      ...(request.customer_id ? { customerId: request.customer_id } : {}),
      after: { useId: created?.id, material: material.code, quantity: input.quantity, baseUnit: material.base_unit_en },
    });
    return materialsOf(sql, requestId);
  });
}

/** Removes a line recorded by mistake (while the crew is still on the job); answers the request's materials. */
export async function removeMaterialUse(context: PlatformContext, tenantId: string, staffId: string, requestId: string, useId: string, actor: Actor): Promise<ServiceMaterialUse[]> {
  return context.db.withTenant(tenantId, async (sql) => {
    const request = await onSiteRequest(sql, requestId, staffId);
    const removed = await sql.query<{ quantity: number; code: string }>(
      'DELETE FROM service_request_materials u USING service_materials m WHERE u.id = $1 AND u.request_id = $2 AND m.id = u.material_id RETURNING u.quantity, m.code',
      [useId, requestId],
    );
    const line = removed[0];
    if (!line) throw notFound({ zh: '材料记录', en: 'Material line' });
    await recordAudit(sql, tenantId, actor, context.clock.now(), {
      action: 'service_request.material_remove',
      objectType: 'service_request',
      objectId: requestId,
      ...(request.customer_id ? { customerId: request.customer_id } : {}),
      before: { useId, material: line.code, quantity: Number(line.quantity) },
    });
    return materialsOf(sql, requestId);
  });
}

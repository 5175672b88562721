/**
 * 抄表自报: a customer reports the register of a bound account's meter, with a photo. It is validated like
 * every reading (source 'portal'); a suspect one waits in the staff review queue.
 */
import type { Actor } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, notFound } from '../../platform/errors';
import { isAccountBound } from '../customers';
import { enterReading, registerOf } from './readings';
import type { PortalNewReading } from './schemas';

async function requireBound(sql: Sql, portalUserId: string, accountId: string): Promise<void> {
  // Not bound is answered like not there.
  if (!(await isAccountBound(sql, portalUserId, accountId))) throw notFound({ zh: '账户', en: 'Account' });
}

export async function portalReadings(context: PlatformContext, tenantId: string, portalUserId: string, accountId: string) {
  return context.db.withTenant(tenantId, async (sql) => {
    await requireBound(sql, portalUserId, accountId);
    const meters = await sql.query<{ serial_no: string }>(
      "SELECT m.serial_no FROM meters m JOIN accounts a ON a.premise_id = m.premise_id WHERE a.id = $1 AND m.status = 'installed' ORDER BY m.installed_on DESC LIMIT 1",
      [accountId],
    );
    const rows = await sql.query<{ read_on: string; register_litres: number | null; consumption_litres: number | null; status: 'accepted' | 'suspect' | 'rejected' | 'estimated' | 'unread'; source: 'handheld' | 'import' | 'api' | 'mqtt' | 'portal' | 'estimate' }>(
      `SELECT read_on, register_litres, consumption_litres, status, source FROM readings
       WHERE account_id = $1 AND status <> 'rejected' ORDER BY read_on DESC, created_at DESC LIMIT 13`,
      [accountId],
    );
    return {
      accountId,
      meterSerial: meters[0]?.serial_no ?? null,
      readings: rows.map((row) => ({ readOn: row.read_on, registerLitres: row.register_litres, consumptionLitres: row.consumption_litres, status: row.status, source: row.source })),
    };
  });
}

export async function submitSelfReading(context: PlatformContext, tenantId: string, portalUserId: string, accountId: string, input: PortalNewReading, actor: Actor) {
  if (registerOf(input) === null) {
    throw new DomainError('validation', 'validation_failed', '请填写水表读数', 'Give the meter register', [{ field: 'registerM3', zh: '必填', en: 'is required' }]);
  }
  await context.db.withTenant(tenantId, (sql) => requireBound(sql, portalUserId, accountId));
  const result = await enterReading(
    context,
    tenantId,
    { accountId, ...(input.registerLitres !== undefined ? { registerLitres: input.registerLitres } : {}), ...(input.registerM3 !== undefined ? { registerM3: input.registerM3 } : {}), ...(input.photo ? { photo: input.photo } : {}) },
    actor,
    { source: 'portal', staffId: null, action: 'reading.self_report' },
  );
  const reading = result.reading;
  return {
    reading: { readOn: reading.readOn, registerLitres: reading.registerLitres, consumptionLitres: reading.consumptionLitres, status: reading.status, source: reading.source },
    isDuplicate: result.isDuplicate,
    needsReview: reading.status === 'suspect',
  };
}

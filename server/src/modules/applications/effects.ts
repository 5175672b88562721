/**
 * What finishing a stage does beyond the application itself, in the same transaction (a refused effect
 * leaves the stage undone). A new connection installs its meter (meters module), opens its account and puts
 * it on a reading route so it is read (customers and reading modules), and records its first reading
 * (reading module), so no connected account sits at zero consumption ("合理减少'0'水量用户").
 * The other types' effects (holder change, category change, calibration, removal) are not automated yet:
 * their stages record what staff did.
 */
import type { Actor } from '../../platform/audit/audit';
import { recordAudit } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField } from '../../platform/errors';
import { businessDate, insertAccount, insertCustomer, insertPremise } from '../customers';
import { insertMeter, METER_SIZES } from '../meters';
import { appendRouteAccounts, ingestReadings } from '../reading';

export interface ApplicationFacts {
  id: string;
  applicationNo: string;
  customerId: string | null;
  premiseId: string | null;
  accountId: string | null;
  meterId: string | null;
  applicantName: string;
  applicantPhone: string;
  district: string | null;
  street: string | null;
  address: string;
  details: Record<string, unknown>;
}

export interface EffectContext {
  context: PlatformContext;
  sql: Sql;
  tenantId: string;
  timeZone: string;
  staffId: string;
  actor: Actor;
  now: Date;
}

/** The premise of a connection: the one it names, or one made from the address it gave. */
async function ensurePremise(effect: EffectContext, application: ApplicationFacts): Promise<string> {
  if (application.premiseId) return application.premiseId;
  if (!application.district || !application.street) throw invalidField('address', '报装地址缺少区或街道', 'the connection address lacks a district or street');
  const premise = await insertPremise(effect.context, effect.sql, effect.tenantId, { district: application.district, street: application.street, address: application.address });
  await effect.sql.query('UPDATE applications SET premise_id = $2 WHERE id = $1', [application.id, premise.id]);
  await recordAudit(effect.sql, effect.tenantId, effect.actor, effect.now, { action: 'premise.create', objectType: 'premise', objectId: premise.id, after: { fullAddress: premise.fullAddress, applicationNo: application.applicationNo } });
  application.premiseId = premise.id;
  return premise.id;
}

async function installMeter(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const sizeDn = outputs.sizeDn as number;
  if (!(METER_SIZES as readonly number[]).includes(sizeDn)) throw invalidField('outputs.sizeDn', `口径应为 ${METER_SIZES.join('、')} 之一`, `must be one of ${METER_SIZES.join(', ')}`);
  const premiseId = await ensurePremise(effect, application);
  const installedOn = outputs.installedOn as string;
  const meter = await insertMeter(
    effect.context,
    effect.sql,
    effect.tenantId,
    {
      serialNo: outputs.serialNo as string,
      model: outputs.model as string,
      sizeDn: sizeDn as (typeof METER_SIZES)[number],
      premiseId,
      status: 'installed',
      installedOn,
      // A new meter comes verified from the supplier; its verification period counts from installation.
      firstVerifiedOn: installedOn,
      initialReadingLitres: outputs.initialReadingLitres as number,
    },
    effect.actor,
  );
  await effect.sql.query('UPDATE applications SET meter_id = $2 WHERE id = $1', [application.id, meter.id]);
}

async function openConnectionAccount(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { sql, tenantId } = effect;
  const routeId = outputs.routeId as string;
  if ((await sql.query('SELECT 1 FROM reading_routes WHERE id = $1 AND is_active', [routeId])).length === 0) throw invalidField('outputs.routeId', '没有这个在用的抄表本', 'no such active reading route');
  const premiseId = await ensurePremise(effect, application);
  const open = await sql.query<{ account_no: string }>("SELECT account_no FROM accounts WHERE premise_id = $1 AND status <> 'closed'", [premiseId]);
  if (open[0]) {
    throw new DomainError('conflict', 'premise_has_open_account', `该用水地址已有在用账户 ${open[0].account_no}`, `The premise already has an open account ${open[0].account_no}`, [{ field: 'outputs.category', zh: '已有在用账户', en: 'already has an open account' }]);
  }
  let customerId = application.customerId;
  if (!customerId) {
    const customer = await insertCustomer(effect.context, sql, tenantId, { kind: 'individual', name: application.applicantName, phone: application.applicantPhone });
    await recordAudit(sql, tenantId, effect.actor, effect.now, { action: 'customer.create', objectType: 'customer', objectId: customer.id, customerId: customer.id, after: { customerNo: customer.customerNo, applicationNo: application.applicationNo } });
    customerId = customer.id;
  }
  const account = await insertAccount(effect.context, sql, tenantId, {
    customerId,
    premiseId,
    category: outputs.category as 'residential' | 'non_residential' | 'special',
    ...(typeof outputs.householdSize === 'number' ? { householdSize: outputs.householdSize } : {}),
    openedOn: businessDate(effect.now, effect.timeZone),
  });
  await recordAudit(sql, tenantId, effect.actor, effect.now, { action: 'account.open', objectType: 'account', objectId: account.id, customerId, after: { accountNo: account.accountNo, premiseId, category: account.category, applicationNo: application.applicationNo } });
  // On the route, the account is on the reader's sheet from this month: its first reading is scheduled.
  await appendRouteAccounts(effect.context, sql, tenantId, routeId, { accountIds: [account.id] }, effect.actor);
  await sql.query('UPDATE applications SET account_id = $2, customer_id = $3 WHERE id = $1', [application.id, account.id, customerId]);
  application.accountId = account.id;
  application.customerId = customerId;
}

async function recordFirstReading(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  if (!application.accountId || !application.meterId) throw new DomainError('conflict', 'not_connected', '尚未装表立户，不能首次抄表', 'The meter is not installed or the account not opened yet', [{ field: 'stage', zh: '尚未装表立户', en: 'no meter or account yet' }]);
  const outcome = await ingestReadings(
    effect.sql,
    effect.tenantId,
    [{ row: 1, accountId: application.accountId, meterId: application.meterId, readOn: outputs.readOn as string, registerLitres: outputs.registerLitres as number, source: 'handheld', staffId: effect.staffId, note: `首次抄表 ${application.applicationNo}` }],
    { mode: 'all_or_nothing', today: businessDate(effect.now, effect.timeZone), fields: { readOn: 'outputs.readOn', register: 'outputs.registerLitres', account: 'accountId', meter: 'meterId' } },
  );
  if (outcome.isRejected || outcome.created === 0) {
    const problems = outcome.errors.length > 0 ? outcome.errors : [{ field: 'outputs.registerLitres', zh: '读数未能记录', en: 'the reading was not recorded' }];
    throw new DomainError('validation', 'validation_failed', `首次抄表读数有误：${problems.map((problem) => problem.zh).join('；')}`, `The first reading is wrong: ${problems.map((problem) => problem.en).join('; ')}`, problems.map((problem) => ({ field: problem.field, zh: problem.zh, en: problem.en })));
  }
}

type Effect = (effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>) => Promise<void>;

const EFFECTS: Record<string, Effect> = {
  'new_connection.meter_installation': installMeter,
  'new_connection.account_opening': openConnectionAccount,
  'new_connection.first_reading': recordFirstReading,
};

/** Runs the effect of finishing a stage of a type, if it has one. */
export async function applyStageEffect(effect: EffectContext, typeCode: string, stageCode: string, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  await EFFECTS[`${typeCode}.${stageCode}`]?.(effect, application, outputs);
}

/**
 * What finishing a stage does beyond the application itself, in the same transaction as the stage: a refused
 * effect leaves the stage undone and writes nothing. Each effect calls the module that owns the records.
 *
 * 用水报装 new connection: meter_installation installs the meter (meters); account_opening opens the customer,
 *   premise and account and puts it on a reading route (customers, reading); first_reading records the first
 *   reading (reading), so no connected account sits at zero consumption ("合理减少'0'水量用户").
 * 更名过户 holder change: final_reading records the reading, dated after everything billed so its water is
 *   the old holder's; settlement issues the old holder's final bill through that reading (billing; none when
 *   a run billed it already) and pays it from their prepaid balance as far as it goes (payments); transfer
 *   is refused while anything is owed on bills or late fees (arrears are cleared before 过户), and, when the
 *   stage chose to refund the prepaid balance, while any is left; otherwise the account passes to the new
 *   holder — the customer of the applicant's (or details.newHolderName's) name and phone, found or created —
 *   keeping its number, bills, readings, ledger and meter; a carried-over prepaid balance goes with it; the
 *   old holder's portal bindings end (customers). The month's run later bills the new holder only the days
 *   after the final reading (billing/chunk.ts).
 * 用水性质变更 category change: survey records a reading; approval changes the account's category from that
 *   reading's day (or the day the stage gives), kept effective-dated, so a period it falls in is billed by
 *   days at the old and the new tariff (tariffs/account-categories.ts); a day already billed is refused.
 * 校表 calibration: test records the errors on the meter (JJG 162-2019: ±2 % upper, ±5 % lower flow zone);
 *   out of tolerance it reads the old meter's last register, removes it and installs the new one with its
 *   initial register (reading, meters); settlement then re-bills the periods of the last months the old
 *   meter measured by credit and debit notes at the water corrected for its error (bills), or, within
 *   tolerance, charges the configured test fee as a debit note (tenant settings, calibration.testFeeFen).
 * 拆表销户 removal: final_reading as for a holder change; meter_removal removes the meter (not before the final
 *   reading) and takes the account off its route; closure issues the final bill, pays it from the prepaid
 *   balance, and closes the account when nothing is owed — otherwise the account waits in 'closing' and the
 *   payment that settles it closes it (payments/settlement.ts), on that payment's business day.
 */
import type { Actor } from '../../platform/audit/audit';
import { recordAudit } from '../../platform/audit/audit';
import type { PlatformContext } from '../../platform/context';
import type { Sql } from '../../platform/db/database';
import { DomainError, invalidField, type FieldProblem } from '../../platform/errors';
import { billedThrough, issueFinalBill } from '../billing';
import { addMonths, chargeServiceFee, formatYuan, rebillForMeterError } from '../bills';
import { assessBeforePayment, lateFeesOwedFen } from '../collection';
import { businessDate, findOrCreateHolder, insertAccount, insertCustomer, insertPremise, setAccountClosure, transferAccountHolder } from '../customers';
import { insertMeter, installedMeterAt, isWithinTolerance, METER_SIZES, recordCalibrationTest, removeMeter } from '../meters';
import { lockAccountMoney, openBills, receivableFen, settleFromPrepaid } from '../payments';
import { accountReadingsOn, appendRouteAccounts, dropAccountFromRoute, ingestReadings } from '../reading';
import { changeAccountCategory, type AccountClass } from '../tariffs';
import { loadTenantSettings } from '../tenancy';

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

const todayOf = (effect: EffectContext): string => businessDate(effect.now, effect.timeZone);

const conflict = (code: string, zh: string, en: string, field: string): DomainError => new DomainError('conflict', code, zh, en, [{ field, zh, en }]);

/** The outputs a done stage of the application recorded (the latest, if it was done twice), or null. */
async function stageOutputs(sql: Sql, applicationId: string, stageCode: string): Promise<Record<string, unknown> | null> {
  const [row] = await sql.query<{ outputs: Record<string, unknown> | null }>(
    "SELECT outputs FROM application_events WHERE application_id = $1 AND kind = 'stage_done' AND stage_code = $2 ORDER BY seq DESC LIMIT 1",
    [applicationId, stageCode],
  );
  return row?.outputs ?? null;
}

function accountOf(application: ApplicationFacts): { accountId: string; premiseId: string } {
  if (!application.accountId || !application.premiseId) throw conflict('no_account', '申请未关联户号', 'The application names no account', 'accountId');
  return { accountId: application.accountId, premiseId: application.premiseId };
}

async function requireOpenAccount(sql: Sql, accountId: string): Promise<void> {
  const [account] = await sql.query<{ status: string }>('SELECT status FROM accounts WHERE id = $1', [accountId]);
  if (!account || account.status === 'closed' || account.status === 'closing') throw conflict('account_closed', '账户已销户或正在销户', 'The account is closed or being closed', 'accountId');
}

// ---- readings ----

interface StageReading {
  accountId: string;
  meterId: string | null;
  readOn: string;
  registerLitres: number;
  note: string;
}

/** Records a reading a stage took, through the one ingest of the reading module; a wrong one refuses the stage. */
async function recordReading(effect: EffectContext, reading: StageReading, fields: { readOn: string; register: string } = { readOn: 'outputs.readOn', register: 'outputs.registerLitres' }): Promise<void> {
  const outcome = await ingestReadings(
    effect.sql,
    effect.tenantId,
    [{ row: 1, accountId: reading.accountId, meterId: reading.meterId, readOn: reading.readOn, registerLitres: reading.registerLitres, source: 'handheld', staffId: effect.staffId, note: reading.note }],
    { mode: 'all_or_nothing', today: todayOf(effect), fields: { readOn: fields.readOn, register: fields.register, account: 'accountId', meter: 'meterId' } },
  );
  // A duplicate is the same reading taken already (the route's reader the same day): it stands.
  if (outcome.isRejected || outcome.created + outcome.duplicates === 0) {
    const problems = outcome.errors.length > 0 ? outcome.errors : [{ field: fields.register, zh: '读数未能记录', en: 'the reading was not recorded' }];
    throw new DomainError('validation', 'validation_failed', `抄表读数有误：${problems.map((problem) => problem.zh).join('；')}`, `The reading is wrong: ${problems.map((problem) => problem.en).join('; ')}`, problems.map((problem) => ({ field: problem.field, zh: problem.zh, en: problem.en })));
  }
}

/** A final reading: after the last day billed (else its water would fall in a period billed already). */
async function recordFinalReading(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>, label: string): Promise<void> {
  const { accountId } = accountOf(application);
  await requireOpenAccount(effect.sql, accountId);
  const readOn = outputs.readOn as string;
  const through = await billedThrough(effect.sql, accountId);
  if (through && readOn <= through) throw invalidField('outputs.readOn', `须晚于已出账的最后一天 ${through}`, `must be after ${through}, the last day billed`);
  await recordReading(effect, { accountId, meterId: null, readOn, registerLitres: outputs.registerLitres as number, note: `${label} ${application.applicationNo}` });
}

/** The final reading stage's day, once that reading counts (accepted): a suspect one awaits the supervisor's review. */
async function finalReadingDay(sql: Sql, application: ApplicationFacts, accountId: string): Promise<string> {
  const final = await stageOutputs(sql, application.id, 'final_reading');
  if (!final) throw conflict('no_final_reading', '尚未完成最终抄表', 'The final reading has not been taken', 'stage');
  const readOn = final.readOn as string;
  const readings = (await accountReadingsOn(sql, accountId, readOn)).filter((reading) => reading.registerLitres === final.registerLitres);
  if (readings.some((reading) => reading.status === 'accepted')) return readOn;
  if (readings.some((reading) => reading.status === 'suspect')) {
    throw conflict('final_reading_suspect', `最终抄表读数（${readOn}）异常，待抄表主管复核后才能结算`, `The final reading of ${readOn} is suspect: the reading supervisor must review it before the account is settled`, 'stage');
  }
  throw conflict('final_reading_rejected', `最终抄表读数（${readOn}）未被采用，请退回重新抄表`, `The final reading of ${readOn} was not accepted: return the application for a new reading`, 'stage');
}

/** Bills the account through the final reading and pays what it can from the prepaid balance. */
async function settleThroughFinalReading(effect: EffectContext, application: ApplicationFacts, kind: string): Promise<{ accountId: string; premiseId: string; today: string }> {
  const { accountId, premiseId } = accountOf(application);
  await requireOpenAccount(effect.sql, accountId);
  const through = await finalReadingDay(effect.sql, application, accountId);
  const today = todayOf(effect);
  await issueFinalBill(effect.context, effect.sql, effect.tenantId, { accountId, through, issuedOn: today, reference: { applicationNo: application.applicationNo, kind } }, effect.actor);
  await settleFromPrepaid(effect.sql, effect.tenantId, accountId, effect.now, today);
  return { accountId, premiseId, today };
}

/** What the account owes on bills and late fees (late fees assessed up to yesterday first). */
async function owedFen(effect: EffectContext, accountId: string, today: string): Promise<{ principalFen: number; lateFeeFen: number }> {
  await assessBeforePayment(effect.sql, effect.tenantId, accountId, today, effect.now);
  return { principalFen: await receivableFen(effect.sql, accountId), lateFeeFen: await lateFeesOwedFen(effect.sql, accountId) };
}

// ---- new connection ----

/** The premise of a connection: the one it names, or one made from the address it gave. */
async function ensurePremise(effect: EffectContext, application: ApplicationFacts): Promise<string> {
  if (application.premiseId) return application.premiseId;
  if (!application.district || !application.street) throw invalidField('address', '报装地址缺少区或街道', 'the connection address lacks a district or street');
  // The application keeps the whole address (district, street, then the rest); the premise keeps the three apart
  // and joins them itself (premises.full_address), so only the rest goes into its address.
  const prefix = `${application.district}${application.street}`;
  const rest = application.address.startsWith(prefix) ? application.address.slice(prefix.length).trim() : application.address;
  const premise = await insertPremise(effect.context, effect.sql, effect.tenantId, { district: application.district, street: application.street, address: rest || application.address });
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
    category: outputs.category as AccountClass,
    ...(typeof outputs.householdSize === 'number' ? { householdSize: outputs.householdSize } : {}),
    openedOn: todayOf(effect),
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
    { mode: 'all_or_nothing', today: todayOf(effect), fields: { readOn: 'outputs.readOn', register: 'outputs.registerLitres', account: 'accountId', meter: 'meterId' } },
  );
  if (outcome.isRejected || outcome.created === 0) {
    const problems = outcome.errors.length > 0 ? outcome.errors : [{ field: 'outputs.registerLitres', zh: '读数未能记录', en: 'the reading was not recorded' }];
    throw new DomainError('validation', 'validation_failed', `首次抄表读数有误：${problems.map((problem) => problem.zh).join('；')}`, `The first reading is wrong: ${problems.map((problem) => problem.en).join('; ')}`, problems.map((problem) => ({ field: problem.field, zh: problem.zh, en: problem.en })));
  }
}

// ---- holder change (更名过户) ----

async function settleFormerHolder(effect: EffectContext, application: ApplicationFacts): Promise<void> {
  await settleThroughFinalReading(effect, application, 'holder_change');
}

async function transferHolder(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { sql, tenantId } = effect;
  const { accountId } = accountOf(application);
  await requireOpenAccount(sql, accountId);
  if (!(await stageOutputs(sql, application.id, 'final_reading'))) throw conflict('no_final_reading', '尚未完成过户抄表', 'The final reading has not been taken', 'stage');
  const today = todayOf(effect);
  // The account's money is locked first: no payment or deduction can slip in between the check and the transfer.
  const prepaidFen = await lockAccountMoney(sql, tenantId, accountId, effect.now);
  const owed = await owedFen(effect, accountId, today);
  if (owed.principalFen + owed.lateFeeFen > 0) {
    const bills = await openBills(sql, accountId, today);
    const billNos = bills.map((bill) => bill.billNo).join('、');
    const total = formatYuan(owed.principalFen + owed.lateFeeFen);
    const lateZh = owed.lateFeeFen > 0 ? `，含滞纳金 ${formatYuan(owed.lateFeeFen)} 元` : '';
    const lateEn = owed.lateFeeFen > 0 ? `, including ¥${formatYuan(owed.lateFeeFen)} late fees` : '';
    throw new DomainError('conflict', 'arrears_outstanding', `原户主尚欠水费 ${total} 元${lateZh}（账单 ${billNos || '—'}），须先结清方可过户`, `The former holder owes ¥${total}${lateEn} (bills ${billNos || '—'}): it must be paid before the account changes holder`, [
      { field: 'accountId', zh: `欠费 ${total} 元未结清`, en: `¥${total} owed` },
    ]);
  }
  const handling = outputs.prepaidHandling as 'carry_over' | 'refund';
  if (handling === 'refund' && prepaidFen > 0) {
    throw new DomainError('conflict', 'prepaid_not_refunded', `原户主预存余额 ${formatYuan(prepaidFen)} 元尚未退还，请先办理退款，或选择随户转给新户主`, `The former holder’s prepaid balance of ¥${formatYuan(prepaidFen)} is not refunded yet: refund it first, or carry it over to the new holder`, [
      { field: 'outputs.prepaidHandling', zh: `预存余额 ${formatYuan(prepaidFen)} 元未退`, en: `¥${formatYuan(prepaidFen)} prepaid not refunded` },
    ]);
  }
  const name = typeof application.details.newHolderName === 'string' && application.details.newHolderName.trim() ? application.details.newHolderName.trim() : application.applicantName;
  // The applicant's phone is the new holder's only when the applicant is the new holder.
  const phone = name === application.applicantName ? application.applicantPhone : null;
  const reference = { applicationNo: application.applicationNo };
  const { customer } = await findOrCreateHolder(effect.context, sql, tenantId, { name, phone, reference }, effect.actor);
  const [row] = await sql.query<{ portal_user_id: string | null }>('SELECT portal_user_id FROM applications WHERE id = $1', [application.id]);
  await transferAccountHolder(effect.context, sql, tenantId, { accountId, customerId: customer.id, keepBindingOf: row?.portal_user_id ?? null, reference: { ...reference, prepaidCarriedOverFen: prepaidFen } }, effect.actor);
  await sql.query('UPDATE applications SET customer_id = $2 WHERE id = $1', [application.id, customer.id]);
  application.customerId = customer.id;
}

// ---- category change (用水性质变更) ----

async function recordCheckReading(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { accountId } = accountOf(application);
  await requireOpenAccount(effect.sql, accountId);
  await recordReading(effect, { accountId, meterId: null, readOn: outputs.readOn as string, registerLitres: outputs.registerLitres as number, note: `用水性质变更核实抄表 ${application.applicationNo}` });
}

const CATEGORY_FIELDS: Record<string, string> = { effectiveFrom: 'outputs.effectiveOn', waterCategoryId: 'outputs.waterCategoryId', category: 'outputs.category' };

async function changeCategory(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { accountId } = accountOf(application);
  const check = await stageOutputs(effect.sql, application.id, 'survey');
  const effectiveFrom = (outputs.effectiveOn as string | undefined) ?? (check?.readOn as string | undefined);
  if (!effectiveFrom) throw invalidField('outputs.effectiveOn', '未经现场核实抄表，须填写生效日期', 'no site check reading was taken: give the day it takes effect');
  try {
    await changeAccountCategory(
      effect.context,
      effect.sql,
      effect.tenantId,
      { accountId, accountClass: outputs.category as AccountClass, waterCategoryId: (outputs.waterCategoryId as string | undefined) ?? null, effectiveFrom, applicationId: application.id, reference: { applicationNo: application.applicationNo } },
      effect.actor,
    );
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    // The stage's fields are its outputs.
    const fields: FieldProblem[] = error.fields.map((problem) => ({ ...problem, field: CATEGORY_FIELDS[problem.field] ?? problem.field }));
    throw new DomainError(error.kind, error.code, error.zh, error.en, fields);
  }
}

// ---- calibration (校表) ----

const REPLACEMENT_KEYS = ['replacedOn', 'oldRegisterLitres', 'newSerialNo', 'newModel', 'newInitialReadingLitres'] as const;

async function testMeter(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { sql, tenantId } = effect;
  const { accountId, premiseId } = accountOf(application);
  await requireOpenAccount(sql, accountId);
  const installed = await installedMeterAt(sql, premiseId);
  if (!installed) throw conflict('no_meter', '该户没有在装水表', 'The account has no installed meter', 'meterId');
  const reference = { applicationNo: application.applicationNo };
  const { meter, isWithinTolerance } = await recordCalibrationTest(
    effect.context,
    sql,
    tenantId,
    { meterId: installed.id, reportNo: outputs.reportNo as string, errorUpperZone: outputs.errorUpperZone as number, errorLowerZone: outputs.errorLowerZone as number, reference },
    effect.actor,
  );
  const given = REPLACEMENT_KEYS.filter((key) => outputs[key] !== undefined);
  if (isWithinTolerance) {
    if (given.length > 0) {
      throw new DomainError('validation', 'validation_failed', '检定合格，水表不更换：请勿填写换表内容', 'The meter is within tolerance and stays: leave the replacement out', given.map((key) => ({ field: `outputs.${key}`, zh: '检定合格时不换表', en: 'no replacement within tolerance' })));
    }
    await sql.query('UPDATE applications SET meter_id = $2 WHERE id = $1', [application.id, meter.id]);
    return;
  }
  const missing = REPLACEMENT_KEYS.filter((key) => outputs[key] === undefined);
  if (missing.length > 0) {
    throw new DomainError('validation', 'validation_failed', '水表超差，须换表：请填写换表内容', 'The meter is out of tolerance and is replaced: give the replacement', missing.map((key) => ({ field: `outputs.${key}`, zh: '超差换表时必填', en: 'required when the meter is replaced' })));
  }
  const serialNo = String(outputs.newSerialNo).toUpperCase();
  if (!/^[A-Z0-9-]{4,32}$/.test(serialNo)) throw invalidField('outputs.newSerialNo', '表号应为 4–32 位字母、数字或连字符', 'must be 4–32 letters, digits or dashes');
  const replacedOn = outputs.replacedOn as string;
  // The old meter's last register closes its use; the new one counts from its initial register.
  await recordReading(effect, { accountId, meterId: meter.id, readOn: replacedOn, registerLitres: outputs.oldRegisterLitres as number, note: `校表换表拆表读数 ${application.applicationNo}` }, { readOn: 'outputs.replacedOn', register: 'outputs.oldRegisterLitres' });
  await removeMeter(effect.context, sql, tenantId, { meterId: meter.id, removedOn: replacedOn, reference: { ...reference, reason: 'calibration_out_of_tolerance' } }, effect.actor);
  const replacement = await insertMeter(
    effect.context,
    sql,
    tenantId,
    {
      serialNo,
      model: outputs.newModel as string,
      sizeDn: meter.sizeDn as (typeof METER_SIZES)[number],
      premiseId,
      status: 'installed',
      installedOn: replacedOn,
      firstVerifiedOn: replacedOn,
      initialReadingLitres: outputs.newInitialReadingLitres as number,
    },
    effect.actor,
  );
  await sql.query('UPDATE applications SET meter_id = $2 WHERE id = $1', [application.id, replacement.id]);
}

async function settleCalibration(effect: EffectContext, application: ApplicationFacts): Promise<void> {
  const { sql, tenantId } = effect;
  const { accountId } = accountOf(application);
  const test = await stageOutputs(sql, application.id, 'test');
  if (!test) throw conflict('not_tested', '尚未检定', 'The meter has not been tested', 'stage');
  const today = todayOf(effect);
  const settings = (await loadTenantSettings(sql)).calibration;
  const reportNo = test.reportNo as string;
  if (isWithinTolerance(test.errorUpperZone as number, test.errorLowerZone as number)) {
    // Within tolerance: the customer pays the test (DOMAIN.md §4).
    if (settings.testFeeFen > 0) {
      await chargeServiceFee(effect.context, sql, tenantId, { accountId, amountFen: settings.testFeeFen, description: `水表检定费（校表申请 ${application.applicationNo}，证书 ${reportNo}，检定合格）`, reason: 'calibration' }, effect.actor);
      await settleFromPrepaid(sql, tenantId, accountId, effect.now, today);
    }
    return;
  }
  // Out of tolerance: the utility pays the test and re-bills what the faulty meter measured.
  const replacedOn = test.replacedOn as string;
  const error = test.errorUpperZone as number;
  await rebillForMeterError(
    effect.context,
    sql,
    tenantId,
    {
      accountId,
      fromPeriod: addMonths(replacedOn.slice(0, 7), -(settings.rebillMonths - 1)),
      through: replacedOn,
      errorHundredthsPercent: error,
      note: `校表超差退补（申请 ${application.applicationNo}，证书 ${reportNo}，高区误差 ${(error / 100).toFixed(2)}%）`,
    },
    effect.actor,
  );
  await settleFromPrepaid(sql, tenantId, accountId, effect.now, today);
}

// ---- removal (拆表销户) ----

async function removeFinalMeter(effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  const { sql, tenantId } = effect;
  const { accountId, premiseId } = accountOf(application);
  await requireOpenAccount(sql, accountId);
  const final = await stageOutputs(sql, application.id, 'final_reading');
  if (!final) throw conflict('no_final_reading', '尚未完成最终抄表', 'The final reading has not been taken', 'stage');
  const removedOn = outputs.removedOn as string;
  if (removedOn < (final.readOn as string)) throw invalidField('outputs.removedOn', `不能早于最终抄表日 ${String(final.readOn)}`, `may not be before the final reading on ${String(final.readOn)}`);
  if (removedOn > todayOf(effect)) throw invalidField('outputs.removedOn', '不能晚于今天', 'may not be after today');
  const meter = await installedMeterAt(sql, premiseId);
  if (!meter) throw conflict('no_meter', '该户没有在装水表', 'The account has no installed meter', 'meterId');
  await removeMeter(effect.context, sql, tenantId, { meterId: meter.id, removedOn, reference: { applicationNo: application.applicationNo, reason: 'removal' } }, effect.actor);
  await dropAccountFromRoute(effect.context, sql, tenantId, accountId, effect.actor);
  await sql.query('UPDATE applications SET meter_id = $2 WHERE id = $1', [application.id, meter.id]);
}

async function closeAccount(effect: EffectContext, application: ApplicationFacts): Promise<void> {
  const { sql, tenantId } = effect;
  const { accountId, premiseId } = accountOf(application);
  if (await installedMeterAt(sql, premiseId)) throw conflict('meter_installed', '水表尚未拆除，不能销户', 'The meter is still installed: the account cannot be closed', 'stage');
  const { today } = await settleThroughFinalReading(effect, application, 'removal');
  const owed = await owedFen(effect, accountId, today);
  const isSettled = owed.principalFen + owed.lateFeeFen === 0;
  // Paid: closed today. Not yet: 'closing' until the payment that settles the final bill closes it (payments).
  await setAccountClosure(sql, tenantId, { accountId, status: isSettled ? 'closed' : 'closing', closedOn: isSettled ? today : null, reference: { applicationNo: application.applicationNo, owedFen: owed.principalFen + owed.lateFeeFen } }, effect.actor, effect.now);
}

type Effect = (effect: EffectContext, application: ApplicationFacts, outputs: Record<string, unknown>) => Promise<void>;

const EFFECTS: Record<string, Effect> = {
  'new_connection.meter_installation': installMeter,
  'new_connection.account_opening': openConnectionAccount,
  'new_connection.first_reading': recordFirstReading,
  'holder_change.final_reading': (effect, application, outputs) => recordFinalReading(effect, application, outputs, '过户抄表'),
  'holder_change.settlement': settleFormerHolder,
  'holder_change.transfer': transferHolder,
  'category_change.survey': recordCheckReading,
  'category_change.approval': changeCategory,
  'calibration.test': testMeter,
  'calibration.settlement': settleCalibration,
  'removal.final_reading': (effect, application, outputs) => recordFinalReading(effect, application, outputs, '拆表最终抄表'),
  'removal.meter_removal': removeFinalMeter,
  'removal.closure': closeAccount,
};

/** Runs the effect of finishing a stage of a type, if it has one. */
export async function applyStageEffect(effect: EffectContext, typeCode: string, stageCode: string, application: ApplicationFacts, outputs: Record<string, unknown>): Promise<void> {
  await EFFECTS[`${typeCode}.${stageCode}`]?.(effect, application, outputs);
}

import { recordAudit, systemActor } from '../platform/audit/audit';
import type { PlatformContext } from '../platform/context';
import { insertMany } from '../platform/db/bulk';
import type { Sql } from '../platform/db/database';
import { maskIdNumber } from '../platform/masking';
import type { Role } from '../platform/permissions';
import { residentIdCheckCharacter } from '../platform/validation';
import { seedDemoAppointments } from '../modules/appointments';
import { createBillingRun, getBillingRun, workBillingRun } from '../modules/billing';
import { maskBankAccount } from '../modules/payments';
import { seedDemoReading } from '../modules/reading';
import { DEMO_KNOWLEDGE, seedKnowledge } from '../modules/service';
import { seedDemoTariffs } from '../modules/tariffs';
import { createServiceHall, createTenant, findTenantByCode, hashPassword, type Tenant } from '../modules/tenancy';
import { BUSINESS_NAMES, COMPOUND_NAMES, DISTRICTS, GIVEN_NAME_CHARACTERS, IMPORTANT_ORGANISATIONS, METER_MODELS, SPECIAL_BUSINESS_NAMES, SURNAMES } from './names';
import { monthsBefore, seedDemoHistory } from './history';
import { seedDemoServiceHistory } from './service-history';
import { seedDemoApplications } from './applications';
import { SeededRandom } from './random';

export const DEMO_TENANT = { code: 'jiangcheng', name: '江城水务集团', nameEn: 'Jiangcheng Water Group', hotline: '0710-96655' };
export const DEMO_PASSWORD = 'Shuiwu@2026';
/** The customer the README and the portal journey use: bind account 1000000001 as 李秀英. */
export const DEMO_CUSTOMER = { name: '李秀英', phone: '13800138000', accountNo: '1000000001' };

export const DEMO_STAFF: { username: string; displayName: string; roles: Role[] }[] = [
  { username: 'admin', displayName: '系统管理员', roles: ['admin'] },
  { username: 'counter', displayName: '王丽（综合窗口）', roles: ['counter_clerk'] },
  { username: 'hotline', displayName: '陈静（热线）', roles: ['hotline_agent'] },
  { username: 'dispatcher', displayName: '刘强（调度）', roles: ['dispatcher'] },
  { username: 'repair', displayName: '赵磊（维修）', roles: ['repair_crew'] },
  { username: 'reader', displayName: '孙伟（抄表）', roles: ['meter_reader'] },
  { username: 'supervisor', displayName: '马建国（抄表主管）', roles: ['reading_supervisor'] },
  { username: 'collector', displayName: '周军（催收）', roles: ['collector'] },
  { username: 'billing', displayName: '吴敏（核算）', roles: ['billing_clerk'] },
  { username: 'connection', displayName: '郑涛（报装）', roles: ['connection_staff'] },
  { username: 'manager', displayName: '黄华（管理）', roles: ['manager'] },
  { username: 'auditor', displayName: '林芳（审计）', roles: ['auditor'] },
  { username: 'finance', displayName: '何静（财务对账）', roles: ['finance_clerk'] },
];

export interface DemoSummary {
  tenant: Tenant;
  isNew: boolean;
  customers: number;
  accounts: number;
  meters: number;
  readings: number;
  bills: number;
}

/** The months the demo has billed today (the three before them are history, billed in the past: history.ts); readings run a month further, ready for the next run. */
export const DEMO_BILLED_PERIODS = ['2026-07', '2026-08', '2026-09'];

type Category = 'residential' | 'non_residential' | 'special';

interface PlannedAccount {
  customerIndex: number;
  premiseIndex: number;
  category: Category;
  householdSize: number;
  openedOn: string;
  hallIndex: number;
}

/**
 * Seeds the demo utility 江城水务集团 if it is not there yet: service halls, a staff member for every role,
 * and a city of customers (residential, non-residential and special-industry accounts, important customers,
 * special-care households) with premises and meters. The same seed always gives the same data.
 */
export async function seedDemo(context: PlatformContext, options: { customers?: number; billedPeriods?: readonly string[]; history?: boolean } = {}): Promise<DemoSummary> {
  const existing = await findTenantByCode(context, DEMO_TENANT.code);
  if (existing) return { tenant: existing, isNew: false, customers: 0, accounts: 0, meters: 0, readings: 0, bills: 0 };
  const tenant = await createTenant(context, DEMO_TENANT);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const random = new SeededRandom(20260301);
  const customerCount = options.customers ?? 5000;

  const summary = await context.db.withTenant(tenant.id, async (sql) => {
    const hallIds = [
      await createServiceHall(sql, tenant.id, { name: '江城水务营业大厅', address: '江岸区沿江大道 188 号', phone: '0710-96655', openingHours: '周一至周日 8:30–17:30；周二、周四延时至 20:00', isGovernmentCentre: false }),
      await createServiceHall(sql, tenant.id, { name: '武昌营业厅', address: '武昌区中北路 66 号', phone: '0710-96655', openingHours: '周一至周六 8:30–17:30；午间不休', isGovernmentCentre: false }),
      await createServiceHall(sql, tenant.id, { name: '市民之家水务窗口', address: '汉阳区市民之家 B 区 12 号窗口', phone: null, openingHours: '工作日 9:00–17:00（政务服务中心）', isGovernmentCentre: true }),
    ];
    await seedStaff(sql, tenant.id, passwordHash, random);

    const plan = planCity(random, customerCount);
    await insertCity(context, sql, tenant.id, plan, hallIds, random);
    await sql.query(
      `INSERT INTO counters (tenant_id, name, value) VALUES ($1, 'account_no', $2), ($1, 'customer_no', $3)
       ON CONFLICT (tenant_id, name) DO UPDATE SET value = EXCLUDED.value`,
      [tenant.id, 1_000_000_000 + plan.accounts.length, 10_000_000 + plan.customers.length],
    );
    await recordAudit(sql, tenant.id, systemActor('demo-seed'), context.clock.now(), {
      action: 'demo.seed',
      objectType: 'tenant',
      objectId: tenant.id,
      after: { customers: plan.customers.length, accounts: plan.accounts.length, meters: plan.premises.length },
    });
    await seedDemoTariffs(context, sql, tenant.id);
    const reading = await seedDemoReading(context, sql, tenant.id, { anchorAccountNo: DEMO_CUSTOMER.accountNo });
    await seedKnowledge(sql, tenant.id, DEMO_KNOWLEDGE, context.clock.now());
    await seedDemoAppointments(sql, tenant.id, context.clock.now());
    return { tenant, isNew: true, customers: plan.customers.length, accounts: plan.accounts.length, meters: plan.premises.length, readings: reading.readings, bills: 0 };
  });
  await seedDemoWithholding(context, tenant.id);
  const billedPeriods = options.billedPeriods ?? DEMO_BILLED_PERIODS;
  // A few months of history before them (billed, paid or not, dunned, cut off), dated back from today.
  if (options.history !== false && billedPeriods[0]) {
    const history = await seedDemoHistory(context, tenant.id, { periods: monthsBefore(billedPeriods[0], 3), portalAccountNo: DEMO_CUSTOMER.accountNo });
    summary.bills += history.bills;
  }
  // Bill the recent months through the real billing run, so the portal and console show bills at once.
  for (const period of billedPeriods) {
    const run = await createBillingRun(context, tenant.id, { period }, systemActor('demo-seed'));
    await workBillingRun(context, tenant.id, run.id);
    summary.bills += (await getBillingRun(context, tenant.id, run.id)).summary?.bills ?? 0;
  }
  // A few weeks of service requests (every channel, closed and rated, some late and escalated, some open today).
  if (options.history !== false) await seedDemoServiceHistory(context, tenant.id);
  // A dozen applications (网上办) at various stages, worked by a connection team that keeps the segregation rules.
  if (options.history !== false) await seedDemoApplications(context, tenant.id);
  return summary;
}

/**
 * Bank withholding mandates (代扣协议) for the first 40 residential accounts of persons (not the portal's demo
 * customer), alternating two banks, so the console can make a withholding batch at once (the history pays
 * these accounts' earlier bills by withholding). Bank account numbers are made up from the account number
 * (deterministic) and stored the way the service stores them: encrypted, blind-indexed and masked.
 */
async function seedDemoWithholding(context: PlatformContext, tenantId: string): Promise<void> {
  await context.db.withTenant(tenantId, async (sql) => {
    const accounts = await sql.query<{ id: string; account_no: string; name: string }>(
      `SELECT a.id, a.account_no, c.name FROM accounts a JOIN customers c ON c.id = a.customer_id
       WHERE c.kind = 'individual' AND a.category = 'residential' AND a.status <> 'closed' AND a.account_no <> $1 ORDER BY a.account_no LIMIT 40`,
      // The portal's demo customer pays online: a withholding batch must not settle their bills first.
      [DEMO_CUSTOMER.accountNo],
    );
    const now = context.clock.now();
    for (const [index, account] of accounts.entries()) {
      const bankAccountNo = `${index % 2 === 0 ? '6222021' : '6217002'}${account.account_no.replace(/\D/g, '').padStart(12, '0').slice(-12)}`;
      await sql.query(
        `INSERT INTO withholding_mandates (tenant_id, account_id, bank_code, bank_account_encrypted, bank_account_blind_index, bank_account_masked, holder_name, signed_on, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, '2025-06-01', $8)`,
        [tenantId, account.id, index % 2 === 0 ? 'ICBC' : 'CCB', context.cipher.encrypt(bankAccountNo), context.cipher.blindIndex(bankAccountNo), maskBankAccount(bankAccountNo), account.name, now],
      );
    }
    await recordAudit(sql, tenantId, systemActor('demo-seed'), now, { action: 'demo.seed.withholding', objectType: 'tenant', objectId: tenantId, after: { mandates: accounts.length } });
  });
}

async function seedStaff(sql: Sql, tenantId: string, passwordHash: string, random: SeededRandom): Promise<void> {
  const rows = DEMO_STAFF.map((member) => [random.uuid(), tenantId, member.username, member.displayName, passwordHash]);
  await insertMany(sql, 'staff', [
    { name: 'id', type: 'uuid' },
    { name: 'tenant_id', type: 'uuid' },
    { name: 'username', type: 'text' },
    { name: 'display_name', type: 'text' },
    { name: 'password_hash', type: 'text' },
  ], rows);
  const roleRows = DEMO_STAFF.flatMap((member, index) => member.roles.map((role) => [tenantId, (rows[index] as unknown[])[0], role]));
  await insertMany(sql, 'staff_roles', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'staff_id', type: 'uuid' },
    { name: 'role', type: 'text' },
  ], roleRows);
}

interface PlannedCustomer {
  id: string;
  kind: 'individual' | 'organisation';
  name: string;
  phone: string | null;
  idType: 'resident_id' | 'business_licence' | null;
  idNumber: string | null;
  isImportant: boolean;
  importantNote: string | null;
  isSpecialCare: boolean;
  specialCareNote: string | null;
}

interface PlannedPremise {
  id: string;
  district: string;
  street: string;
  address: string;
  buildingType: 'residential' | 'commercial' | 'industrial' | 'public' | 'unmanaged';
  latitudeE6: number;
  longitudeE6: number;
}

interface CityPlan {
  customers: PlannedCustomer[];
  premises: PlannedPremise[];
  accounts: PlannedAccount[];
}

function personName(random: SeededRandom): string {
  const given = random.chance(0.7)
    ? `${random.pick(GIVEN_NAME_CHARACTERS)}${random.pick(GIVEN_NAME_CHARACTERS)}`
    : random.pick(GIVEN_NAME_CHARACTERS);
  return `${random.pick(SURNAMES)}${given}`;
}

function residentId(random: SeededRandom, areaCode: string): string {
  const birth = random.date('1940-01-01', '2002-12-31').replaceAll('-', '');
  const first17 = `${areaCode}${birth}${String(random.integer(0, 999)).padStart(3, '0')}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

function businessLicence(random: SeededRandom): string {
  // 18-character unified social credit code: the demo keeps the shape, not the check digit.
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let code = '91420100';
  while (code.length < 18) code += random.pick(alphabet.split(''));
  return code;
}

function planCity(random: SeededRandom, customerCount: number): CityPlan {
  const customers: PlannedCustomer[] = [];
  const premises: PlannedPremise[] = [];
  const accounts: PlannedAccount[] = [];
  const usedPhones = new Set<string>([DEMO_CUSTOMER.phone]);
  const uniquePhone = (): string => {
    for (;;) {
      const phone = `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.integer(0, 999_999_999)).padStart(9, '0')}`;
      if (!usedPhones.has(phone)) {
        usedPhones.add(phone);
        return phone;
      }
    }
  };
  const addPremise = (buildingType: PlannedPremise['buildingType'], businessName?: string): number => {
    const district = random.pick(DISTRICTS);
    const street = random.pick(district.streets);
    const number = random.integer(1, 399);
    const address =
      buildingType === 'residential' || buildingType === 'unmanaged'
        ? `${number}号${random.pick(COMPOUND_NAMES)}${random.integer(1, 24)}栋${random.integer(1, 4)}单元${random.integer(1, 32)}0${random.integer(1, 4)}室`
        : `${number}号${businessName ? ` ${businessName}` : ''}`;
    premises.push({
      id: random.uuid(),
      district: district.name,
      street,
      address,
      buildingType,
      latitudeE6: 30_500_000 + random.integer(0, 150_000),
      longitudeE6: 114_200_000 + random.integer(0, 250_000),
    });
    return premises.length - 1;
  };

  for (let index = 0; index < customerCount; index += 1) {
    const district = random.pick(DISTRICTS);
    const isFirst = index === 0;
    const importantOrganisation = index > 0 && index <= IMPORTANT_ORGANISATIONS.length ? IMPORTANT_ORGANISATIONS[index - 1] : undefined;
    const roll = random.next();
    let customer: PlannedCustomer;
    let category: Category;
    let buildingType: PlannedPremise['buildingType'];
    if (importantOrganisation) {
      customer = { id: random.uuid(), kind: 'organisation', name: importantOrganisation.name, phone: uniquePhone(), idType: 'business_licence', idNumber: businessLicence(random), isImportant: true, importantNote: importantOrganisation.note, isSpecialCare: importantOrganisation.name.includes('福利院'), specialCareNote: importantOrganisation.name.includes('福利院') ? '福利机构：免费清洗二次供水设施，优先维修' : null };
      category = 'non_residential';
      buildingType = 'public';
    } else if (!isFirst && roll < 0.08) {
      const surname = random.pick(SURNAMES);
      customer = { id: random.uuid(), kind: 'organisation', name: `江城市${surname}记${random.pick(BUSINESS_NAMES)}`, phone: uniquePhone(), idType: 'business_licence', idNumber: businessLicence(random), isImportant: false, importantNote: null, isSpecialCare: false, specialCareNote: null };
      category = 'non_residential';
      buildingType = 'commercial';
    } else if (!isFirst && roll < 0.1) {
      customer = { id: random.uuid(), kind: 'organisation', name: `江城${random.pick(SURNAMES)}氏${random.pick(SPECIAL_BUSINESS_NAMES)}`, phone: uniquePhone(), idType: 'business_licence', idNumber: businessLicence(random), isImportant: false, importantNote: null, isSpecialCare: false, specialCareNote: null };
      category = 'special';
      buildingType = 'commercial';
    } else {
      const isSpecialCare = !isFirst && random.chance(0.02);
      customer = {
        id: random.uuid(),
        kind: 'individual',
        name: isFirst ? DEMO_CUSTOMER.name : personName(random),
        phone: isFirst ? DEMO_CUSTOMER.phone : random.chance(0.95) ? uniquePhone() : null,
        idType: 'resident_id',
        idNumber: residentId(random, district.areaCode),
        isImportant: false,
        importantNote: null,
        isSpecialCare,
        specialCareNote: isSpecialCare ? random.pick(['独居老人，行动不便，上门服务', '低保户，水费减免政策咨询', '三无楼院住户，二次供水设施免费清洗', '残疾人家庭，优先上门维修']) : null,
      };
      category = 'residential';
      buildingType = random.chance(0.03) ? 'unmanaged' : 'residential';
    }
    customers.push(customer);
    const premiseIndex = addPremise(buildingType, customer.kind === 'organisation' ? customer.name.replace(/^江城(市)?/, '') : undefined);
    accounts.push({ customerIndex: index, premiseIndex, category, householdSize: category === 'residential' ? random.integer(1, 6) : 1, openedOn: random.date('2008-01-01', '2026-06-30'), hallIndex: random.integer(0, 2) });
    // Some households also hold a second account (a shop, or a second flat).
    if (customer.kind === 'individual' && !isFirst && random.chance(0.08)) {
      const isShop = random.chance(0.5);
      const secondPremise = addPremise(isShop ? 'commercial' : 'residential', isShop ? `${customer.name.slice(0, 1)}记${random.pick(BUSINESS_NAMES)}` : undefined);
      accounts.push({ customerIndex: index, premiseIndex: secondPremise, category: isShop ? 'non_residential' : 'residential', householdSize: isShop ? 1 : random.integer(1, 5), openedOn: random.date('2012-01-01', '2026-06-30'), hallIndex: random.integer(0, 2) });
    }
  }
  return { customers, premises, accounts };
}

async function insertCity(context: PlatformContext, sql: Sql, tenantId: string, plan: CityPlan, hallIds: string[], random: SeededRandom): Promise<void> {
  const now = context.clock.now();
  await insertMany(sql, 'customers', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'customer_no', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'id_type', type: 'text' },
    { name: 'id_number_encrypted', type: 'bytea', isHexBytes: true },
    { name: 'id_number_blind_index', type: 'bytea', isHexBytes: true },
    { name: 'id_number_masked', type: 'text' },
    { name: 'is_important', type: 'bool' },
    { name: 'important_note', type: 'text' },
    { name: 'is_special_care', type: 'bool' },
    { name: 'special_care_note', type: 'text' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
  ], plan.customers.map((customer, index) => [
    tenantId,
    customer.id,
    `C${String(10_000_001 + index).padStart(8, '0')}`,
    customer.kind,
    customer.name,
    customer.phone,
    customer.idType,
    customer.idNumber ? context.cipher.encrypt(customer.idNumber).toString('hex') : null,
    customer.idNumber ? context.cipher.blindIndex(customer.idNumber).toString('hex') : null,
    customer.idNumber ? maskIdNumber(customer.idNumber) : null,
    customer.isImportant,
    customer.importantNote,
    customer.isSpecialCare,
    customer.specialCareNote,
    now,
    now,
  ]));

  await insertMany(sql, 'premises', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'district', type: 'text' },
    { name: 'street', type: 'text' },
    { name: 'address', type: 'text' },
    { name: 'building_type', type: 'text' },
    { name: 'latitude_e6', type: 'int4' },
    { name: 'longitude_e6', type: 'int4' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
  ], plan.premises.map((premise) => [tenantId, premise.id, premise.district, premise.street, premise.address, premise.buildingType, premise.latitudeE6, premise.longitudeE6, now, now]));

  await insertMany(sql, 'accounts', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'account_no', type: 'text' },
    { name: 'customer_id', type: 'uuid' },
    { name: 'premise_id', type: 'uuid' },
    { name: 'category', type: 'text' },
    { name: 'household_size', type: 'int4' },
    { name: 'opened_on', type: 'date' },
    { name: 'service_hall_id', type: 'uuid' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
  ], plan.accounts.map((account, index) => [
    tenantId,
    random.uuid(),
    String(1_000_000_001 + index),
    (plan.customers[account.customerIndex] as PlannedCustomer).id,
    (plan.premises[account.premiseIndex] as PlannedPremise).id,
    account.category,
    account.householdSize,
    account.openedOn,
    hallIds[account.hallIndex],
    now,
    now,
  ]));

  // One meter per premise, sized by use; installed no earlier than the account was opened.
  const meterRows = plan.accounts.map((account, index) => {
    const size = account.category === 'residential' ? random.pick([15, 15, 15, 20]) : account.category === 'special' ? random.pick([25, 40, 50]) : random.pick([20, 25, 25, 40, 50, 80, 100]);
    const installedOn = random.date(account.openedOn > '2016-01-01' ? account.openedOn : '2016-01-01', '2026-09-30');
    const verifiedOn = new Date(Date.parse(`${installedOn}T00:00:00Z`) - random.integer(10, 90) * 86_400_000).toISOString().slice(0, 10);
    return [
      tenantId,
      random.uuid(),
      `JC${installedOn.slice(2, 4)}${String(index + 1).padStart(7, '0')}`,
      (plan.premises[account.premiseIndex] as PlannedPremise).id,
      random.pick(METER_MODELS[size] ?? ['LXS-15E 旋翼湿式']),
      size,
      random.chance(installedOn >= '2021-01-01' ? 0.6 : 0.1),
      installedOn,
      verifiedOn,
      random.integer(0, 20) * 1000,
      now,
      now,
    ];
  });
  await insertMany(sql, 'meters', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'serial_no', type: 'text' },
    { name: 'premise_id', type: 'uuid' },
    { name: 'model', type: 'text' },
    { name: 'size_dn', type: 'int4' },
    { name: 'is_remote', type: 'bool' },
    { name: 'installed_on', type: 'date' },
    { name: 'first_verified_on', type: 'date' },
    { name: 'initial_reading_litres', type: 'int8' },
    { name: 'created_at', type: 'timestamptz' },
    { name: 'updated_at', type: 'timestamptz' },
  ], meterRows);

  // Family contacts for some households, and a duty contact for every important customer.
  const contactRows: unknown[][] = [];
  plan.customers.forEach((customer, index) => {
    if (customer.isImportant || (customer.kind === 'individual' && (customer.isSpecialCare || random.chance(0.15)))) {
      const relation = customer.kind === 'organisation' ? '后勤负责人' : random.pick(['子女', '配偶', '亲属', '社区网格员']);
      contactRows.push([tenantId, random.uuid(), customer.id, personName(random), relation, `1${random.pick(['3', '5', '8'])}${String(random.integer(0, 999_999_999)).padStart(9, '0')}`, true, now]);
    }
    if (index === 0) contactRows.push([tenantId, random.uuid(), customer.id, '张建国', '配偶', '13900139000', false, now]);
  });
  await insertMany(sql, 'contacts', [
    { name: 'tenant_id', type: 'uuid' },
    { name: 'id', type: 'uuid' },
    { name: 'customer_id', type: 'uuid' },
    { name: 'name', type: 'text' },
    { name: 'relation', type: 'text' },
    { name: 'phone', type: 'text' },
    { name: 'is_primary', type: 'bool' },
    { name: 'created_at', type: 'timestamptz' },
  ], contactRows);
}

import { systemActor } from '../src/platform/audit/audit';
import { createCustomer, openAccount, type Account, type Customer, type NewCustomer, type Premise } from '../src/modules/customers';
import { insertPremise } from '../src/modules/customers';
import { createMeter, type Meter } from '../src/modules/meters';
import type { TestEnvironment, Utility } from './harness';

let serial = 0;

export interface CustomerWithAccount {
  customer: Customer;
  premise: Premise;
  account: Account;
  meter: Meter;
}

/** A residential customer with a premise, an open account and an installed meter: the usual household. */
export async function givenCustomerWithAccount(
  environment: TestEnvironment,
  utility: Utility,
  overrides: Partial<NewCustomer> & { street?: string; address?: string; category?: Account['category'] } = {},
): Promise<CustomerWithAccount> {
  serial += 1;
  const { context } = environment;
  const tenantId = utility.tenant.id;
  const actor = systemActor('test');
  const { street, address, category, ...customerFields } = overrides;
  const customer = await createCustomer(context, tenantId, { kind: 'individual', name: `测试用户${serial}`, phone: `139${String(10_000_000 + serial).slice(-8)}`, ...customerFields }, actor);
  const premise = await context.db.withTenant(tenantId, (sql) =>
    insertPremise(context, sql, tenantId, { district: '江岸区', street: street ?? '沿江大道', address: address ?? `${serial}号测试小区1栋1单元10${serial % 10}室` }),
  );
  const account = await openAccount(context, tenantId, utility.tenant.timeZone, { customerId: customer.id, premiseId: premise.id, category: category ?? 'residential', householdSize: 3 }, actor);
  const meter = await createMeter(context, tenantId, { serialNo: `T${String(serial).padStart(6, '0')}-${tenantId.slice(0, 4).toUpperCase()}`, premiseId: premise.id, model: 'LXS-15E', sizeDn: 15, status: 'installed', installedOn: '2024-05-01', firstVerifiedOn: '2024-04-01' }, actor);
  return { customer, premise, account, meter };
}

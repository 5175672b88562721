import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { givenCustomerWithAccount, type CustomerWithAccount } from './factories';
import { createTestEnvironment, type Client, type TestEnvironment, type Utility } from './harness';

interface ErrorBody {
  code: string;
  message: { zh: string; en: string };
  fields: { field: string; zh: string; en: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let clerk: Client;
let household: CustomerWithAccount;

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('cust');
  clerk = await environment.loginStaff(utility, 'counter_clerk');
  household = await givenCustomerWithAccount(environment, utility, {
    name: '欧阳娜娜',
    phone: '13912345678',
    idType: 'resident_id',
    idNumber: '11010519491231002X',
    street: '解放大道',
    address: '88号梧桐苑3栋2单元501室',
  });
});
afterAll(() => environment.close());

const search = async (q: string) =>
  (await clerk.get<{ results: { customerId: string; matchedOn: string; phoneMasked: string | null }[]; tookMs: number }>(`/api/customers?q=${encodeURIComponent(q)}`)).body;

describe('finding a customer from the search box', () => {
  it.each([
    ['account number', () => household.account.accountNo, 'account_no'],
    ['account number prefix', () => household.account.accountNo.slice(0, 9), 'account_no'],
    ['customer number', () => household.customer.customerNo, 'customer_no'],
    ['phone', () => '13912345678', 'phone'],
    ['ID number', () => '11010519491231002x', 'id_number'],
    ['name', () => '欧阳娜', 'name'],
    ['address', () => '梧桐苑3栋', 'address'],
  ])('by %s', async (_label, query, matchedOn) => {
    const body = await search(query());
    const hit = body.results.find((result) => result.customerId === household.customer.id);
    expect(hit?.matchedOn).toBe(matchedOn);
    expect(hit?.phoneMasked).toBe('139****5678');
  });

  it('finds a customer by a contact person\'s phone', async () => {
    const added = await clerk.post(`/api/customers/${household.customer.id}/contacts`, { name: '欧阳明', relation: '子女', phone: '13698765432' });
    expect(added.status).toBe(201);
    const body = await search('13698765432');
    expect(body.results.map((result) => result.customerId)).toContain(household.customer.id);
  });

  it('treats % and _ in the query as text, not wildcards', async () => {
    expect((await search('%%')).results).toEqual([]);
  });

  it('asks for at least two characters', async () => {
    const response = await clerk.get<ErrorBody>('/api/customers?q=a');
    expect(response.status).toBe(400);
    expect(response.body.fields[0]?.field).toBe('q');
  });
});

describe('creating and editing customers', () => {
  it('creates a customer with an encrypted ID number, masked in every answer', async () => {
    const response = await clerk.post<{ id: string; idNumberMasked: string; phoneMasked: string; customerNo: string }>('/api/customers', {
      kind: 'individual',
      name: '司马光',
      phone: '13811112222',
      idType: 'resident_id',
      idNumber: '110105198001010032',
    });
    expect(response.status).toBe(201);
    expect(response.body.idNumberMasked).toBe('1101**********0032');
    expect(response.body.phoneMasked).toBe('138****2222');
    expect(response.body.customerNo).toMatch(/^C\d{8}$/);
    const stored = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ encrypted: Buffer }>('SELECT id_number_encrypted AS encrypted FROM customers WHERE id = $1', [response.body.id]),
    );
    expect(Buffer.from(stored[0]?.encrypted ?? []).toString('latin1')).not.toContain('110105198001010032');
    const audit = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ text: string }>("SELECT after::text AS text FROM audit_log WHERE object_id = $1 AND action = 'customer.create'", [response.body.id]),
    );
    expect(audit[0]?.text).not.toContain('110105198001010032');
    expect(audit[0]?.text).not.toContain('13811112222');
  });

  it('rejects a resident ID with a wrong check digit, naming the field in Chinese and English', async () => {
    const response = await clerk.post<ErrorBody>('/api/customers', { kind: 'individual', name: '错号', idType: 'resident_id', idNumber: '110105194912310028' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(response.body.fields).toEqual([expect.objectContaining({ field: 'idNumber' })]);
    expect(response.body.message.zh).toContain('idNumber');
    expect(response.body.message.en).toContain('idNumber');
  });

  it('rejects a bad phone number and an empty name together, and writes nothing', async () => {
    const before = await environment.ownerQuery<{ n: number }>("SELECT count(*)::int8 AS n FROM pg_stat_user_tables WHERE relname = 'customers'");
    const response = await clerk.post<ErrorBody>('/api/customers', { kind: 'individual', name: '', phone: '12345' });
    expect(response.status).toBe(400);
    expect(response.body.fields.map((field) => field.field).sort()).toEqual(['name', 'phone']);
    expect(before).toHaveLength(1);
    const found = await search('12345');
    expect(found.results).toEqual([]);
  });

  it('edits with optimistic locking: a stale version gets 409 and changes nothing', async () => {
    const read = await clerk.get<{ customer: { version: number } }>(`/api/customers/${household.customer.id}`);
    const version = read.body.customer.version;
    const first = await clerk.patch<{ version: number; isSpecialCare: boolean }>(`/api/customers/${household.customer.id}`, { version, isSpecialCare: true, specialCareNote: '独居老人' });
    expect(first.status).toBe(200);
    expect(first.body.version).toBe(version + 1);
    const stale = await clerk.patch<ErrorBody>(`/api/customers/${household.customer.id}`, { version, isSpecialCare: false });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('stale_version');
    const after = await clerk.get<{ customer: { isSpecialCare: boolean } }>(`/api/customers/${household.customer.id}`);
    expect(after.body.customer.isSpecialCare).toBe(true);
  });

  it('reveals the full ID number only with the permission, and records who looked', async () => {
    const revealed = await clerk.post<{ value: string }>(`/api/customers/${household.customer.id}/reveal`, { field: 'idNumber' });
    expect(revealed.status).toBe(200);
    expect(revealed.body.value).toBe('11010519491231002X');
    const hotline = await environment.loginStaff(utility, 'hotline_agent');
    expect((await hotline.post(`/api/customers/${household.customer.id}/reveal`, { field: 'phone' })).status).toBe(403);
    const auditor = await environment.loginStaff(utility, 'auditor');
    const audit = await auditor.get<{ entries: { action: string; actorName: string }[] }>(`/api/audit?objectId=${household.customer.id}&action=customer.reveal`);
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: 'customer.reveal.idNumber', actorName: expect.stringContaining('counter-clerk') })]);
  });
});

describe('the customer 360', () => {
  it('shows accounts, premises, meters with their verification due date, contacts and history', async () => {
    const response = await clerk.get<{
      customer: { name: string };
      accounts: { accountNo: string; fullAddress: string }[];
      premises: { id: string }[];
      meters: { serialNo: string; verificationDueOn: string }[];
      contacts: { phoneMasked: string }[];
      history: { action: string }[];
    }>(`/api/customers/${household.customer.id}`);
    expect(response.status).toBe(200);
    expect(response.body.customer.name).toBe('欧阳娜娜');
    expect(response.body.accounts[0]?.fullAddress).toBe('江岸区解放大道88号梧桐苑3栋2单元501室');
    expect(response.body.premises).toHaveLength(1);
    // DN15 first verified 2024-04-01: replaced within six years.
    expect(response.body.meters[0]?.verificationDueOn).toBe('2030-04-01');
    expect(response.body.contacts.every((contact) => contact.phoneMasked.includes('****'))).toBe(true);
    expect(response.body.history.map((entry) => entry.action)).toEqual(expect.arrayContaining(['customer.create', 'account.open', 'meter.create']));
  });

  it('edits the premise address and the change shows in the history and the audit log', async () => {
    const premise = (await clerk.get<{ version: number }>(`/api/premises/${household.premise.id}`)).body;
    const response = await clerk.patch<{ fullAddress: string }>(`/api/premises/${household.premise.id}`, { version: premise.version, address: '88号梧桐苑3栋2单元502室' });
    expect(response.status).toBe(200);
    expect(response.body.fullAddress).toBe('江岸区解放大道88号梧桐苑3栋2单元502室');
    const view = await clerk.get<{ history: { action: string }[] }>(`/api/customers/${household.customer.id}`);
    expect(view.body.history[0]?.action).toBe('premise.update');
    const auditor = await environment.loginStaff(utility, 'auditor');
    const audit = await auditor.get<{ entries: { before: { address: string }; after: { address: string } }[] }>(`/api/audit?objectType=premise&objectId=${household.premise.id}`);
    expect(audit.body.entries[0]?.before).toEqual({ address: '88号梧桐苑3栋2单元501室' });
    expect(audit.body.entries[0]?.after).toEqual({ address: '88号梧桐苑3栋2单元502室' });
  });

  it('opens a second account with the next account number, but never two open accounts on one premise', async () => {
    const premise = await clerk.post<{ id: string }>('/api/premises', { district: '江汉区', street: '中山大道', address: '1号商铺' });
    expect(premise.status).toBe(201);
    const account = await clerk.post<{ accountNo: string }>('/api/accounts', { customerId: household.customer.id, premiseId: premise.body.id, category: 'non_residential' });
    expect(account.status).toBe(201);
    expect(Number(account.body.accountNo)).toBeGreaterThan(Number(household.account.accountNo));
    const second = await clerk.post<ErrorBody>('/api/accounts', { customerId: household.customer.id, premiseId: premise.body.id, category: 'residential' });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('premise_has_open_account');
  });

  it('registers and changes a meter, refusing an installed meter without a premise', async () => {
    const connection = await environment.loginStaff(utility, 'connection_staff');
    const bad = await connection.post<ErrorBody>('/api/meters', { serialNo: 'NEW-0001', model: 'LXS-20E', sizeDn: 20, status: 'installed' });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.map((field) => field.field).sort()).toEqual(['installedOn', 'premiseId']);
    const created = await connection.post<{ id: string; version: number; verificationDueOn: string | null }>('/api/meters', { serialNo: 'new-0001', model: 'LXL-50', sizeDn: 50, status: 'in_stock' });
    expect(created.status).toBe(201);
    expect(created.body.verificationDueOn).toBeNull();
    const installed = await connection.patch<{ serialNo: string; verificationDueOn: string }>(`/api/meters/${created.body.id}`, {
      version: created.body.version,
      status: 'installed',
      premiseId: household.premise.id,
      installedOn: '2025-02-28',
    });
    expect(installed.status).toBe(200);
    expect(installed.body.serialNo).toBe('NEW-0001');
    // DN50: four years from installation when no first verification date is recorded.
    expect(installed.body.verificationDueOn).toBe('2029-02-28');
  });
});

describe('binding accounts in the portal', () => {
  it('binds by account number and holder name, and shows the overview', async () => {
    const portal = await environment.loginPortal(utility, '13500000001');
    const bound = await portal.post<{ id: string; holderNameMasked: string; meters: { serialNo: string }[] }>('/api/portal/bindings', { accountNo: household.account.accountNo, holderName: '欧阳娜娜' });
    expect(bound.status).toBe(201);
    expect(bound.body.holderNameMasked).toBe('欧**娜');
    expect(bound.body.meters.map((meter) => meter.serialNo)).toContain(household.meter.serialNo);
    const list = await portal.get<{ accounts: { id: string }[] }>('/api/portal/accounts');
    expect(list.body.accounts.map((account) => account.id)).toEqual([household.account.id]);
    expect((await portal.delete(`/api/portal/bindings/${household.account.id}`)).status).toBe(204);
    expect((await portal.get(`/api/portal/accounts/${household.account.id}`)).status).toBe(404);
  });

  it('answers a wrong name and a wrong number alike, and stops after ten failures a day', async () => {
    const portal = await environment.loginPortal(utility, '13500000002');
    const wrongName = await portal.post<ErrorBody>('/api/portal/bindings', { accountNo: household.account.accountNo, holderName: '别人' });
    const wrongNumber = await portal.post<ErrorBody>('/api/portal/bindings', { accountNo: '9999999999', holderName: '欧阳娜娜' });
    expect(wrongName.status).toBe(400);
    expect(wrongName.body).toEqual(wrongNumber.body);
    for (let attempt = 3; attempt <= 10; attempt += 1) {
      expect((await portal.post('/api/portal/bindings', { accountNo: '9999999999', holderName: '某人' })).status).toBe(400);
    }
    const blocked = await portal.post<ErrorBody>('/api/portal/bindings', { accountNo: household.account.accountNo, holderName: '欧阳娜娜' });
    expect(blocked.status).toBe(429);
    environment.clock.advanceMinutes(24 * 60 + 1);
    expect((await portal.post('/api/portal/bindings', { accountNo: household.account.accountNo, holderName: '欧阳 娜娜' })).status).toBe(201);
  });
});

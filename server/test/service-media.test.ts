// Photos and materials on service requests: the resident reports with photos and a location, the crew
// documents the steps they took and records the materials they used, each by the rules of who may do what
// when; the request's detail carries both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorBody } from './endpoints';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { DISGUISED, HEIC, JPEG_4X3, PNG_4X3 } from './upload-fixtures';

interface Photo {
  id: string;
  step: string;
  contentType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  uploadedBy: string;
  uploadedByKind: string;
}
interface Material {
  id: string;
  code: string;
  name: string;
  unit: string;
  baseUnit: string;
  scale: number;
}
interface MaterialUse {
  id: string;
  material: Material;
  quantity: number;
  note: string | null;
  recordedBy: string;
}
interface Detail {
  id: string;
  state: string;
  version: number;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  photos: Photo[];
  materials: MaterialUse[];
}

let environment: TestEnvironment;
let utility: Utility;
let home: CustomerWithAccount;
let resident: Client;
let hotline: Client;
let dispatcher: Client;
let crew: Client;
let otherCrew: Client;
let manager: Client;
let leakId: string;
let catalogue: Material[];

const jpeg = { dataBase64: JPEG_4X3.toString('base64') };
const step = async (client: Client, request: Detail, body: Record<string, unknown>) => {
  const answer = await client.post<Detail>(`/api/service-requests/${request.id}/steps`, { version: request.version, ...body });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body;
};

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('media');
  home = await givenCustomerWithAccount(environment, utility, { name: '刘家' });
  resident = await environment.loginPortal(utility, '13700007777');
  expect((await resident.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '刘家' })).status).toBe(201);
  hotline = await environment.loginStaff(utility, 'hotline_agent');
  dispatcher = await environment.loginStaff(utility, 'dispatcher');
  crew = await environment.loginStaff(utility, 'repair_crew');
  manager = await environment.loginStaff(utility, 'manager');
  // A second crew member, not the one the request goes to.
  const admin = await environment.loginStaff(utility, 'admin');
  expect((await admin.post('/api/staff', { username: 'crew-two', displayName: '第二维修', password: 'A-long-enough-password', roles: ['repair_crew'] })).status).toBe(201);
  const login = await environment.app.inject({ method: 'POST', url: '/api/staff/login', payload: { tenant: utility.tenant.code, username: 'crew-two', password: 'A-long-enough-password' } });
  otherCrew = new Client(environment.app, String(login.headers['set-cookie']).split(';')[0] ?? null, (login.json() as { csrfToken: string }).csrfToken);
  const categories = (await resident.get<{ categories: { id: string; code: string }[] }>('/api/portal/service-categories')).body.categories;
  leakId = categories.find((category) => category.code === 'leak')?.id as string;
  catalogue = (await crew.get<{ materials: Material[] }>('/api/service-materials')).body.materials;
});
afterAll(() => environment.close());

describe('a resident reports a leak with photos and the phone’s location', () => {
  let request: Detail;

  it('may give only a location (no account, no address): latitude and longitude are kept', async () => {
    const created = await resident.post<Detail>('/api/portal/service-requests', { categoryId: leakId, latitude: 30.512345, longitude: 114.401234, description: '小区门口路面冒水' });
    expect(created.status).toBe(201);
    request = created.body;
    expect(request).toMatchObject({ latitude: 30.512345, longitude: 114.401234, address: null, photos: [], materials: [] });
  });

  it('adds photos one by one (JPEG, and HEIC as iPhones send it), at most six, and they show in the detail', async () => {
    const first = await resident.post<{ photo: Photo }>(`/api/portal/service-requests/${request.id}/photos`, { photo: { ...jpeg, contentType: 'image/jpeg', fileName: 'IMG_0001.JPG' } });
    expect(first.status).toBe(201);
    expect(first.body.photo).toMatchObject({ step: 'submit', contentType: 'image/jpeg', width: 4, height: 3, uploadedByKind: 'customer', uploadedBy: 'portal:137****7777' });
    const heic = await resident.post<{ photo: Photo }>(`/api/portal/service-requests/${request.id}/photos`, { photo: { dataBase64: HEIC.toString('base64'), fileName: 'IMG_0002.HEIC' } });
    expect(heic.body.photo).toMatchObject({ contentType: 'image/heic', width: null });
    for (let index = 0; index < 4; index += 1) expect((await resident.post(`/api/portal/service-requests/${request.id}/photos`, { photo: jpeg })).status).toBe(201);
    const seventh = await resident.post<ErrorBody>(`/api/portal/service-requests/${request.id}/photos`, { photo: jpeg });
    expect(seventh.status).toBe(409);
    expect(seventh.body.code).toBe('too_many_photos');
    const detail = (await resident.get<Detail>(`/api/portal/service-requests/${request.id}`)).body;
    expect(detail.photos.map((photo) => photo.contentType)).toEqual(['image/jpeg', 'image/heic', 'image/jpeg', 'image/jpeg', 'image/jpeg', 'image/jpeg']);
    const staffView = (await hotline.get<Detail>(`/api/service-requests/${request.id}`)).body;
    expect(staffView.photos.map((photo) => photo.id)).toEqual(detail.photos.map((photo) => photo.id));
    const image = await resident.get(`/api/portal/service-requests/${request.id}/photos/${detail.photos[1]?.id}`);
    expect(image.headers['content-type']).toBe('image/heic');
    expect(image.rawBody).toEqual(HEIC);
  });

  it('is refused a disguised file with a message saying why, in Chinese and English', async () => {
    const answer = await resident.post<ErrorBody>(`/api/portal/service-requests/${request.id}/photos`, { photo: { dataBase64: (DISGUISED['an HTML page renamed .jpg'] as Buffer).toString('base64'), fileName: 'photo.jpg' } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'invalid_file_type', fields: [{ field: 'photo', zh: expect.stringContaining('JPEG'), en: expect.stringContaining('JPEG') }] });
  });
});

describe('the crew documents the steps they took', () => {
  let request: Detail;

  beforeAll(async () => {
    request = (await hotline.post<Detail>('/api/service-requests', { categoryId: leakId, channel: 'hotline', accountId: home.account.id, description: 'DN100 管道漏水' })).body;
  });

  it('a desk agent adds a photo for the report; nobody may add one for a site step not yet taken', async () => {
    expect((await hotline.post(`/api/service-requests/${request.id}/photos`, { step: 'submit', photo: jpeg })).status).toBe(201);
    // The manager may read but not handle: 403 like any missing permission, before the request is looked at.
    const byManager = await manager.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'submit', photo: jpeg });
    expect([byManager.status, byManager.body.code]).toEqual([403, 'forbidden']);
    const byAgent = await hotline.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'arrive', photo: jpeg });
    expect([byAgent.status, byAgent.body.code]).toEqual([403, 'forbidden']);
    request = await step(hotline, request, { step: 'accept' });
    request = await step(dispatcher, request, { step: 'dispatch', assigneeStaffId: utility.staff.repair_crew.id });
    const tooEarly = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'arrive', photo: jpeg });
    expect([tooEarly.status, tooEarly.body.code]).toEqual([409, 'wrong_state']);
  });

  it('the assigned crew member adds photos of arrival and control once there; another crew member may not', async () => {
    request = await step(crew, request, { step: 'depart' });
    request = await step(crew, request, { step: 'arrive' });
    const arrived = await crew.post<{ photo: Photo }>(`/api/service-requests/${request.id}/photos`, { step: 'arrive', photo: { dataBase64: PNG_4X3.toString('base64') } });
    expect(arrived.status).toBe(201);
    expect(arrived.body.photo).toMatchObject({ step: 'arrive', contentType: 'image/png', uploadedByKind: 'staff' });
    const notTheirs = await otherCrew.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'arrive', photo: jpeg });
    expect([notTheirs.status, notTheirs.body.code]).toEqual([403, 'not_assignee']);
    const controlTooEarly = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'control', photo: jpeg });
    expect(controlTooEarly.body.code).toBe('wrong_state');
    request = await step(crew, request, { step: 'control', note: '已关阀' });
    expect((await crew.post(`/api/service-requests/${request.id}/photos`, { step: 'control', photo: jpeg })).status).toBe(201);
    // Taking a step does not change the photos' place: arrival photos stay arrival photos.
    const detail = (await dispatcher.get<Detail>(`/api/service-requests/${request.id}`)).body;
    expect(detail.photos.map((photo) => photo.step)).toEqual(['submit', 'arrive', 'control']);
    // The resident whose account it is sees them too.
    const own = (await resident.get<Detail>(`/api/portal/service-requests/${request.id}`)).body;
    expect(own.photos.map((photo) => photo.step)).toEqual(['submit', 'arrive', 'control']);
    const audit = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM audit_log WHERE tenant_id = $1 AND action = 'service_request.photo_add' AND object_id = $2", [utility.tenant.id, request.id]);
    expect(audit[0]?.count).toBe(3);
  });

  it('records materials in whole base units while on site: never a fraction, only from the catalogue, only by the assigned crew member', async () => {
    const pipe = catalogue.find((item) => item.code === 'pipe_di_dn100') as Material;
    const clamp = catalogue.find((item) => item.code === 'clamp_dn100') as Material;
    expect(pipe).toMatchObject({ unit: '米', baseUnit: '厘米', scale: 100 });
    expect(clamp).toMatchObject({ unit: '个', baseUnit: '个', scale: 1 });
    const added = await crew.post<{ materials: MaterialUse[] }>(`/api/service-requests/${request.id}/materials`, { materialId: pipe.id, quantity: 250, note: '更换破损管段' });
    expect(added.status).toBe(201);
    expect(added.body.materials).toEqual([expect.objectContaining({ quantity: 250, note: '更换破损管段', material: expect.objectContaining({ code: 'pipe_di_dn100' }) })]);
    const fraction = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: pipe.id, quantity: 2.5 });
    expect([fraction.status, fraction.body.fields[0]?.field]).toEqual([400, 'quantity']);
    const zero = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: clamp.id, quantity: 0 });
    expect(zero.status).toBe(400);
    const unknown = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: request.id, quantity: 1 });
    expect([unknown.status, unknown.body.fields[0]?.field]).toEqual([400, 'materialId']);
    const byOther = await otherCrew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: clamp.id, quantity: 1 });
    expect([byOther.status, byOther.body.code]).toEqual([403, 'not_assignee']);
    const byDispatcher = await dispatcher.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: clamp.id, quantity: 1 });
    expect(byDispatcher.status).toBe(403);
    const clampLine = await crew.post<{ materials: MaterialUse[] }>(`/api/service-requests/${request.id}/materials`, { materialId: clamp.id, quantity: 1 });
    expect(clampLine.body.materials.map((line) => [line.material.code, line.quantity])).toEqual([['pipe_di_dn100', 250], ['clamp_dn100', 1]]);
    // A line recorded by mistake is removed.
    const mistaken = (await crew.post<{ materials: MaterialUse[] }>(`/api/service-requests/${request.id}/materials`, { materialId: clamp.id, quantity: 3 })).body.materials.at(-1) as MaterialUse;
    const removed = await crew.delete<{ materials: MaterialUse[] }>(`/api/service-requests/${request.id}/materials/${mistaken.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body.materials).toHaveLength(2);
    expect((await crew.delete<ErrorBody>(`/api/service-requests/${request.id}/materials/${mistaken.id}`)).status).toBe(404);
    const detail = (await hotline.get<Detail>(`/api/service-requests/${request.id}`)).body;
    expect(detail.materials.map((line) => [line.material.code, line.quantity, line.recordedBy])).toEqual([
      ['pipe_di_dn100', 250, expect.stringContaining('repair_crew of media')],
      ['clamp_dn100', 1, expect.stringContaining('repair_crew of media')],
    ]);
    const audit = await environment.ownerQuery<{ action: string }>("SELECT action FROM audit_log WHERE tenant_id = $1 AND object_id = $2 AND action LIKE 'service_request.material%' ORDER BY seq", [utility.tenant.id, request.id]);
    expect(audit.map((row) => row.action)).toEqual(['service_request.material_add', 'service_request.material_add', 'service_request.material_add', 'service_request.material_remove']);
  });

  it('closes: no more photos or materials after that', async () => {
    request = await step(crew, request, { step: 'restore' });
    expect((await crew.post(`/api/service-requests/${request.id}/photos`, { step: 'restore', photo: jpeg })).status).toBe(201);
    request = await step(dispatcher, request, { step: 'close' });
    const photo = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/photos`, { step: 'restore', photo: jpeg });
    expect([photo.status, photo.body.code]).toEqual([409, 'request_closed']);
    const fromResident = await resident.post<ErrorBody>(`/api/portal/service-requests/${request.id}/photos`, { photo: jpeg });
    expect(fromResident.body.code).toBe('request_closed');
    const material = await crew.post<ErrorBody>(`/api/service-requests/${request.id}/materials`, { materialId: catalogue[0]?.id, quantity: 1 });
    expect([material.status, material.body.code]).toEqual([409, 'wrong_state']);
  });
});

import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../src/modules/applications';
import { openServerDatabase } from '../src/platform/db/database';
import { migrate, MIGRATIONS_DIR } from '../src/platform/db/migrate';
import { calendarFromSettings } from '../src/modules/service';
import { DEFAULT_CALENDAR } from '../src/modules/tenancy/calendar-settings';
import { givenConnectionTeam, givenRoute, givenStaff, PHOTO, relogin, type TeamMember } from './applications-factory';
import { ADMIN_URL, databaseUrl } from './database-urls';
import { givenCustomerWithAccount } from './factories';
import { pdfDocument } from './upload-fixtures';
import type { ErrorBody } from './endpoints';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

interface Detail {
  id: string;
  applicationNo: string;
  status: string;
  version: number;
  dueAt: string;
  currentStage: { code: string; dueAt: string | null; isOverdue: boolean; holder: { name: string } | null } | null;
  account: { id: string; accountNo: string } | null;
  meter: { id: string; serialNo: string } | null;
  customerId: string | null;
  stages: { code: string; state: string; doneBy: string | null; dueAt: string | null; roleName: { zh: string } }[];
  missing: { materials: { code: string }[]; outputs: { key: string }[]; description: { zh: string; en: string }[] };
  nextActions: string[];
  events: { kind: string; outputs: unknown }[];
}

let environment: TestEnvironment;
let utility: Utility;
let team: Awaited<ReturnType<typeof givenConnectionTeam>>;
let routeId: string;
let customer: Client;
const PHONE = '13912345678';

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('apply');
  team = await givenConnectionTeam(environment, utility);
  routeId = await givenRoute(environment, utility, 'R-NEW');
  customer = await environment.loginPortal(utility, PHONE);
}, 120_000);
afterAll(() => environment.close());

/** Moves the test clock; sessions past their limits end, so everyone logs in again. */
async function moveClock(move: () => void, options: { portal: boolean } = { portal: true }): Promise<void> {
  move();
  await relogin(environment, utility, Object.values(team));
  if (options.portal) customer = await environment.loginPortal(utility, PHONE);
}

const apply = (client: Client = customer, overrides: Record<string, unknown> = {}) =>
  client.post<Detail>('/api/portal/applications', { typeCode: 'new_connection', applicantName: '王小明', district: '江南区', street: '滨江路', address: '88号3栋', ...overrides });

async function withDocuments(detail: Detail): Promise<Detail> {
  for (const material of ['id_card', 'property_proof']) {
    const uploaded = await customer.post(`/api/portal/applications/${detail.id}/documents`, { material, file: PHOTO });
    expect(uploaded.status, JSON.stringify(uploaded.body)).toBe(201);
  }
  return (await customer.get<Detail>(`/api/portal/applications/${detail.id}`)).body;
}

async function advance(member: TeamMember, detail: Detail, outputs: Record<string, unknown>, expected = 200) {
  const stage = detail.currentStage?.code as string;
  const response = await member.client.post<Detail & ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage, outputs });
  expect(response.status, JSON.stringify(response.body)).toBe(expected);
  return response.body;
}

const stageFile = (member: TeamMember, detail: Detail) => member.client.post(`/api/applications/${detail.id}/documents`, { stage: detail.currentStage?.code, file: PHOTO });

async function auditActions(objectId: string): Promise<string[]> {
  const rows = await environment.ownerQuery<{ action: string }>('SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq', [objectId]);
  return rows.map((row) => row.action);
}

/** Takes a fresh application through the stages up to (not including) the named one, by the usual team. */
async function upTo(stopAt: string): Promise<Detail> {
  let detail = await withDocuments((await apply()).body);
  const steps: [string, () => Promise<Detail>][] = [
    ['accept', () => advance(team.clerk, detail, {})],
    ['survey', async () => (await stageFile(team.surveyor, detail), advance(team.surveyor, detail, { notes: '管网在路东侧，距离 12 米' }))],
    ['design', async () => (await stageFile(team.designer, detail), advance(team.designer, detail, { pipeDn: 25 }))],
    ['budget', () => advance(team.estimator, detail, { lines: [{ item: '管材 DN25 12 米', amountFen: 96_000 }, { item: '人工', amountFen: 50_000 }] })],
    ['contract', () => advance(team.clerk, detail, { contractNo: 'HT-2026-001', paidFen: 146_000 })],
    ['construction', () => advance(team.builder, detail, { completedOn: '2026-03-02' })],
    ['inspection', () => advance(team.inspector, detail, { result: 'passed' })],
  ];
  for (const [code, step] of steps) {
    if (code === stopAt) return detail;
    expect(detail.currentStage?.code).toBe(code);
    detail = await step();
  }
  return detail;
}

describe('公开业务办理流程: GET /api/public/processes', () => {
  it('publishes every type with its stages, roles, working-day limits and materials, with no login and no fee', async () => {
    const response = await environment.anonymous.get<{ utility: { code: string }; processes: { code: string; acceptanceFeeFen: number; totalDays: number; stages: { code: string; role: string; roleName: { zh: string }; timeLimitDays: number }[]; materials: { code: string; isRequired: boolean }[]; rules: { kind: string; stageCodes: string[] }[] }[] }>(
      `/api/public/processes?tenant=${utility.tenant.code}`,
    );
    expect(response.status).toBe(200);
    expect(response.body.utility.code).toBe(utility.tenant.code);
    expect(response.body.processes.map((type) => type.code)).toEqual(['new_connection', 'holder_change', 'category_change', 'calibration', 'removal']);
    const connection = response.body.processes[0];
    expect(connection?.stages.map((stage) => stage.code)).toEqual(['accept', 'survey', 'design', 'budget', 'contract', 'construction', 'inspection', 'meter_installation', 'account_opening', 'first_reading']);
    expect(connection?.stages.find((stage) => stage.code === 'survey')).toMatchObject({ role: 'connection_staff', roleName: { zh: '报装人员' }, timeLimitDays: 1 });
    expect(connection?.stages.find((stage) => stage.code === 'first_reading')).toMatchObject({ role: 'meter_reader' });
    expect(connection?.totalDays).toBe(connection?.stages.reduce((sum, stage) => sum + stage.timeLimitDays, 0));
    expect(connection?.materials.filter((material) => material.isRequired).map((material) => material.code)).toEqual(['id_card', 'property_proof']);
    expect(connection?.rules).toEqual([
      expect.objectContaining({ kind: 'different_people', stageCodes: ['survey', 'budget', 'construction', 'inspection'] }),
      expect.objectContaining({ kind: 'different_departments', stageCodes: ['design', 'inspection'] }),
    ]);
    expect(response.body.processes.every((type) => type.acceptanceFeeFen === 0 && type.stages.length > 0)).toBe(true);
  });

  it('refuses an unknown utility with a field error', async () => {
    const response = await environment.anonymous.get<ErrorBody>('/api/public/processes?tenant=NOPE');
    expect(response.status).toBe(400);
    expect(response.body.fields[0]?.field).toBe('tenant');
  });
});

describe('time limits in working days', () => {
  const calendar = calendarFromSettings('Asia/Shanghai', DEFAULT_CALENDAR);

  it('skip the National Day holiday and count the adjusted working Saturday (调休)', () => {
    // Wed 30 Sep 2026 10:00 + 1 working day: 1–7 Oct are holidays, so Thu 8 Oct 10:00.
    expect(addWorkingDays(calendar, new Date('2026-09-30T02:00:00Z'), 1).toISOString()).toBe('2026-10-08T02:00:00.000Z');
    // Fri 9 Oct 10:00 + 1: Sat 10 Oct is a working day (调休上班).
    expect(addWorkingDays(calendar, new Date('2026-10-09T02:00:00Z'), 1).toISOString()).toBe('2026-10-10T02:00:00.000Z');
    // Sat 10 Oct 10:00 + 2: Sunday off, so Tue 13 Oct 10:00.
    expect(addWorkingDays(calendar, new Date('2026-10-10T02:00:00Z'), 2).toISOString()).toBe('2026-10-13T02:00:00.000Z');
    // Fri 13 Feb 2026 10:00 + 1: Sat 14 Feb is worked before the Spring Festival (15–23 Feb).
    expect(addWorkingDays(calendar, new Date('2026-02-13T02:00:00Z'), 1).toISOString()).toBe('2026-02-14T02:00:00.000Z');
    // Sat 14 Feb 10:00 + 1: next working day is Tue 24 Feb.
    expect(addWorkingDays(calendar, new Date('2026-02-14T02:00:00Z'), 1).toISOString()).toBe('2026-02-24T02:00:00.000Z');
    // An evening submission counts from the next morning: Fri 18:00 + 1 day = Mon 17:30 (end of the next working day).
    expect(addWorkingDays(calendar, new Date('2026-03-06T10:00:00Z'), 1).toISOString()).toBe('2026-03-09T09:30:00.000Z');
  });

  it('an application submitted before National Day has its first stage due after it', async () => {
    // At the counter: the customer's session stays in March (going back, a login code would be "too soon").
    await moveClock(() => environment.clock.set('2026-09-30T02:00:00Z'), { portal: false });
    try {
      const response = await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'new_connection', applicantName: '钱七', applicantPhone: '13600007777', district: '江南区', street: '滨江路', address: '90号' });
      expect(response.status).toBe(201);
      expect(response.body.currentStage?.dueAt).toBe('2026-10-08T02:00:00.000Z');
      // The whole new connection: 35 working days.
      expect(response.body.dueAt).toBe(addWorkingDays(calendar, new Date('2026-09-30T02:00:00Z'), 35).toISOString());
    } finally {
      await moveClock(() => environment.clock.set('2026-03-02T02:00:00Z'), { portal: false });
    }
  });
});

describe('a new connection end to end', () => {
  it('is applied for on the phone with two documents, worked through ten stages by different people, and opens the account with its meter and first reading', async () => {
    const submitted = await apply();
    expect(submitted.status).toBe(201);
    expect(submitted.body.applicationNo).toMatch(/^BZ20260302\d{5}$/);
    expect(submitted.body.currentStage?.code).toBe('accept');
    expect(submitted.body.missing.materials.map((material) => material.code)).toEqual(['id_card', 'property_proof']);

    // The counter cannot accept it without the required documents.
    const early = await advance(team.clerk, submitted.body, {}, 409);
    expect(early.code).toBe('materials_missing');
    expect(early.fields.map((field) => field.field)).toEqual(['materials.id_card', 'materials.property_proof']);

    let detail = await withDocuments(submitted.body);
    expect(detail.missing.materials).toEqual([]);

    // Only the stage's role may do it: a meter reader may not accept.
    const wrongRole = await team.reader.client.post<ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage: 'accept', outputs: {} });
    expect([wrongRole.status, wrongRole.body.code]).toEqual([403, 'wrong_role']);

    detail = await advance(team.clerk, detail, { notes: '材料齐全' });
    expect(detail.currentStage?.code).toBe('survey');

    // The surveyor claims it: the staff see who holds it, the customer the post (never a name).
    const claimed = await team.surveyor.client.post<Detail>(`/api/applications/${detail.id}/claim`, { version: detail.version });
    expect(claimed.status).toBe(200);
    expect(claimed.body.currentStage?.holder?.name).toBe(team.surveyor.name);
    const watched = await customer.get<Detail>(`/api/portal/applications/${detail.id}`);
    expect(watched.body.currentStage?.holder).toBeNull();
    expect(watched.body.stages.find((stage) => stage.code === 'survey')?.roleName.zh).toBe('报装人员');
    detail = claimed.body;
    // Someone else of the role cannot do a stage another holds.
    expect((await team.estimator.client.post<ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage: 'survey', outputs: { notes: 'x' } })).body.code).toBe('held_by_other');

    // Survey needs its notes and at least one photo.
    const incomplete = await advance(team.surveyor, detail, {}, 400);
    expect(incomplete.fields.map((field) => field.field).sort()).toEqual(['outputs.files', 'outputs.notes']);
    expect((await stageFile(team.surveyor, detail)).status).toBe(201);
    detail = await advance(team.surveyor, detail, { notes: '管网在路东侧，距离 12 米' });
    expect((await stageFile(team.designer, detail)).status).toBe(201);
    detail = await advance(team.designer, detail, { pipeDn: 25 });
    const badLines = await advance(team.estimator, detail, { lines: [{ item: '管材', amountFen: 12.5 }] }, 400);
    expect(badLines.fields[0]?.field).toBe('outputs.lines');
    detail = await advance(team.estimator, detail, { lines: [{ item: '管材 DN25 12 米', amountFen: 96_000 }, { item: '人工', amountFen: 50_000 }] });
    detail = await advance(team.clerk, detail, { contractNo: 'HT-2026-001', paidFen: 146_000 });
    detail = await advance(team.builder, detail, { completedOn: '2026-03-02' });
    detail = await advance(team.inspector, detail, { result: 'passed' });
    expect(detail.currentStage?.code).toBe('meter_installation');
    detail = await advance(team.surveyor, detail, { serialNo: 'JC26030001', model: 'LXS-20E', sizeDn: 20, initialReadingLitres: 0, installedOn: '2026-03-02' });
    expect(detail.meter?.serialNo).toBe('JC26030001');
    detail = await advance(team.clerk, detail, { category: 'residential', householdSize: 3, routeId });
    expect(detail.account?.accountNo).toMatch(/^\d{10}$/);
    await moveClock(() => environment.clock.advanceMinutes(60 * 24 * 3));
    detail = await advance(team.reader, detail, { readOn: '2026-03-05', registerLitres: 1_500 });
    expect(detail.status).toBe('completed');
    expect(detail.currentStage).toBeNull();
    expect(detail.stages.every((stage) => stage.state === 'done')).toBe(true);

    // The effects, as the other modules see them.
    const accountId = detail.account?.id as string;
    const rows = await environment.db.withTenant(utility.tenant.id, async (sql) => ({
      account: (await sql.query<{ status: string; customer_id: string; premise_id: string; category: string }>('SELECT status, customer_id, premise_id, category FROM accounts WHERE id = $1', [accountId]))[0],
      meter: (await sql.query<{ status: string; premise_id: string; installed_on: string }>('SELECT status, premise_id, installed_on FROM meters WHERE id = $1', [detail.meter?.id]))[0],
      route: (await sql.query<{ route_id: string }>('SELECT route_id FROM route_accounts WHERE account_id = $1', [accountId]))[0],
      readings: await sql.query<{ register_litres: number; read_on: string; source: string }>('SELECT register_litres, read_on, source FROM readings WHERE account_id = $1', [accountId]),
      customer: (await sql.query<{ name: string; phone: string }>('SELECT c.name, c.phone FROM customers c JOIN accounts a ON a.customer_id = c.id WHERE a.id = $1', [accountId]))[0],
      premise: (await sql.query<{ district: string; street: string; address: string; full_address: string }>('SELECT p.district, p.street, p.address, p.full_address FROM premises p JOIN accounts a ON a.premise_id = p.id WHERE a.id = $1', [accountId]))[0],
      sms: await sql.query<{ body: string }>("SELECT body FROM message_outbox WHERE recipient = $1 AND template = 'application_progress' AND body LIKE $2 ORDER BY created_at", [PHONE, `%${detail.applicationNo}%`]),
    }));
    expect(rows.account).toMatchObject({ status: 'active', category: 'residential' });
    expect(rows.meter).toMatchObject({ status: 'installed', premise_id: rows.account?.premise_id, installed_on: '2026-03-02' });
    expect(rows.route?.route_id).toBe(routeId);
    expect(rows.readings).toEqual([{ register_litres: 1_500, read_on: '2026-03-05', source: 'handheld' }]);
    expect(rows.customer).toEqual({ name: '王小明', phone: PHONE });
    // The premise keeps district, street and the rest apart: its whole address names each once.
    expect(rows.premise).toEqual({ district: '江南区', street: '滨江路', address: '88号3栋', full_address: '江南区滨江路88号3栋' });
    // Submitted, then each of ten stages: eleven messages, the last with the account number.
    expect(rows.sms).toHaveLength(11);
    expect(rows.sms.at(-1)?.body).toContain(detail.account?.accountNo);

    // The customer sees the same progress and the new account; the staff's outputs stay inside.
    const seen = await customer.get<Detail>(`/api/portal/applications/${detail.id}`);
    expect(seen.body).toMatchObject({ status: 'completed', account: { accountNo: detail.account?.accountNo } });
    expect(seen.body.events.every((event) => event.outputs === null)).toBe(true);
    const mine = await customer.get<{ applications: { id: string; status: string }[] }>('/api/portal/applications');
    expect(mine.body.applications.find((item) => item.id === detail.id)?.status).toBe('completed');

    const actions = await auditActions(detail.id);
    expect(actions.filter((action) => action === 'application.stage_done')).toHaveLength(10);
    expect(actions).toContain('application.submit');
  });
});

describe('documents as photos or PDFs', () => {
  it('takes a PDF as a material, lists it with its type, and serves it back as a download under the customer’s own name', async () => {
    const detail = (await apply()).body;
    const pdf = pdfDocument();
    const sent = await customer.post<{ document: { id: string; contentType: string; bytes: number; fileName: string; material: string } }>(`/api/portal/applications/${detail.id}/documents`, {
      material: 'property_proof',
      file: { dataBase64: pdf.toString('base64'), fileName: '房产证 扫描件.pdf', contentType: 'application/pdf' },
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    expect(sent.body.document).toMatchObject({ contentType: 'application/pdf', bytes: pdf.length, fileName: '房产证 扫描件.pdf', material: 'property_proof' });
    const photo = await customer.post<{ document: { id: string } }>(`/api/portal/applications/${detail.id}/documents`, { material: 'id_card', file: PHOTO });
    expect(photo.status).toBe(201);
    const seen = (await customer.get<Detail & { documents: { id: string; contentType: string }[] }>(`/api/portal/applications/${detail.id}`)).body;
    expect(seen.missing.materials).toEqual([]);
    expect(seen.documents.map((document) => document.contentType)).toEqual(['application/pdf', 'image/png']);

    const file = await customer.get(`/api/portal/applications/${detail.id}/documents/${sent.body.document.id}`);
    expect(file.status).toBe(200);
    expect(file.rawBody).toEqual(pdf);
    expect(file.headers).toMatchObject({
      'content-type': 'application/pdf',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `attachment; filename="${sent.body.document.id}.pdf"; filename*=UTF-8''${encodeURIComponent('房产证 扫描件.pdf')}`,
    });
    // A photo is still shown inline; the staff read the same PDF.
    expect((await customer.get(`/api/portal/applications/${detail.id}/documents/${photo.body.document.id}`)).headers['content-disposition']).toMatch(/^inline; filename="[0-9a-f-]{36}\.png"; filename\*=UTF-8''%E8%AF%81%E4%BB%B6\.png$/);
    expect((await team.clerk.client.get(`/api/applications/${detail.id}/documents/${sent.body.document.id}`)).rawBody).toEqual(pdf);
    const rows = await environment.ownerQuery<{ stored_path: string }>("SELECT stored_path FROM attachments WHERE owner_id = $1 AND content_type = 'application/pdf'", [detail.id]);
    expect(rows[0]?.stored_path).toMatch(/\/[0-9a-f]{32}\.pdf$/);
    expect(await auditActions(detail.id)).toEqual(['application.submit', 'application.document_add', 'application.document_add']);
  });

  it('refuses a PDF with JavaScript or encryption as a material, and records nothing', async () => {
    const detail = (await apply()).body;
    for (const [bytes, wording] of [
      [pdfDocument({ catalog: '/OpenAction << /S /JavaScript /JS (app.alert(1)) >>' }), '脚本'],
      [pdfDocument({ trailer: '/Encrypt 6 0 R', objects: ['<< /Filter /Standard >>'] }), '加密'],
    ] as const) {
      const refused = await customer.post<ErrorBody>(`/api/portal/applications/${detail.id}/documents`, { material: 'property_proof', file: { dataBase64: bytes.toString('base64'), fileName: 'scan.pdf' } });
      expect([refused.status, refused.body.code, refused.body.fields[0]?.field]).toEqual([400, 'invalid_file', 'file']);
      expect(refused.body.fields[0]?.zh).toContain(wording);
    }
    expect((await customer.get<Detail>(`/api/portal/applications/${detail.id}`)).body.missing.materials.map((material) => material.code)).toEqual(['id_card', 'property_proof']);
    expect(await auditActions(detail.id)).toEqual(['application.submit']);
  });
});

describe('what the customer sees of the staff', () => {
  it('the post handling each stage, never a staff member’s name: not the holder, not who did a stage, not who returned it', async () => {
    let detail = await withDocuments((await apply()).body);
    detail = await advance(team.clerk, detail, {});
    detail = (await team.surveyor.client.post<Detail>(`/api/applications/${detail.id}/claim`, { version: detail.version })).body;
    expect(detail.currentStage?.holder?.name).toBe(team.surveyor.name);
    await stageFile(team.surveyor, detail);
    const returned = await team.surveyor.client.post<Detail>(`/api/applications/${detail.id}/return`, { version: detail.version, reason: '请补充位置示意图' });
    expect(returned.status).toBe(200);
    const seen = await customer.get<Omit<Detail, 'events'> & { documents: { uploadedBy: string }[]; events: { kind: string; actor: string }[] }>(`/api/portal/applications/${detail.id}`);
    const list = await customer.get<{ applications: { id: string; currentStage: { holder: unknown } | null }[] }>('/api/portal/applications');
    const text = JSON.stringify([seen.body, list.body]);
    for (const member of [team.clerk, team.surveyor]) expect(text).not.toContain(member.name);
    expect(seen.body.stages.find((stage) => stage.code === 'accept')?.doneBy).toBe('综合窗口');
    expect(seen.body.events.map((event) => event.actor)).toEqual([expect.stringContaining('139****5678'), '综合窗口', '报装人员', '报装人员']);
    expect(list.body.applications.find((item) => item.id === detail.id)?.currentStage?.holder).toBeNull();
    // The staff still see who.
    expect(JSON.stringify((await team.clerk.client.get(`/api/applications/${detail.id}`)).body)).toContain(team.surveyor.name);
  });
});

describe('who did each step, as data: actorKind and actorName', () => {
  type Step = { kind: string; stageCode: string | null; actor: string; actorKind: string; actorName: string };
  type Seen = Omit<Detail, 'events' | 'stages'> & { events: Step[]; stages: { code: string; doneBy: string | null; doneByName: string | null }[] };
  const steps = (detail: Seen) => detail.events.map(({ kind, actorKind, actorName }) => ({ kind, actorKind, actorName }));
  const walkIn = (member: TeamMember) =>
    member.client.post<Seen>('/api/applications', { typeCode: 'new_connection', applicantName: '钱七', applicantPhone: '13600007777', district: '江北区', street: '解放路', address: '2号' });

  it('the applicant on the portal by the masked phone, a staff member by display name, a counter submission by the clerk who entered it', async () => {
    let detail = await withDocuments((await apply()).body);
    detail = await advance(team.clerk, detail, {});
    const staffView = (await team.clerk.client.get<Seen>(`/api/applications/${detail.id}`)).body;
    expect(steps(staffView)).toEqual([
      { kind: 'submitted', actorKind: 'applicant', actorName: '139****5678' },
      { kind: 'stage_done', actorKind: 'staff', actorName: team.clerk.name },
    ]);
    // The recorded text stays, for clients that read it.
    expect(staffView.events.map((event) => event.actor)).toEqual(['portal:139****5678', `${team.clerk.name} (${team.clerk.username})`]);
    expect(staffView.stages.find((stage) => stage.code === 'accept')).toMatchObject({ doneBy: `${team.clerk.name} (${team.clerk.username})`, doneByName: team.clerk.name });

    const counter = await walkIn(team.clerk);
    expect(counter.status).toBe(201);
    expect(steps(counter.body)).toEqual([{ kind: 'submitted', actorKind: 'staff', actorName: team.clerk.name }]);
    // The clerk is kept by id too, as for the other staff steps.
    expect(await environment.ownerQuery('SELECT staff_id, actor_kind, actor_name FROM application_events WHERE application_id = $1', [counter.body.id])).toEqual([{ staff_id: team.clerk.id, actor_kind: 'staff', actor_name: team.clerk.name }]);
  });

  it('keeps the name a staff member had at the step', async () => {
    const renamed = await givenStaff(environment, utility, 'apply-renamed', ['counter_clerk'], 'customer_service');
    const entered = await walkIn(renamed);
    await environment.ownerQuery('UPDATE staff SET display_name = $2 WHERE id = $1', [renamed.id, '李新名']);
    const returned = await renamed.client.post<Seen>(`/api/applications/${entered.body.id}/return`, { version: entered.body.version, reason: '请补充身份证明' });
    expect(returned.status).toBe(200);
    expect(steps(returned.body)).toEqual([
      { kind: 'submitted', actorKind: 'staff', actorName: renamed.name },
      { kind: 'returned', actorKind: 'staff', actorName: '李新名' },
    ]);
  });

  it('shows the customer the post, never the staff member: not as actor, actorName or doneByName, not even when the counter resubmits for them', async () => {
    let detail = await withDocuments((await apply()).body);
    detail = await advance(team.clerk, detail, {});
    const returned = await team.surveyor.client.post<Detail>(`/api/applications/${detail.id}/return`, { version: detail.version, reason: '请补充位置示意图' });
    expect(returned.status).toBe(200);
    const resubmitted = await team.clerk.client.post<Seen>(`/api/applications/${detail.id}/resubmit`, { version: returned.body.version, note: '窗口代为补交' });
    expect(resubmitted.status).toBe(200);
    expect(steps(resubmitted.body)).toEqual([
      { kind: 'submitted', actorKind: 'applicant', actorName: '139****5678' },
      { kind: 'stage_done', actorKind: 'staff', actorName: team.clerk.name },
      { kind: 'returned', actorKind: 'staff', actorName: team.surveyor.name },
      { kind: 'resubmitted', actorKind: 'staff', actorName: team.clerk.name },
    ]);

    const seen = (await customer.get<Seen>(`/api/portal/applications/${detail.id}`)).body;
    expect(seen.events.map(({ kind, actor, actorKind, actorName }) => ({ kind, actor, actorKind, actorName }))).toEqual([
      { kind: 'submitted', actor: 'portal:139****5678', actorKind: 'applicant', actorName: '139****5678' },
      { kind: 'stage_done', actor: '综合窗口', actorKind: 'staff', actorName: '综合窗口' },
      { kind: 'returned', actor: '报装人员', actorKind: 'staff', actorName: '报装人员' },
      { kind: 'resubmitted', actor: '报装人员', actorKind: 'staff', actorName: '报装人员' },
    ]);
    expect(seen.stages.find((stage) => stage.code === 'accept')).toMatchObject({ doneBy: '综合窗口', doneByName: '综合窗口' });
    const text = JSON.stringify(seen);
    for (const member of [team.clerk, team.surveyor]) {
      expect(text).not.toContain(member.name);
      expect(text).not.toContain(member.username);
    }
  });
});

describe('migration 0046: the steps recorded before it', () => {
  it('get their kind and name: staff by id or by the login in the text, the portal applicant by the masked phone, anything else as the system', async () => {
    const name = `shuiwu_test_actor_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const db = await openServerDatabase(databaseUrl(name), 2);
    const earlier = await mkdtemp(path.join(tmpdir(), 'shuiwu-migrations-'));
    try {
      // The migrations up to this one, first without it: what a database held before it.
      const files = (await readdir(MIGRATIONS_DIR)).filter((file) => file.endsWith('.sql') && file <= '0046_application_event_actor.sql');
      expect(files.at(-1)).toBe('0046_application_event_actor.sql');
      for (const file of files.slice(0, -1)) await copyFile(path.join(MIGRATIONS_DIR, file), path.join(earlier, file));
      await migrate(db, earlier);
      const ids = await db.asOwner(async (sql) => {
        const [tenant] = await sql.query<{ id: string }>("INSERT INTO tenants (code, name, name_en) VALUES ('old', '旧水务', 'Old Water') RETURNING id");
        const tenantId = (tenant as { id: string }).id;
        const staff = async (username: string, displayName: string) =>
          ((await sql.query<{ id: string }>("INSERT INTO staff (tenant_id, username, display_name, password_hash) VALUES ($1, $2, $3, 'x') RETURNING id", [tenantId, username, displayName]))[0] as { id: string }).id;
        const wang = await staff('wang', '王丽（综合窗口）');
        const li = await staff('li.qiang', '李强');
        const [type] = await sql.query<{ id: string }>(
          "INSERT INTO application_types (tenant_id, code, name, name_en, description, description_en, number_prefix) VALUES ($1, 'new_connection', '报装', 'New connection', '', '', 'BZ') RETURNING id",
          [tenantId],
        );
        const typeId = (type as { id: string }).id;
        await sql.query("INSERT INTO application_stages (tenant_id, type_id, position, code, name, name_en, role, time_limit_days) VALUES ($1, $2, 1, 'accept', '受理', 'Accept', 'counter_clerk', 1)", [tenantId, typeId]);
        const [application] = await sql.query<{ id: string }>(
          `INSERT INTO applications (tenant_id, application_no, type_id, channel, status, applicant_name, applicant_phone, address, due_at, created_by, submitted_at, finished_at)
           VALUES ($1, 'BZ2026030200001', $2, 'counter', 'completed', '王小明', '13912345678', '江南区滨江路88号', now(), 'test', now(), now()) RETURNING id`,
          [tenantId, typeId],
        );
        const applicationId = (application as { id: string }).id;
        const event = (kind: string, actor: string, staffId: string | null) =>
          sql.query(
            `INSERT INTO application_events (tenant_id, application_id, kind, position, stage_code, staff_id, actor, at, outputs)
             VALUES ($1, $2, $3, 1, 'accept', $4, $5, now(), CASE WHEN $3 = 'stage_done' THEN '{}'::jsonb END)`,
            [tenantId, applicationId, kind, staffId, actor],
          );
        await event('submitted', 'portal:139****5678', null);
        await event('submitted', '王丽（综合窗口） (wang)', null);
        await event('claimed', '李强 (li.qiang)', li);
        await event('stage_done', '李强 (li.qiang)', li);
        await event('completed', '李强 (li.qiang)', null);
        await event('resubmitted', '赵六 (zhao.liu)', null);
        await event('returned', 'system', null);
        return { applicationId, wang, li };
      });
      await copyFile(path.join(MIGRATIONS_DIR, '0046_application_event_actor.sql'), path.join(earlier, '0046_application_event_actor.sql'));
      expect((await migrate(db, earlier)).applied).toEqual(['0046_application_event_actor.sql']);
      const rows = await db.asOwner((sql) => sql.query('SELECT kind, actor_kind, actor_name, staff_id FROM application_events WHERE application_id = $1 ORDER BY seq', [ids.applicationId]));
      expect(rows).toEqual([
        { kind: 'submitted', actor_kind: 'applicant', actor_name: '139****5678', staff_id: null },
        { kind: 'submitted', actor_kind: 'staff', actor_name: '王丽（综合窗口）', staff_id: ids.wang },
        { kind: 'claimed', actor_kind: 'staff', actor_name: '李强', staff_id: ids.li },
        { kind: 'stage_done', actor_kind: 'staff', actor_name: '李强', staff_id: ids.li },
        { kind: 'completed', actor_kind: 'staff', actor_name: '李强', staff_id: ids.li },
        // A login no longer found: the name as recorded.
        { kind: 'resubmitted', actor_kind: 'staff', actor_name: '赵六', staff_id: null },
        { kind: 'returned', actor_kind: 'system', actor_name: 'system', staff_id: null },
      ]);
      // From now on every step names its actor, and row-level security is forced again.
      const columns = await db.asOwner((sql) =>
        sql.query("SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = 'application_events' AND column_name IN ('actor_kind', 'actor_name') ORDER BY column_name"),
      );
      expect(columns).toEqual([
        { column_name: 'actor_kind', is_nullable: 'NO' },
        { column_name: 'actor_name', is_nullable: 'NO' },
      ]);
      const forced = await db.asOwner((sql) => sql.query("SELECT relname, relforcerowsecurity FROM pg_class WHERE relname IN ('application_events', 'staff') ORDER BY relname"));
      expect(forced).toEqual([
        { relname: 'application_events', relforcerowsecurity: true },
        { relname: 'staff', relforcerowsecurity: true },
      ]);
    } finally {
      await db.close();
      await rm(earlier, { recursive: true, force: true });
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }, 120_000);
});

describe('segregation of duties', () => {
  const refused = async (member: TeamMember, detail: Detail, action: 'claim' | 'advance', outputs: Record<string, unknown> = {}) => {
    const before = (await auditActions(detail.id)).filter((item) => item === 'application.segregation_refused').length;
    const response =
      action === 'claim'
        ? await member.client.post<ErrorBody>(`/api/applications/${detail.id}/claim`, { version: detail.version })
        : await member.client.post<ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage: detail.currentStage?.code, outputs });
    expect(response.status, JSON.stringify(response.body)).toBe(403);
    expect(response.body.code).toBe('segregation_of_duties');
    expect(response.body.fields[0]).toMatchObject({ field: 'stage', zh: expect.stringContaining('岗位分离'), en: expect.stringContaining('Segregation of duties') });
    expect((await auditActions(detail.id)).filter((item) => item === 'application.segregation_refused')).toHaveLength(before + 1);
    // Nothing moved.
    const after = await team.clerk.client.get<Detail>(`/api/applications/${detail.id}`);
    expect(after.body.currentStage?.code).toBe(detail.currentStage?.code);
    expect(after.body.version).toBe(detail.version);
  };

  it('refuses the surveyor the budget, and surveyor or estimator the construction', async () => {
    const atBudget = await upTo('budget');
    await refused(team.surveyor, atBudget, 'advance', { lines: [{ item: '管材', amountFen: 1 }] });
    await refused(team.surveyor, atBudget, 'claim');
    const atConstruction = await upTo('construction');
    await refused(team.surveyor, atConstruction, 'advance', { completedOn: '2026-03-02' });
    await refused(team.estimator, atConstruction, 'claim');
  });

  it('refuses surveyor, estimator and builder the inspection, and the design office, and anyone without a department', async () => {
    const atInspection = await upTo('inspection');
    for (const member of [team.surveyor, team.estimator, team.builder]) await refused(member, atInspection, 'advance', { result: 'passed' });
    await refused(team.designOfficeInspector, atInspection, 'advance', { result: 'passed' });
    await refused(team.noDepartment, atInspection, 'claim');
    const logged = await environment.ownerQuery<{ after: { rule: string; conflictsWith: { stage: string } | null } }>(
      "SELECT after FROM audit_log WHERE object_id = $1 AND action = 'application.segregation_refused' ORDER BY seq",
      [atInspection.id],
    );
    expect(logged.map((row) => [row.after.rule, row.after.conflictsWith?.stage ?? null])).toEqual([
      ['different_people', 'survey'],
      ['different_people', 'budget'],
      ['different_people', 'construction'],
      ['different_departments', 'design'],
      ['different_departments', null],
    ]);
    // The inspector of the inspection department may.
    expect((await advance(team.inspector, atInspection, { result: 'passed' })).currentStage?.code).toBe('meter_installation');
  });

  it('holds for the other types too: whoever tested a meter may not settle the calibration', async () => {
    const both = await givenStaff(environment, utility, 'apply-both', ['connection_staff', 'billing_clerk'], 'meter');
    const household = (await givenCustomerWithAccount(environment, utility)).account.id;
    let detail = (await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'calibration', accountId: household, applicantPhone: '13700001111', applicantName: '李四' })).body;
    expect(detail.applicationNo).toMatch(/^JB/);
    detail = await advance(team.clerk, detail, {});
    detail = await advance(both, detail, { reportNo: 'JD-1', errorUpperZone: 120, errorLowerZone: -250 });
    await refused(both, detail, 'advance', { notes: '收取检定费' });
  });
});

describe('returns, rejections, the counter and the queue', () => {
  it('returns to the customer with a reason (clock stopped), takes a resubmission, and rejects with a reason', async () => {
    let detail = (await apply()).body;
    const returned = await team.clerk.client.post<Detail>(`/api/applications/${detail.id}/return`, { version: detail.version, reason: '请上传房产证明' });
    expect(returned.status).toBe(200);
    // The counter may resubmit for the customer; nobody may work it meanwhile.
    expect(returned.body).toMatchObject({ status: 'returned', nextActions: ['resubmit'] });
    expect(returned.body.currentStage?.dueAt).toBeNull();
    const seen = (await customer.get<Detail>(`/api/portal/applications/${detail.id}`)).body;
    expect(seen.nextActions).toEqual(['resubmit']);
    expect(seen.missing.description[0]?.zh).toContain('请上传房产证明');
    expect((await advance(team.clerk, returned.body, {}, 409)).code).toBe('not_in_progress');
    detail = (await customer.post<Detail>(`/api/portal/applications/${detail.id}/resubmit`, { version: seen.version, note: '已补' })).body;
    expect(detail.status).toBe('in_progress');
    expect(detail.currentStage?.dueAt).not.toBeNull();
    const rejected = await team.clerk.client.post<Detail>(`/api/applications/${detail.id}/reject`, { version: detail.version, reason: '该地址不在供水范围' });
    expect(rejected.body).toMatchObject({ status: 'rejected', currentStage: null });
    const sms = await environment.ownerQuery<{ body: string }>("SELECT body FROM message_outbox WHERE body LIKE $1 ORDER BY created_at", [`%${detail.applicationNo}%`]);
    expect(sms.map((row) => row.body)).toEqual([expect.stringContaining('已提交'), expect.stringContaining('退回补正：请上传房产证明'), expect.stringContaining('已重新提交'), expect.stringContaining('未予办理')]);
    expect(await auditActions(detail.id)).toEqual(['application.submit', 'application.return', 'application.resubmit', 'application.reject']);
  });

  it('a stale screen, bad input and foreign applications are refused and write nothing', async () => {
    const detail = (await apply()).body;
    const stale = await team.clerk.client.post<ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version + 5, stage: 'accept', outputs: {} });
    expect([stale.status, stale.body.code]).toEqual([409, 'stale_version']);
    const wrongStage = await team.clerk.client.post<ErrorBody>(`/api/applications/${detail.id}/advance`, { version: detail.version, stage: 'survey', outputs: {} });
    expect([wrongStage.status, wrongStage.body.code]).toEqual([409, 'wrong_stage']);
    const incomplete = await apply(customer, { district: undefined, address: undefined });
    expect(incomplete.status).toBe(400);
    expect((incomplete.body as unknown as ErrorBody).fields.map((field) => field.field)).toEqual(['district', 'address']);
    const unknownType = await apply(customer, { typeCode: 'swimming_pool' });
    expect((unknownType.body as unknown as ErrorBody).fields[0]?.field).toBe('typeCode');
    const notBound = await customer.post<ErrorBody>('/api/portal/applications', { typeCode: 'removal', applicantName: '王小明', accountId: '00000000-0000-4000-8000-000000000000' });
    expect([notBound.status, notBound.body.fields[0]?.field]).toEqual([400, 'accountId']);
    const wrongMaterial = await customer.post<ErrorBody>(`/api/portal/applications/${detail.id}/documents`, { material: 'passport_photo', file: PHOTO });
    expect(wrongMaterial.body.fields[0]?.field).toBe('material');
    // A PDF is checked as one: a header with nothing behind it is no document.
    const notPdf = await customer.post<ErrorBody>(`/api/portal/applications/${detail.id}/documents`, { material: 'id_card', file: { dataBase64: Buffer.from('%PDF-1.4 not a document').toString('base64') } });
    expect([notPdf.status, notPdf.body.code, notPdf.body.fields[0]?.field]).toEqual([400, 'invalid_file', 'file']);
    const page = await customer.post<ErrorBody>(`/api/portal/applications/${detail.id}/documents`, { material: 'id_card', file: { dataBase64: Buffer.from('<html><script>alert(1)</script></html>').toString('base64'), fileName: 'id.pdf' } });
    expect([page.status, page.body.code]).toEqual([400, 'invalid_file_type']);
    const stranger = await environment.loginPortal(utility, '13800009999');
    expect((await stranger.get(`/api/portal/applications/${detail.id}`)).status).toBe(404);
    expect(await auditActions(detail.id)).toEqual(['application.submit']);
  });

  it('the counter enters one for a walk-in customer, and staff filter the queue by type, stage and overdue', async () => {
    const missingPhone = await team.clerk.client.post<ErrorBody>('/api/applications', { typeCode: 'new_connection', applicantName: '赵六', district: '江北区', street: '解放路', address: '1号' });
    expect([missingPhone.status, missingPhone.body.fields[0]?.field]).toEqual([400, 'applicantPhone']);
    const walkIn = await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'new_connection', applicantName: '赵六', applicantPhone: '13600006666', district: '江北区', street: '解放路', address: '1号' });
    expect(walkIn.status).toBe(201);
    const atSurvey = await upTo('survey');
    const bySurvey = await team.clerk.client.get<{ applications: { id: string }[] }>('/api/applications?typeCode=new_connection&stageCode=survey');
    expect(bySurvey.body.applications.map((item) => item.id)).toContain(atSurvey.id);
    expect(bySurvey.body.applications.map((item) => item.id)).not.toContain(walkIn.body.id);
    const overdueBefore = await team.clerk.client.get<{ applications: { id: string }[] }>('/api/applications?overdue=true');
    expect(overdueBefore.body.applications.map((item) => item.id)).not.toContain(atSurvey.id);
    // Survey is due in one working day: two days later it is overdue, for staff and for the customer.
    await moveClock(() => environment.clock.advanceMinutes(60 * 24 * 2));
    const overdue = await team.clerk.client.get<{ applications: { id: string; currentStage: { isOverdue: boolean } }[] }>('/api/applications?overdue=true&stageCode=survey');
    expect(overdue.body.applications.find((item) => item.id === atSurvey.id)?.currentStage.isOverdue).toBe(true);
    expect((await customer.get<Detail>(`/api/portal/applications/${atSurvey.id}`)).body.currentStage?.isOverdue).toBe(true);
    const statistics = await environment.loginStaff(utility, 'manager').then((manager) => manager.get<{ stages: { typeCode: string; stageCode: string; open: number; overdue: number; done: number }[] }>('/api/applications/statistics'));
    const survey = statistics.body.stages.find((row) => row.typeCode === 'new_connection' && row.stageCode === 'survey');
    expect(survey?.overdue).toBeGreaterThanOrEqual(1);
    expect(statistics.body.stages.find((row) => row.stageCode === 'accept' && row.typeCode === 'new_connection')?.done).toBeGreaterThanOrEqual(1);
  });

  it('gives each staff member the queue of their roles, finds by number, name or phone, and sums up each type for the manager', async () => {
    const atSurvey = await upTo('survey');
    const walkIn = await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'new_connection', applicantName: '孙八妹', applicantPhone: '13600008181', district: '江北区', street: '解放路', address: '7号' });
    type List = { applications: { id: string; currentStage: { code: string } | null; status: string }[] };
    const surveyorQueue = (await team.surveyor.client.get<List>('/api/applications?workable=true&limit=200')).body.applications;
    expect(surveyorQueue.map((item) => item.id)).toContain(atSurvey.id);
    expect(surveyorQueue.map((item) => item.id)).not.toContain(walkIn.body.id);
    expect(surveyorQueue.every((item) => item.status === 'in_progress' && item.currentStage?.code !== 'accept')).toBe(true);
    const clerkQueue = (await team.clerk.client.get<List>('/api/applications?workable=true&limit=200')).body.applications;
    expect(clerkQueue.map((item) => item.id)).toContain(walkIn.body.id);
    expect(clerkQueue.map((item) => item.id)).not.toContain(atSurvey.id);
    const byNumber = (await team.clerk.client.get<List>(`/api/applications?q=${walkIn.body.applicationNo.toLowerCase()}`)).body.applications;
    expect(byNumber.map((item) => item.id)).toEqual([walkIn.body.id]);
    expect((await team.clerk.client.get<List>(`/api/applications?q=${encodeURIComponent('孙八妹')}`)).body.applications.map((item) => item.id)).toEqual([walkIn.body.id]);
    expect((await team.clerk.client.get<List>('/api/applications?q=0008181')).body.applications.map((item) => item.id)).toEqual([walkIn.body.id]);
    expect((await team.clerk.client.get<List>('/api/applications?q=100%25')).body.applications).toEqual([]);
    const routes = await team.clerk.client.get<{ routes: { id: string; code: string }[] }>('/api/applications/reading-routes');
    expect(routes.body.routes.map((route) => route.id)).toContain(routeId);
    expect((await customer.get('/api/applications/reading-routes')).status).toBe(401);
    const manager = await environment.loginStaff(utility, 'manager');
    const statistics = (await manager.get<{ types: { typeCode: string; inProgress: number; completed: number; overdue: number }[] }>('/api/applications/statistics')).body;
    const connections = statistics.types.find((row) => row.typeCode === 'new_connection');
    const inProgress = (await manager.get<List>('/api/applications?typeCode=new_connection&status=in_progress&limit=200')).body.applications.length;
    expect(connections?.inProgress).toBe(inProgress);
    expect(statistics.types.map((row) => row.typeCode).sort()).toEqual(['calibration', 'category_change', 'holder_change', 'new_connection', 'removal']);
  });

  it('sets departments through the API (staff.manage), audited', async () => {
    const admin = await environment.loginStaff(utility, 'admin');
    const set = await admin.patch<{ department: string }>(`/api/staff/${team.noDepartment.id}/department`, { department: 'quality' });
    expect([set.status, set.body.department]).toEqual([200, 'quality']);
    expect((await team.clerk.client.patch(`/api/staff/${team.noDepartment.id}/department`, { department: 'quality' })).status).toBe(403);
    expect((await auditActions(team.noDepartment.id)).filter((action) => action.startsWith('staff.department'))).toEqual(['staff.department']);
    await admin.patch(`/api/staff/${team.noDepartment.id}/department`, { department: null });
  });
});

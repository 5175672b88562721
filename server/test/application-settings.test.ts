import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays } from '../src/modules/applications';
import { calendarFromSettings } from '../src/modules/service';
import { DEFAULT_CALENDAR } from '../src/modules/tenancy/calendar-settings';
import { givenConnectionTeam, PHOTO } from './applications-factory';
import type { ErrorBody } from './endpoints';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { pdfDocument } from './upload-fixtures';

interface Settings {
  version: number;
  updatedBy: string | null;
  firstReadingDays: number;
  types: {
    code: string;
    totalDays: number;
    stages: { code: string; role: string; timeLimitDays: number; isSkippable: boolean; isEnabled: boolean; openApplications: number }[];
    materials: { code: string; name: string; nameEn: string; isRequired: boolean; acceptedKinds: string[] }[];
    rules: { kind: string; stageCodes: string[] }[];
  }[];
  roles: { role: string }[];
  history: { version: number; changedBy: string; typeCode: string | null; changes: { zh: string; en: string }[] }[];
}

interface PublicProcesses {
  processes: { code: string; totalDays: number; stages: { code: string; timeLimitDays: number; role: string }[]; materials: { code: string; isRequired: boolean; acceptedKinds: string[] }[]; rules: unknown[] }[];
}

interface Detail {
  id: string;
  version: number;
  currentStage: { code: string; dueAt: string | null } | null;
  stages: { code: string; state: string }[];
}

let environment: TestEnvironment;
let utility: Utility;
let other: Utility;
let admin: Client;
let otherAdmin: Client;
let team: Awaited<ReturnType<typeof givenConnectionTeam>>;
const calendar = calendarFromSettings('Asia/Shanghai', DEFAULT_CALENDAR);
const PROPERTY_PDF = { dataBase64: pdfDocument().toString('base64'), fileName: '产权证.pdf' };

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('procset');
  other = await environment.givenUtility('procother');
  admin = await environment.loginStaff(utility, 'admin');
  otherAdmin = await environment.loginStaff(other, 'admin');
  team = await givenConnectionTeam(environment, utility);
}, 120_000);
afterAll(() => environment.close());

const settingsOf = async (client: Client = admin) => {
  const response = await client.get<Settings>('/api/application-settings');
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
};
const typeOf = (settings: Settings, code: string) => settings.types.find((type) => type.code === code) as Settings['types'][number];
const publicOf = async (tenant: Utility) => (await environment.anonymous.get<PublicProcesses>(`/api/public/processes?tenant=${tenant.tenant.code}`)).body;
const connectionOf = (processes: PublicProcesses) => processes.processes.find((type) => type.code === 'new_connection') as PublicProcesses['processes'][number];
const patchType = (code: string, body: Record<string, unknown>, client: Client = admin) => client.patch<Settings & ErrorBody>(`/api/application-settings/types/${code}`, body);
const auditOf = (tenantId: string) =>
  environment.ownerQuery<{ action: string; before: Record<string, unknown>; after: Record<string, unknown> }>(
    "SELECT action, before, after FROM audit_log WHERE tenant_id = $1 AND action LIKE 'application_process.%' ORDER BY seq",
    [tenantId],
  );

/** A new connection entered at the counter with its documents, accepted, so it stands at the survey. */
async function connectionAtSurvey(address: string): Promise<Detail> {
  const created = await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'new_connection', applicantName: '赵六', applicantPhone: '13600006666', district: '江南区', street: '滨江路', address });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  // The proof of property as a PDF: after the change below, that is the only kind it takes.
  expect((await team.clerk.client.post(`/api/applications/${created.body.id}/documents`, { material: 'id_card', file: PHOTO })).status).toBe(201);
  expect((await team.clerk.client.post(`/api/applications/${created.body.id}/documents`, { material: 'property_proof', file: PROPERTY_PDF })).status).toBe(201);
  const fresh = (await team.clerk.client.get<Detail>(`/api/applications/${created.body.id}`)).body;
  const accepted = await team.clerk.client.post<Detail>(`/api/applications/${fresh.id}/advance`, { version: fresh.version, stage: 'accept', outputs: {} });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  return accepted.body;
}

describe('process settings (业务流程设置): reading them', () => {
  it('start at the defaults, version 0, with the stages the process lets be skipped, for settings.manage only', async () => {
    const settings = await settingsOf();
    expect(settings).toMatchObject({ version: 0, updatedBy: null, firstReadingDays: 45, history: [] });
    const connection = typeOf(settings, 'new_connection');
    expect(connection.stages.filter((stage) => stage.isSkippable).map((stage) => stage.code)).toEqual(['design', 'budget']);
    expect(connection.stages.every((stage) => stage.isEnabled)).toBe(true);
    expect(connection.materials[0]).toEqual({ code: 'id_card', name: '申请人身份证明', nameEn: 'Applicant’s identity document', isRequired: true, acceptedKinds: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] });
    expect(settings.roles.map((role) => role.role)).toEqual(['counter_clerk', 'meter_reader', 'billing_clerk', 'connection_staff']);
    for (const role of ['manager', 'counter_clerk', 'auditor'] as const) {
      const client = await environment.loginStaff(utility, role);
      expect((await client.get('/api/application-settings')).status, role).toBe(403);
      expect((await client.patch('/api/application-settings/types/new_connection', { version: 0, stages: [{ code: 'survey', timeLimitDays: 2 }] })).status, role).toBe(403);
    }
  });
});

describe('process settings: what is refused', () => {
  it('explains every bad value by field in Chinese and English, and writes nothing', async () => {
    const before = await settingsOf();
    const response = await patchType('new_connection', {
      version: 0,
      stages: [
        { code: 'survey', timeLimitDays: 0 },
        { code: 'design', timeLimitDays: 61 },
        { code: 'inspection', isEnabled: false },
        { code: 'contract', role: 'admin' },
        { code: 'nowhere', timeLimitDays: 2 },
      ],
      materials: [{ code: 'id_card', name: '', nameEn: 'ID', isRequired: true, acceptedKinds: [] }],
      rules: [
        { kind: 'different_people', stageCodes: ['survey', 'no_such_stage'] },
        { kind: 'different_people', stageCodes: ['survey'] },
        { kind: 'different_departments', stageCodes: ['design', 'inspection'] },
        { kind: 'different_departments', stageCodes: ['inspection', 'design'] },
      ],
    });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    const byField = Object.fromEntries(response.body.fields.map((field) => [field.field, field]));
    expect(Object.keys(byField).sort()).toEqual(
      ['materials.0.acceptedKinds', 'materials.0.name', 'rules.0.stageCodes', 'rules.1.stageCodes', 'rules.3.stageCodes', 'stages.0.timeLimitDays', 'stages.1.timeLimitDays', 'stages.2.isEnabled', 'stages.3.role', 'stages.4.code'].sort(),
    );
    expect(byField['stages.0.timeLimitDays']).toEqual({ field: 'stages.0.timeLimitDays', zh: '“现场踏勘”的办理时限须为 1 至 60 个工作日', en: 'the time limit of "survey" must be 1 to 60 working days' });
    expect(byField['stages.1.timeLimitDays']?.zh).toBe('“设计”的办理时限须为 1 至 60 个工作日');
    expect(byField['stages.2.isEnabled']?.zh).toBe('“竣工验收”是必经环节，不能取消');
    expect(byField['stages.3.role']?.en).toContain('a role that works applications');
    expect(byField['rules.3.stageCodes']?.zh).toBe('与第 3 条规则重复');
    // Nothing was written: same version, same stages, no history, no audit entry.
    expect(await settingsOf()).toEqual(before);
    expect(await auditOf(utility.tenant.id)).toEqual([]);
  });

  it('refuses a stale version, an unknown type, and a first-reading period out of range', async () => {
    expect((await patchType('new_connection', { version: 7, stages: [{ code: 'survey', timeLimitDays: 2 }] })).status).toBe(409);
    expect((await patchType('no_such_type', { version: 0, stages: [] })).status).toBe(404);
    const zero = await admin.patch<ErrorBody>('/api/application-settings', { version: 0, firstReadingDays: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.fields).toEqual([{ field: 'firstReadingDays', zh: '新装表首次抄表期限须为 1 至 365 天', en: 'the first-reading period of a new connection must be 1 to 365 days' }]);
    expect((await settingsOf()).version).toBe(0);
  });
});

describe('process settings: changing them', () => {
  it('versions and audits a change, publishes it, applies it to stages started from now on, and keeps started deadlines', async () => {
    // Before the change: one application waits at the survey (1 working day), one at the design.
    const atSurvey = await connectionAtSurvey('1号');
    const surveyDue = atSurvey.currentStage?.dueAt;
    expect(surveyDue).toBe(addWorkingDays(calendar, environment.clock.now(), 1).toISOString());
    let atDesign = await connectionAtSurvey('2号');
    expect((await team.surveyor.client.post(`/api/applications/${atDesign.id}/documents`, { stage: 'survey', file: PHOTO })).status).toBe(201);
    atDesign = (await team.surveyor.client.post<Detail>(`/api/applications/${atDesign.id}/advance`, { version: atDesign.version, stage: 'survey', outputs: { notes: '可接水' } })).body;
    expect(atDesign.currentStage?.code).toBe('design');
    const designDue = atDesign.currentStage?.dueAt;

    const changed = await patchType('new_connection', {
      version: 0,
      stages: [
        { code: 'survey', timeLimitDays: 3 },
        { code: 'design', isEnabled: false },
        { code: 'budget', timeLimitDays: 4, role: 'connection_staff' },
        { code: 'contract', role: 'connection_staff' },
      ],
      materials: [
        { code: 'id_card', name: '申请人身份证明', nameEn: 'Applicant’s identity document', isRequired: true, acceptedKinds: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] },
        { code: 'property_proof', name: '房产证或不动产权证书', nameEn: 'Title deed', isRequired: true, acceptedKinds: ['application/pdf'] },
        { code: 'site_plan', name: '用水点位置示意图', nameEn: 'Sketch of the premise', isRequired: false, acceptedKinds: ['image/jpeg', 'image/png'] },
        { code: 'business_licence', name: '营业执照（非居民）', nameEn: 'Business licence (non-residential)', isRequired: false, acceptedKinds: ['image/jpeg', 'application/pdf'] },
      ],
      rules: [{ kind: 'different_people', stageCodes: ['survey', 'budget', 'construction', 'inspection'] }],
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const settings = changed.body;
    expect(settings.version).toBe(1);
    const connection = typeOf(settings, 'new_connection');
    expect(connection.stages.find((stage) => stage.code === 'survey')).toMatchObject({ timeLimitDays: 3, openApplications: 1 });
    expect(connection.stages.find((stage) => stage.code === 'design')).toMatchObject({ isEnabled: false, openApplications: 1 });
    expect(connection.stages.find((stage) => stage.code === 'contract')?.role).toBe('connection_staff');
    expect(connection.rules).toEqual([expect.objectContaining({ kind: 'different_people', stageCodes: ['survey', 'budget', 'construction', 'inspection'] })]);
    // 35 working days before: survey +2, design −5, budget +1.
    expect(connection.totalDays).toBe(33);
    expect(settings.history).toHaveLength(1);
    expect(settings.history[0]).toMatchObject({ version: 1, typeCode: 'new_connection' });
    expect(settings.history[0]?.changes.map((change) => change.zh)).toEqual([
      '“现场踏勘”时限：1 → 3 个工作日',
      '取消环节“设计”',
      '“预算”时限：3 → 4 个工作日',
      '“签订合同及缴费”办理角色：综合窗口 → 报装人员',
      '材料“房产证明或租赁合同”更名为“房产证或不动产权证书”',
      '材料“房产证或不动产权证书”接受格式：PDF',
      '材料“用水点位置示意图”接受格式：JPEG、PNG',
      '新增材料“营业执照（非居民）”（选交）',
      '删除规则：设计、竣工验收须由不同部门办理',
    ]);
    // The version keeps the whole configuration after the change.
    const [stored] = await environment.ownerQuery<{ settings: { types: { code: string; stages: { code: string; timeLimitDays: number }[] }[] } }>(
      'SELECT settings FROM application_settings_versions WHERE tenant_id = $1 AND version = 1',
      [utility.tenant.id],
    );
    expect(stored?.settings.types.find((type) => type.code === 'new_connection')?.stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(3);
    const audit = await auditOf(utility.tenant.id);
    expect(audit.map((entry) => entry.action)).toEqual(['application_process.update']);
    expect(audit[0]?.after).toMatchObject({ version: 1 });

    // The public process shows the change: the design left out, the new limits, the new material.
    const published = connectionOf(await publicOf(utility));
    expect(published.stages.map((stage) => stage.code)).toEqual(['accept', 'survey', 'budget', 'contract', 'construction', 'inspection', 'meter_installation', 'account_opening', 'first_reading']);
    expect(published.stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(3);
    expect(published.totalDays).toBe(33);
    expect(published.materials.map((material) => material.code)).toEqual(['id_card', 'property_proof', 'site_plan', 'business_licence']);
    expect(published.materials.find((material) => material.code === 'property_proof')?.acceptedKinds).toEqual(['application/pdf']);

    // The application at the survey keeps its 1-day deadline; the one at the design finishes it.
    const stillSurvey = (await team.clerk.client.get<Detail>(`/api/applications/${atSurvey.id}`)).body;
    expect(stillSurvey.currentStage).toMatchObject({ code: 'survey', dueAt: surveyDue });
    const stillDesign = (await team.clerk.client.get<Detail>(`/api/applications/${atDesign.id}`)).body;
    expect(stillDesign.currentStage).toMatchObject({ code: 'design', dueAt: designDue });
    expect(stillDesign.stages.map((stage) => stage.code)).toContain('design');
    expect((await team.designer.client.post(`/api/applications/${atDesign.id}/documents`, { stage: 'design', file: PHOTO })).status).toBe(201);
    const designed = await team.designer.client.post<Detail>(`/api/applications/${atDesign.id}/advance`, { version: stillDesign.version, stage: 'design', outputs: { pipeDn: 25 } });
    expect(designed.status, JSON.stringify(designed.body)).toBe(200);
    // The next stage started now gets the new 4-day limit.
    expect(designed.body.currentStage).toMatchObject({ code: 'budget', dueAt: addWorkingDays(calendar, environment.clock.now(), 4).toISOString() });

    // The survey done now passes over the design (left out) to the budget.
    expect((await team.surveyor.client.post(`/api/applications/${atSurvey.id}/documents`, { stage: 'survey', file: PHOTO })).status).toBe(201);
    const surveyed = await team.surveyor.client.post<Detail>(`/api/applications/${atSurvey.id}/advance`, { version: stillSurvey.version, stage: 'survey', outputs: { notes: '可接水' } });
    expect(surveyed.status, JSON.stringify(surveyed.body)).toBe(200);
    expect(surveyed.body.currentStage?.code).toBe('budget');
    expect(surveyed.body.stages.map((stage) => stage.code)).not.toContain('design');

    // A new application gets the new survey limit when it reaches it.
    const fresh = await connectionAtSurvey('3号');
    expect(fresh.currentStage?.dueAt).toBe(addWorkingDays(calendar, environment.clock.now(), 3).toISOString());
  });

  it('takes for a material only the kinds of file it accepts', async () => {
    const created = await team.clerk.client.post<Detail>('/api/applications', { typeCode: 'new_connection', applicantName: '孙八', applicantPhone: '13600008888', district: '江南区', street: '滨江路', address: '4号' });
    const photo = await team.clerk.client.post<ErrorBody>(`/api/applications/${created.body.id}/documents`, { material: 'property_proof', file: PHOTO });
    expect(photo.status).toBe(400);
    expect(photo.body).toMatchObject({ code: 'invalid_file_type', fields: [{ field: 'file', zh: '这项材料只接受 PDF 文件', en: 'this document is accepted only as PDF' }] });
    const pdf = await team.clerk.client.post(`/api/applications/${created.body.id}/documents`, { material: 'property_proof', file: PROPERTY_PDF });
    expect(pdf.status, JSON.stringify(pdf.body)).toBe(201);
  });

  it('may remove every segregation rule of a type, which is audited as such', async () => {
    const current = await settingsOf();
    const removed = await patchType('calibration', { version: current.version, rules: [] });
    expect(removed.status).toBe(200);
    expect(typeOf(removed.body, 'calibration').rules).toEqual([]);
    expect(removed.body.history[0]?.changes.map((change) => change.zh)).toEqual(['删除全部岗位分离规则']);
    const audit = await auditOf(utility.tenant.id);
    expect(audit.at(-1)).toMatchObject({ action: 'application_process.rules_removed', before: { rules: [{ kind: 'different_people', stageCodes: ['test', 'settlement'] }] }, after: { rules: [] } });
    expect((await publicOf(utility)).processes.find((type) => type.code === 'calibration')?.rules).toEqual([]);
    // A change that changes nothing takes no version.
    expect((await patchType('calibration', { version: removed.body.version, rules: [] })).body.version).toBe(removed.body.version);
  });

  it('sets the first-reading period of new connections, versioned and audited', async () => {
    const current = await settingsOf();
    const changed = await admin.patch<Settings>('/api/application-settings', { version: current.version, firstReadingDays: 30 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: current.version + 1, firstReadingDays: 30 });
    expect(changed.body.history[0]).toMatchObject({ typeCode: null, changes: [{ zh: '新装表首次抄表期限：45 → 30 天' }] });
    expect((await auditOf(utility.tenant.id)).at(-1)).toMatchObject({ action: 'application_process.update', before: { firstReadingDays: 45 }, after: { firstReadingDays: 30 } });
  });
});

describe('process settings: one utility at a time', () => {
  it('another utility neither sees nor changes them, and its own changes stay its own', async () => {
    const mine = await settingsOf();
    expect(mine.version).toBeGreaterThan(0);
    const theirs = await settingsOf(otherAdmin);
    expect(theirs).toMatchObject({ version: 0, firstReadingDays: 45, history: [] });
    expect(typeOf(theirs, 'new_connection').stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(1);
    expect(connectionOf(await publicOf(other)).stages.map((stage) => stage.code)).toContain('design');

    // The other utility's administrator changes its own survey limit: ours stays at 3, theirs becomes 2.
    const changed = await patchType('new_connection', { version: 0, stages: [{ code: 'survey', timeLimitDays: 2 }] }, otherAdmin);
    expect(changed.status).toBe(200);
    expect(typeOf(changed.body, 'new_connection').stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(2);
    expect(typeOf(await settingsOf(), 'new_connection').stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(3);
    expect(connectionOf(await publicOf(utility)).stages.find((stage) => stage.code === 'survey')?.timeLimitDays).toBe(3);
    // Our version number is no key to theirs: a stale one for them is refused, not applied.
    expect((await patchType('new_connection', { version: mine.version, stages: [{ code: 'survey', timeLimitDays: 5 }] }, otherAdmin)).status).toBe(409);
    // Row-level security: inside the other utility's transaction, none of our versions exist.
    const seen = await environment.db.withTenant(other.tenant.id, (sql) => sql.query<{ tenant_id: string }>('SELECT tenant_id FROM application_settings_versions'));
    expect(seen.map((row) => row.tenant_id)).toEqual([other.tenant.id]);
    expect((await settingsOf()).version).toBe(mine.version);
  });
});

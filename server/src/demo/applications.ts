/**
 * Demo applications (网上办): the connection team that works every stage without breaking the segregation
 * rules — survey, budget, construction and inspection by four different people; design and inspection in
 * different departments — and a dozen applications at various stages, made through the real workflow (submit,
 * documents, claim, advance, return, reject) on a clock set back in time, so that the stages have real
 * deadlines and a couple of them are overdue today. One new connection is finished: meter installed, account
 * opened on a route, first reading taken.
 */
import { deflateSync } from 'node:zlib';
import type { Actor } from '../platform/audit/audit';
import type { PlatformContext } from '../platform/context';
import { ManualClock } from '../platform/clock';
import { permissionsOf, type Role } from '../platform/permissions';
import { addDocument, advanceApplication, claimApplication, returnOrReject, submitApplication, type ApplicationDetail, type Worker } from '../modules/applications';

/** The staff the demo adds for the connection stages, each in the department the rules need (their logins are printed at start). */
export const DEMO_APPLICATION_STAFF: { username: string; displayName: string; roles: Role[]; department: string }[] = [
  { username: 'designer', displayName: '冯雪（设计室）', roles: ['connection_staff'], department: 'design' },
  { username: 'estimator', displayName: '曹军（预算）', roles: ['connection_staff'], department: 'connection' },
  { username: 'builder', displayName: '彭刚（施工）', roles: ['connection_staff'], department: 'engineering' },
  { username: 'inspector', displayName: '蒋玲（验收）', roles: ['connection_staff'], department: 'quality' },
  { username: 'fitter', displayName: '邓超（装表）', roles: ['connection_staff'], department: 'meter' },
];

/** Departments of the demo's existing staff who work stages. */
const DEPARTMENTS_OF_EXISTING: Record<string, string> = { counter: 'customer_service', connection: 'connection', reader: 'reading', billing: 'finance' };

/** Who works each stage in the demo (the console journey logs in as the same people: e2e/steps/applications-console.ts). */
export const DEMO_STAGE_WORKERS: Record<string, string> = {
  accept: 'counter',
  survey: 'connection',
  design: 'designer',
  budget: 'estimator',
  contract: 'counter',
  construction: 'builder',
  inspection: 'inspector',
  meter_installation: 'fitter',
  account_opening: 'counter',
  first_reading: 'reader',
  final_reading: 'reader',
  settlement: 'billing',
  transfer: 'counter',
  approval: 'billing',
  test: 'fitter',
  meter_removal: 'fitter',
  closure: 'billing',
};

// ---- a demo "scan": a small PNG that looks like a page of a document ----

const CRC_TABLE = Array.from({ length: 256 }, (_, index) => {
  let c = index;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A 240×160 page: a coloured header band, grey text lines and a stamp-like square, as base64 PNG. */
export function demoDocumentPng(hue: [number, number, number]): string {
  const width = 240;
  const height = 160;
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y += 1) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x += 1) {
      let pixel: [number, number, number] = [250, 250, 246];
      if (y < 26) pixel = hue;
      else if (y > 40 && y < 140 && (y - 40) % 14 < 4 && x > 16 && x < (y % 28 < 14 ? 210 : 160)) pixel = [176, 182, 190];
      else if (x > 172 && x < 220 && y > 96 && y < 144 && (x < 176 || x > 216 || y < 100 || y > 140)) pixel = [207, 19, 34];
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) pixel = [200, 205, 212];
      row.set(pixel, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
  return png.toString('base64');
}

// ---- the demo ----

interface Member {
  worker: Worker;
  actor: Actor;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Seeds the demo's applications once: the connection team, then a dozen applications. Time runs on a clock of
 * its own, set back from now, so deadlines and overdue stages come out as they would have.
 */
export async function seedDemoApplications(context: PlatformContext, tenantId: string): Promise<{ applications: number }> {
  const { staff, routeId, accounts } = await context.db.withTenant(tenantId, async (sql) => {
    await sql.query(
      `INSERT INTO staff (tenant_id, username, display_name, password_hash, department)
       SELECT s.tenant_id, n.username, n.display_name, s.password_hash, n.department FROM staff s,
         jsonb_to_recordset($1::jsonb) AS n(username text, display_name text, department text)
       WHERE s.username = 'admin' ON CONFLICT DO NOTHING`,
      [JSON.stringify(DEMO_APPLICATION_STAFF.map((member) => ({ username: member.username, display_name: member.displayName, department: member.department })))],
    );
    for (const member of DEMO_APPLICATION_STAFF) {
      for (const role of member.roles) await sql.query('INSERT INTO staff_roles (tenant_id, staff_id, role) SELECT tenant_id, id, $2 FROM staff WHERE username = $1 ON CONFLICT DO NOTHING', [member.username, role]);
    }
    for (const [username, department] of Object.entries(DEPARTMENTS_OF_EXISTING)) await sql.query('UPDATE staff SET department = $2 WHERE username = $1', [username, department]);
    const rows = await sql.query<{ id: string; username: string; display_name: string; roles: Role[] }>(
      'SELECT s.id, s.username, s.display_name, array_agg(r.role ORDER BY r.role) AS roles FROM staff s JOIN staff_roles r ON r.staff_id = s.id GROUP BY s.id, s.username, s.display_name',
    );
    const [route] = await sql.query<{ id: string }>('SELECT id FROM reading_routes WHERE is_active ORDER BY code LIMIT 1');
    // Households of persons with a phone, for the applications about an existing account (not the portal's demo customer).
    const accountRows = await sql.query<{ id: string; customer_id: string; name: string }>(
      `SELECT a.id, a.customer_id, c.name FROM accounts a JOIN customers c ON c.id = a.customer_id
       WHERE c.kind = 'individual' AND c.phone IS NOT NULL AND a.status <> 'closed' AND a.account_no > '1000000100' ORDER BY a.account_no LIMIT 4`,
    );
    return { staff: rows, routeId: route?.id ?? null, accounts: accountRows };
  });
  const member = (username: string): Member => {
    const row = staff.find((candidate) => candidate.username === username);
    if (!row) throw new Error(`demo staff ${username} is missing`);
    return { worker: { staffId: row.id, roles: row.roles, permissions: permissionsOf(row.roles) }, actor: { type: 'staff', id: row.id, name: `${row.display_name} (${row.username})`, ip: null } };
  };

  const now = context.clock.now().getTime();
  const clock = new ManualClock(new Date(now));
  const timed: PlatformContext = { ...context, clock };
  const counter = member('counter');
  const viewer = { kind: 'staff' as const, ...counter.worker };
  const pages = { id_card: demoDocumentPng([11, 107, 203]), property_proof: demoDocumentPng([56, 158, 13]), use_proof: demoDocumentPng([212, 136, 6]), stage: demoDocumentPng([114, 46, 209]) };
  let meterSerial = 0;

  /** The outputs each stage produces in the demo (a stage's files are uploaded before it is done). */
  const outputsOf = (stageCode: string, serial: number): Record<string, unknown> => {
    const today = new Date(clock.now().getTime() + 8 * HOUR).toISOString().slice(0, 10);
    switch (stageCode) {
      case 'accept':
        return { notes: '材料齐全，予以受理' };
      case 'survey':
        return { notes: serial % 2 ? '市政管网在道路东侧，接口距用水点约 15 米，具备接水条件' : '小区内已有 DN100 支管，可就近接入' };
      case 'design':
        return { pipeDn: 25 };
      case 'budget':
        return { lines: [{ item: 'PE 给水管 DN25 共 15 米', amountFen: 67_500 }, { item: '水表井及表箱', amountFen: 48_000 }, { item: '开挖及恢复路面', amountFen: 120_000 }, { item: '人工费', amountFen: 60_000 }] };
      case 'contract':
        return { contractNo: `HT2026-${String(serial).padStart(4, '0')}`, paidFen: 295_500 };
      case 'construction':
        return { completedOn: today, notes: '管道敷设完毕，试压合格' };
      case 'inspection':
        return { result: 'passed', notes: '接口、埋深、表井均符合要求' };
      case 'meter_installation':
        meterSerial += 1;
        return { serialNo: `JC26BZ${String(meterSerial).padStart(5, '0')}`, model: 'LXS-20E 旋翼湿式', sizeDn: 20, initialReadingLitres: 0, installedOn: today };
      case 'account_opening':
        return { category: 'residential', householdSize: 3, routeId };
      case 'first_reading':
        return { readOn: today, registerLitres: 1_250 };
      case 'final_reading':
        return { readOn: today, registerLitres: 1_000_000 };
      default:
        return { notes: '已办理' };
    }
  };

  const withDocuments = async (detail: ApplicationDetail, materials: readonly string[]) => {
    for (const material of materials) {
      const dataBase64 = pages[material as keyof typeof pages] ?? pages.id_card;
      await addDocument(timed, tenantId, viewer, detail.id, { material, file: { dataBase64, fileName: `${material}.png` } }, counter.actor);
    }
  };

  /** Works the application's current stages one after another, `hoursEach` apart, until it stands at `stopAt` (or is finished). */
  const workUntil = async (detail: ApplicationDetail, stopAt: string | null, hoursEach: number, serial: number): Promise<ApplicationDetail> => {
    let current = detail;
    while (current.status === 'in_progress' && current.currentStage && current.currentStage.code !== stopAt) {
      const stage = current.stages.find((candidate) => candidate.code === current.currentStage?.code);
      const worker = member(DEMO_STAGE_WORKERS[current.currentStage.code] ?? 'counter');
      clock.advance(hoursEach * HOUR);
      current = await claimApplication(timed, tenantId, worker.worker, current.id, { version: current.version }, worker.actor);
      if (stage?.outputs.some((spec) => spec.kind === 'attachments')) {
        await addDocument(timed, tenantId, { kind: 'staff', ...worker.worker }, current.id, { stage: stage.code, file: { dataBase64: pages.stage, fileName: `${stage.code}.png` } }, worker.actor);
      }
      const outputs = outputsOf(current.currentStage?.code ?? '', serial);
      const wanted = new Set(stage?.outputs.map((spec) => spec.key) ?? Object.keys(outputs));
      clock.advance(2 * HOUR);
      current = await advanceApplication(timed, tenantId, worker.worker, current.id, { version: current.version, stage: current.currentStage?.code ?? '', outputs: Object.fromEntries(Object.entries(outputs).filter(([key]) => wanted.has(key))) }, worker.actor);
    }
    return current;
  };

  const connection = (serial: number, name: string, phone: string, place: { district: string; street: string; address: string }) =>
    submitApplication(timed, tenantId, { kind: 'counter', staffName: '王丽（综合窗口）' }, { typeCode: 'new_connection', applicantName: name, applicantPhone: phone, ...place, details: { category: 'residential', householdSize: 2 + (serial % 3) } }, counter.actor, viewer);

  // New connections, oldest first: each submitted some days back and worked up to its stage.
  const plan: { daysAgo: number; stopAt: string | null; hoursEach: number; name: string; phone: string; place: { district: string; street: string; address: string } }[] = [
    { daysAgo: 30, stopAt: null, hoursEach: 20, name: '邱文博', phone: '13871000001', place: { district: '江岸区', street: '黄浦路', address: '58号江景苑5栋1单元1202室' } },
    { daysAgo: 11, stopAt: 'meter_installation', hoursEach: 30, name: '陶思雨', phone: '13871000002', place: { district: '江汉区', street: '常青路', address: '120号常青花园3栋2单元601室' } },
    { daysAgo: 9, stopAt: 'inspection', hoursEach: 30, name: '严海波', phone: '13871000003', place: { district: '硚口区', street: '古田路', address: '33号 严记副食店' } },
    { daysAgo: 14, stopAt: 'construction', hoursEach: 20, name: '华晨', phone: '13871000004', place: { district: '汉阳区', street: '龙阳大道', address: '266号龙阳新村8栋302室' } },
    // Budgeted more than a week ago and the contract still not signed: past its five working days.
    { daysAgo: 12, stopAt: 'contract', hoursEach: 18, name: '柏佳怡', phone: '13871000005', place: { district: '江岸区', street: '台北路', address: '9号台北苑1栋701室' } },
    { daysAgo: 3, stopAt: 'budget', hoursEach: 10, name: '章子涵', phone: '13871000006', place: { district: '江汉区', street: '新华路', address: '77号新华里2栋501室' } },
    { daysAgo: 2, stopAt: 'design', hoursEach: 8, name: '戚志强', phone: '13871000007', place: { district: '汉阳区', street: '琴台大道', address: '18号琴台雅居6栋1101室' } },
    // Accepted more than a week ago and never surveyed: the survey's one working day has long passed.
    { daysAgo: 8, stopAt: 'survey', hoursEach: 3, name: '奚美玲', phone: '13871000008', place: { district: '硚口区', street: '宝丰路', address: '41号宝丰小区4栋203室' } },
    { daysAgo: 0, stopAt: 'accept', hoursEach: 1, name: '范德成', phone: '13871000009', place: { district: '江岸区', street: '解放大道', address: '1088号 范记茶庄' } },
  ];
  let created = 0;
  for (const [index, item] of plan.entries()) {
    clock.set(new Date(now - item.daysAgo * DAY - (index + 1) * HOUR));
    const submitted = await connection(index + 1, item.name, item.phone, item.place);
    await withDocuments(submitted, ['id_card', 'property_proof']);
    await workUntil(submitted, item.stopAt, item.hoursEach, index + 1);
    created += 1;
  }

  // Applications about existing accounts: at their first stages (their completion effects are other engineers' work).
  const about = async (typeCode: string, account: (typeof accounts)[number] | undefined, daysAgo: number, details: Record<string, unknown>, materials: readonly string[]) => {
    if (!account) return null;
    clock.set(new Date(now - daysAgo * DAY));
    const submitted = await submitApplication(timed, tenantId, { kind: 'counter', staffName: '王丽（综合窗口）' }, { typeCode, accountId: account.id, customerId: account.customer_id, details }, counter.actor, viewer);
    await withDocuments(submitted, materials);
    created += 1;
    return submitted;
  };
  const holderChange = await about('holder_change', accounts[0], 1, { newHolderName: '钟晓红', note: '房屋已过户，申请更名' }, ['id_card', 'property_proof']);
  if (holderChange) await workUntil(holderChange, 'final_reading', 2, 20);
  const categoryChange = await about('category_change', accounts[1], 4, { category: 'non_residential', note: '一楼住宅改为便利店' }, ['id_card', 'use_proof']);
  if (categoryChange) await workUntil(categoryChange, 'survey', 20, 21);
  // Returned: the identity document is unreadable.
  const calibration = await about('calibration', accounts[2], 2, { note: '近两月水量明显偏大，怀疑水表走快' }, []);
  if (calibration) {
    clock.advance(3 * HOUR);
    await returnOrReject(timed, tenantId, counter.worker, calibration.id, { version: calibration.version, reason: '请补充申请人身份证明（正反面清晰照片）' }, 'returned', counter.actor);
  }
  // Rejected: the account still has a pending dispute.
  const removal = await about('removal', accounts[3], 3, { note: '房屋拆迁，申请拆表销户' }, ['id_card', 'property_proof']);
  if (removal) {
    clock.advance(4 * HOUR);
    await returnOrReject(timed, tenantId, counter.worker, removal.id, { version: removal.version, reason: '该户尚有未结的水费争议，请先处理争议后再申请销户' }, 'rejected', counter.actor);
  }
  return { applications: created };
}

// The platform's uploads (platform/files): what a file is comes from its content, never its name; files
// are stored under random names in the tenant's folder and read back only from there; one utility never
// reads another's. Through the API too: service-request photos of two utilities and two residents.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkUpload, readTenantFile, resolveTenantFile, sniffImage, sniffPdf, writeTenantFile, type FileUpload } from '../src/platform/files';
import { DomainError } from '../src/platform/errors';
import type { ErrorBody } from './endpoints';
import { givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';
import { DISGUISED, HEIC, JPEG_4X3, objectStream, pdfDocument, PNG_4X3, WEBP_4X3 } from './upload-fixtures';

const POLICY = { field: 'photo', accept: ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const };

/** The refusal of an upload, as code and field; 'accepted' with the type when it passes. */
function verdict(upload: FileUpload, policy: Parameters<typeof checkUpload>[1] = POLICY): string {
  try {
    return `accepted as ${checkUpload(upload, policy).file.contentType}`;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return `${error.code} (${error.fields[0]?.field})`;
  }
}
const upload = (bytes: Buffer, extra: Partial<FileUpload> = {}): FileUpload => ({ dataBase64: bytes.toString('base64'), ...extra });

describe('what a file is comes from its content', () => {
  it('accepts JPEG, PNG, WebP and HEIC by their bytes, with their size in pixels where the format gives it', () => {
    expect(sniffImage(JPEG_4X3)).toEqual({ ok: true, image: { contentType: 'image/jpeg', width: 4, height: 3 } });
    expect(sniffImage(PNG_4X3)).toEqual({ ok: true, image: { contentType: 'image/png', width: 4, height: 3 } });
    expect(sniffImage(WEBP_4X3)).toEqual({ ok: true, image: { contentType: 'image/webp', width: 4, height: 3 } });
    expect(sniffImage(HEIC)).toEqual({ ok: true, image: { contentType: 'image/heic', width: null, height: null } });
  });

  it('goes by the content, not the name: a PNG named .jpg is a PNG; a declared type that differs from the content is refused', () => {
    expect(verdict(upload(PNG_4X3, { fileName: 'IMG_0001.jpg' }))).toBe('accepted as image/png');
    expect(verdict(upload(HEIC, { fileName: 'IMG_0002.JPG' }))).toBe('accepted as image/heic');
    expect(verdict(upload(JPEG_4X3, { fileName: '漏水 照片.png', contentType: 'image/jpeg' }))).toBe('accepted as image/jpeg');
    expect(verdict(upload(PNG_4X3, { contentType: 'image/jpeg' }))).toBe('invalid_file_type (photo)');
    // A type the caller does not take here (meter photos take no HEIC) is refused by content too.
    expect(verdict(upload(HEIC, { fileName: 'meter.jpg' }), { field: 'photo', accept: ['image/jpeg', 'image/png', 'image/webp'] })).toBe('invalid_file_type (photo)');
  });

  it.each(Object.entries(DISGUISED))('refuses %s', (_name, bytes) => {
    expect(verdict(upload(bytes, { fileName: 'photo.jpg', contentType: 'image/jpeg' }))).toMatch(/^invalid_file(_type)? \(photo\)$/);
    expect(verdict(upload(bytes, { fileName: 'photo.jpg' }))).toMatch(/^invalid_file(_type)? \(photo\)$/);
  });

  it('says why in both languages: a script after a JPEG is "other data after its end"', () => {
    try {
      checkUpload(upload(DISGUISED['a whole JPEG with a script after its end'] as Buffer), POLICY);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'validation', code: 'invalid_file', fields: [{ field: 'photo', zh: expect.stringContaining('结尾后还有其他数据'), en: expect.stringContaining('after its end') }] });
    }
  });

  it('refuses oversized files before decoding them, empty files and text that is not base64', () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0xff);
    expect(verdict(upload(big))).toBe('file_too_large (photo)');
    expect(verdict(upload(JPEG_4X3), { ...POLICY, maxBytes: JPEG_4X3.length - 1 })).toBe('file_too_large (photo)');
    expect(verdict(upload(JPEG_4X3), { ...POLICY, maxBytes: JPEG_4X3.length })).toBe('accepted as image/jpeg');
    expect(verdict({ dataBase64: '=======' })).toBe('invalid_file (photo)');
    expect(verdict({ dataBase64: '<script>alert(1)</script>' })).toBe('invalid_file (photo)');
    expect(verdict({ dataBase64: 'data:image/jpeg;base64,' + JPEG_4X3.toString('base64') })).toBe('invalid_file (photo)');
    // Unpadded base64 is still base64.
    expect(verdict({ dataBase64: JPEG_4X3.toString('base64').replace(/=+$/, '') })).toBe('accepted as image/jpeg');
  });

  it('refuses an image too large to show (pixels), whatever its file size', () => {
    const huge = Buffer.from(PNG_4X3);
    huge.writeUInt32BE(20_000, 16); // IHDR width
    // Fix the IHDR checksum so only the size is wrong.
    const crc = (data: Buffer) => {
      let c = 0xffffffff;
      for (const byte of data) {
        c ^= byte;
        for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    huge.writeUInt32BE(crc(huge.subarray(12, 29)), 29);
    expect(sniffImage(huge)).toMatchObject({ ok: false, problem: { reason: 'too_many_pixels' } });
  });

  it.each(['../../etc/passwd.jpg', '..\\..\\boot.ini', 'a/b.jpg', '/etc/shadow', 'C:evil.jpg', '..', '.htaccess', 'x\u0000.jpg', 'line\nbreak.jpg', 'a'.repeat(121)])('refuses the file name %j', (fileName) => {
    expect(verdict(upload(JPEG_4X3, { fileName }))).toBe('invalid_file_name (photo.fileName)');
  });
});

/** A one-page PDF as the project's own PDF writer (pdfkit, used for e-bills) makes it. */
function pdfkitDocument(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const document = new PDFDocument({ size: 'A4', info: { Title: 'Lease', CreationDate: new Date('2026-03-02T00:00:00Z') } });
    const chunks: Buffer[] = [];
    document.on('data', (chunk: Buffer) => chunks.push(chunk));
    document.on('end', () => resolve(Buffer.concat(chunks)));
    document.on('error', reject);
    document.fontSize(14).text('Tenancy agreement, Room 301, 88 Binjiang Road');
    document.end();
  });
}

describe('PDF documents, where a use takes them (applications), and nowhere else', () => {
  const DOCUMENTS = { field: 'file', accept: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf'] as const };
  const zip = Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), Buffer.from('payload.exe', 'latin1'), Buffer.alloc(40)]);
  const javascript = '<< /S /JavaScript /JS (app.alert(document.cookie)) >>';

  it('accepts a real PDF (pdfkit’s, and one written object by object) for documents, and photos still', async () => {
    const made = await pdfkitDocument();
    expect(made.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(verdict(upload(made, { fileName: '租赁合同.pdf' }), DOCUMENTS)).toBe('accepted as application/pdf');
    expect(verdict(upload(pdfDocument(), { contentType: 'application/pdf' }), DOCUMENTS)).toBe('accepted as application/pdf');
    // An incremental update (a second section after the first %%EOF) ends with its own %%EOF: fine.
    const first = pdfDocument();
    const changed = '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n';
    const updated = Buffer.concat([first, Buffer.from(`${changed}xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 6 /Root 1 0 R /Prev 0 >>\nstartxref\n${first.length + changed.length}\n%%EOF\r\n`, 'latin1')]);
    expect(verdict(upload(updated), DOCUMENTS)).toBe('accepted as application/pdf');
    expect(verdict(upload(JPEG_4X3), DOCUMENTS)).toBe('accepted as image/jpeg');
    expect(verdict(upload(HEIC), DOCUMENTS)).toBe('accepted as image/heic');
  });

  it('refuses a PDF where only photos are taken (service requests, meter photos), with the reason in both languages', async () => {
    for (const bytes of [await pdfkitDocument(), pdfDocument()]) {
      expect(verdict(upload(bytes, { fileName: 'photo.jpg' }))).toBe('invalid_file_type (photo)');
      expect(verdict(upload(bytes, { contentType: 'application/pdf' }))).toBe('invalid_file_type (photo)');
    }
    try {
      checkUpload(upload(pdfDocument()), POLICY);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_file_type', fields: [{ field: 'photo', zh: expect.stringContaining('只接受 JPEG、PNG、WebP、HEIC 图片'), en: expect.stringContaining('images are accepted here') }] });
      expect((error as DomainError).fields[0]?.zh).not.toContain('PDF');
    }
  });

  const refusals: [string, Buffer, string][] = [
    ['JavaScript run on opening', pdfDocument({ catalog: `/OpenAction ${javascript}` }), 'active_content'],
    ['JavaScript under an escaped name (/J#61vaScript)', pdfDocument({ catalog: '/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>' }), 'active_content'],
    ['a launch action', pdfDocument({ catalog: '/OpenAction << /S /Launch /F (cmd.exe) >>' }), 'active_content'],
    ['an embedded file', pdfDocument({ catalog: '/Names << /EmbeddedFiles << /Names [(a.exe) 6 0 R] >> >>', objects: ['<< /Type /Filespec /F (a.exe) >>'] }), 'active_content'],
    ['a form that submits itself', pdfDocument({ catalog: '/OpenAction << /S /SubmitForm /F (https://evil.example/) >>' }), 'active_content'],
    ['a javascript: link', pdfDocument({ catalog: '/OpenAction << /S /URI /URI (javascript:alert(1)) >>' }), 'active_content'],
    ['JavaScript packed in a compressed object stream', pdfDocument({ catalog: '/OpenAction 9 0 R', objects: [objectStream(javascript, deflateSync)] }), 'active_content'],
    ['an object stream that cannot be inflated', pdfDocument({ objects: [objectStream('<< /A 1 >>', (data) => Buffer.concat([Buffer.from('not zlib'), data]))] }), 'malformed'],
    ['an encrypted (password) PDF', pdfDocument({ trailer: '/Encrypt 6 0 R /ID [<01> <01>]', objects: ['<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>'] }), 'encrypted'],
    ['a ZIP after %%EOF (polyglot)', pdfDocument({ after: zip }), 'trailing_data'],
    ['an HTML page after %%EOF', pdfDocument({ after: Buffer.from('<html><script>alert(1)</script></html>') }), 'trailing_data'],
    ['HTML inside the document', pdfDocument({ objects: ['(<html><body><script>alert(1)</script></body></html>)'] }), 'active_content'],
    ['a PDF cut short (no %%EOF)', pdfDocument().subarray(0, 300), 'malformed'],
    ['%%EOF without startxref', Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'), 'malformed'],
    ['a startxref pointing at nothing', Buffer.from(pdfDocument().toString('latin1').replace(/startxref\n\d+/, 'startxref\n12'), 'latin1'), 'malformed'],
    ['an unknown PDF version', Buffer.from(pdfDocument().toString('latin1').replace('%PDF-1.7', '%PDF-9.9'), 'latin1'), 'malformed'],
  ];

  it.each(refusals)('refuses %s', (_name, bytes, reason) => {
    const sniffed = sniffPdf(bytes);
    expect(sniffed).toMatchObject({ ok: false, problem: { reason } });
    expect(verdict(upload(bytes, { fileName: 'document.pdf', contentType: 'application/pdf' }), DOCUMENTS)).toBe('invalid_file (file)');
  });

  it('says why in both languages, and goes by content: a ZIP or a page named .pdf is no document, a PDF declared as a JPEG is refused', () => {
    try {
      checkUpload(upload(pdfDocument({ trailer: '/Encrypt 6 0 R', objects: ['<< /Filter /Standard >>'] })), DOCUMENTS);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'validation', code: 'invalid_file', fields: [{ field: 'file', zh: expect.stringContaining('加密'), en: expect.stringContaining('encrypted') }] });
    }
    expect(verdict(upload(zip, { fileName: 'lease.pdf' }), DOCUMENTS)).toBe('invalid_file_type (file)');
    expect(verdict(upload(Buffer.from('<!DOCTYPE html><html><body>%PDF-1.7</body></html>'), { fileName: 'lease.pdf' }), DOCUMENTS)).toBe('invalid_file_type (file)');
    expect(verdict(upload(pdfDocument(), { contentType: 'image/jpeg' }), DOCUMENTS)).toBe('invalid_file_type (file)');
    expect(verdict(upload(JPEG_4X3, { contentType: 'application/pdf' }), DOCUMENTS)).toBe('invalid_file_type (file)');
    for (const bytes of Object.values(DISGUISED)) expect(verdict(upload(bytes, { fileName: 'document.pdf' }), DOCUMENTS)).toMatch(/^invalid_file(_type)? \(file\)$/);
  });

  it('keeps the size limit for documents too, before decoding', () => {
    const padded = Buffer.concat([pdfDocument({ objects: [`(${'x'.repeat(5 * 1024 * 1024)})`] })]);
    expect(verdict(upload(padded), DOCUMENTS)).toBe('file_too_large (file)');
  });
});

describe('where files are kept', () => {
  let dataDir: string;
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'shuiwu-uploads-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('under the tenant’s folder with a random name and the extension of the content, never overwriting, readable by the tenant only', async () => {
    const image = { contentType: 'image/png' as const, width: 4, height: 3 };
    const first = await writeTenantFile(dataDir, tenantA, '2026-03-02T02:00:00Z', PNG_4X3, image);
    const second = await writeTenantFile(dataDir, tenantA, '2026-03-02T02:00:00Z', PNG_4X3, image);
    expect(first.path).toMatch(new RegExp(`^files/${tenantA}/2026-03/[0-9a-f]{32}\\.png$`));
    expect(second.path).not.toBe(first.path);
    expect(first).toMatchObject({ bytes: PNG_4X3.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await readFile(path.join(dataDir, first.path))).toEqual(PNG_4X3);
    expect((await stat(path.join(dataDir, first.path))).mode & 0o777).toBe(0o640);
    expect(await readTenantFile(dataDir, tenantA, first.path, 1024)).toEqual(PNG_4X3);
    // Another tenant asking for it, by its path or by the path rewritten into its own folder, reads nothing.
    await expect(readTenantFile(dataDir, tenantB, first.path, 1024)).rejects.toMatchObject({ code: 'not_found' });
    await expect(readTenantFile(dataDir, tenantB, first.path.replace(tenantA, tenantB), 1024)).rejects.toMatchObject({ code: 'not_found' });
    // Larger than the reader allows: not served.
    await expect(readTenantFile(dataDir, tenantA, first.path, 10)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses every path that is not one of the tenant’s stored files: traversal, absolute, other shapes, symbolic links', async () => {
    const image = { contentType: 'image/jpeg' as const, width: 4, height: 3 };
    const bFile = await writeTenantFile(dataDir, tenantB, '2026-03-02T02:00:00Z', JPEG_4X3, image);
    const name = path.posix.basename(bFile.path);
    const secret = path.join(dataDir, 'secret.key');
    await writeFile(secret, 'not for anyone');
    const attempts = [
      `files/${tenantA}/2026-03/../../${tenantB}/2026-03/${name}`,
      `files/${tenantA}/../${tenantB}/2026-03/${name}`,
      `../${path.basename(dataDir)}/${bFile.path}`,
      path.join(dataDir, bFile.path),
      `/etc/passwd`,
      `files/${tenantA}/2026-03/${name}/../../../../secret.key`,
      `files\\${tenantA}\\2026-03\\${name}`,
      `files/${tenantA}/2026-03/${name}%00.jpg`,
      `secret.key`,
      `photos/${tenantA}/../../secret.key`,
    ];
    for (const attempt of attempts) {
      expect(resolveTenantFile(dataDir, tenantA, attempt), attempt).toBeNull();
      await expect(readTenantFile(dataDir, tenantA, attempt, 1 << 20), attempt).rejects.toMatchObject({ code: 'not_found' });
    }
    // A symbolic link with a stored file's shape, planted in A's folder, pointing at the key: not followed.
    const linkName = `files/${tenantA}/2026-03/${'a'.repeat(32)}.jpg`;
    await mkdir(path.dirname(path.join(dataDir, linkName)), { recursive: true });
    await symlink(secret, path.join(dataDir, linkName));
    expect(resolveTenantFile(dataDir, tenantA, linkName)).not.toBeNull();
    await expect(readTenantFile(dataDir, tenantA, linkName, 1 << 20)).rejects.toMatchObject({ code: 'not_found' });
    // Meter photos of before keep their old place, and are read the same way.
    const legacy = `photos/${tenantA}/2026-01/${randomUUID()}.jpg`;
    await mkdir(path.dirname(path.join(dataDir, legacy)), { recursive: true });
    await writeFile(path.join(dataDir, legacy), JPEG_4X3);
    expect(await readTenantFile(dataDir, tenantA, legacy, 1 << 20)).toEqual(JPEG_4X3);
    await expect(readTenantFile(dataDir, tenantB, legacy, 1 << 20)).rejects.toMatchObject({ code: 'not_found' });
  });
});

interface Photo {
  id: string;
  step: string;
  contentType: string;
  bytes: number;
}
interface Detail {
  id: string;
  photos: Photo[];
}

describe('service-request photos through the API, between two utilities and two residents', () => {
  let environment: TestEnvironment;
  let a: Utility;
  let b: Utility;
  let aAgent: Client;
  let bAgent: Client;
  let aReader: Client;
  let bReader: Client;
  let resident: Client;
  let neighbour: Client;
  let aRequest: Detail;
  let bRequest: Detail;
  let aPhoto: Photo;
  let bPhoto: Photo;
  let residentRequest: Detail;
  let residentPhoto: Photo;

  beforeAll(async () => {
    environment = await createTestEnvironment();
    a = await environment.givenUtility('up-a');
    b = await environment.givenUtility('up-b');
    aAgent = await environment.loginStaff(a, 'hotline_agent');
    bAgent = await environment.loginStaff(b, 'hotline_agent');
    aReader = await environment.loginStaff(a, 'reading_supervisor');
    bReader = await environment.loginStaff(b, 'reading_supervisor');
    const categoryOf = async (client: Client) => (await client.get<{ categories: { id: string; code: string }[] }>('/api/service-categories')).body.categories.find((category) => category.code === 'leak')?.id;
    const aLeak = await categoryOf(aAgent);
    const bLeak = await categoryOf(bAgent);
    aRequest = (await aAgent.post<Detail>('/api/service-requests', { categoryId: aLeak, channel: 'hotline', address: '甲方路 1 号', description: '路面冒水' })).body;
    bRequest = (await bAgent.post<Detail>('/api/service-requests', { categoryId: bLeak, channel: 'hotline', address: '乙方路 2 号', description: '路面冒水' })).body;
    aPhoto = (await aAgent.post<{ photo: Photo }>(`/api/service-requests/${aRequest.id}/photos`, { step: 'submit', photo: { dataBase64: JPEG_4X3.toString('base64') } })).body.photo;
    bPhoto = (await bAgent.post<{ photo: Photo }>(`/api/service-requests/${bRequest.id}/photos`, { step: 'submit', photo: { dataBase64: PNG_4X3.toString('base64') } })).body.photo;
    const home = await givenCustomerWithAccount(environment, a, { name: '张家' });
    resident = await environment.loginPortal(a, '13700005555');
    neighbour = await environment.loginPortal(a, '13700006666');
    expect((await resident.post('/api/portal/bindings', { accountNo: home.account.accountNo, holderName: '张家' })).status).toBe(201);
    residentRequest = (await resident.post<Detail>('/api/portal/service-requests', { categoryId: aLeak, accountId: home.account.id, description: '水表井漏水' })).body;
    residentPhoto = (await resident.post<{ photo: Photo }>(`/api/portal/service-requests/${residentRequest.id}/photos`, { photo: { dataBase64: WEBP_4X3.toString('base64'), fileName: 'IMG_1.webp' } })).body.photo;
  });
  afterAll(() => environment.close());

  it('serves each utility its own photo, as the image with its checked type, never as a page', async () => {
    expect(aPhoto).toMatchObject({ step: 'submit', contentType: 'image/jpeg', bytes: JPEG_4X3.length });
    const answer = await aAgent.get(`/api/service-requests/${aRequest.id}/photos/${aPhoto.id}`);
    expect(answer.status).toBe(200);
    expect(answer.rawBody).toEqual(JPEG_4X3);
    expect(answer.headers).toMatchObject({ 'content-type': 'image/jpeg', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" });
    expect((await bAgent.get(`/api/service-requests/${bRequest.id}/photos/${bPhoto.id}`)).rawBody).toEqual(PNG_4X3);
  });

  it("gives A's staff 404 for B's photo, by B's request or by A's own", async () => {
    expect((await aAgent.get<ErrorBody>(`/api/service-requests/${bRequest.id}/photos/${bPhoto.id}`)).body.code).toBe('not_found');
    expect((await aAgent.get<ErrorBody>(`/api/service-requests/${aRequest.id}/photos/${bPhoto.id}`)).body.code).toBe('not_found');
    expect((await bAgent.get<ErrorBody>(`/api/service-requests/${aRequest.id}/photos/${aPhoto.id}`)).status).toBe(404);
    // Nor can A attach to B's request.
    const attach = await aAgent.post<ErrorBody>(`/api/service-requests/${bRequest.id}/photos`, { step: 'submit', photo: { dataBase64: JPEG_4X3.toString('base64') } });
    expect(attach.status).toBe(404);
    const bDetail = await bAgent.get<Detail>(`/api/service-requests/${bRequest.id}`);
    expect(bDetail.body.photos.map((photo) => photo.id)).toEqual([bPhoto.id]);
  });

  it('shows a resident the photos of their own request only; staff see it too', async () => {
    expect((await resident.get(`/api/portal/service-requests/${residentRequest.id}/photos/${residentPhoto.id}`)).rawBody).toEqual(WEBP_4X3);
    expect((await neighbour.get<ErrorBody>(`/api/portal/service-requests/${residentRequest.id}/photos/${residentPhoto.id}`)).status).toBe(404);
    expect((await neighbour.post<ErrorBody>(`/api/portal/service-requests/${residentRequest.id}/photos`, { photo: { dataBase64: JPEG_4X3.toString('base64') } })).status).toBe(404);
    // A resident cannot reach a staff-recorded request of nobody's account, nor its photo.
    expect((await resident.get<ErrorBody>(`/api/portal/service-requests/${aRequest.id}/photos/${aPhoto.id}`)).status).toBe(404);
    expect((await aAgent.get(`/api/service-requests/${residentRequest.id}/photos/${residentPhoto.id}`)).rawBody).toEqual(WEBP_4X3);
  });

  it('keeps meter photos through the same facility: an attachment of the reading, read back as before', async () => {
    const account = (await resident.get<{ accounts: { id: string }[] }>('/api/portal/accounts')).body.accounts[0]?.id;
    const sent = await resident.post<{ reading: { status: string } }>(`/api/portal/accounts/${account}/readings`, { registerLitres: 1_000, photo: { contentType: 'image/jpeg', dataBase64: JPEG_4X3.toString('base64') } });
    expect(sent.status).toBe(201);
    const rows = await environment.ownerQuery<{ owner_id: string; purpose: string; stored_path: string; content_type: string }>(
      "SELECT owner_id, purpose, stored_path, content_type FROM attachments WHERE tenant_id = $1 AND owner_kind = 'reading'",
      [a.tenant.id],
    );
    expect(rows).toEqual([{ owner_id: expect.any(String), purpose: 'meter', content_type: 'image/jpeg', stored_path: expect.stringMatching(new RegExp(`^files/${a.tenant.id}/`)) }]);
    const readingId = rows[0]?.owner_id as string;
    const [reading] = await environment.ownerQuery<{ photo_path: string }>('SELECT photo_path FROM readings WHERE id = $1', [readingId]);
    expect(reading?.photo_path).toBe(rows[0]?.stored_path);
    const photo = await aReader.get<{ contentType: string; dataBase64: string }>(`/api/readings/${readingId}/photo`);
    expect(photo.body).toEqual({ contentType: 'image/jpeg', dataBase64: JPEG_4X3.toString('base64') });
    expect((await bReader.get<ErrorBody>(`/api/readings/${readingId}/photo`)).status).toBe(404);
    // A disguised meter photo keeps the reading API's own error.
    const disguised = await resident.post<ErrorBody>(`/api/portal/accounts/${account}/readings`, { registerLitres: 1_001, photo: { contentType: 'image/jpeg', dataBase64: (DISGUISED['a JPEG header followed by a script'] as Buffer).toString('base64') } });
    expect(disguised.body).toMatchObject({ code: 'invalid_photo', fields: [{ field: 'photo' }] });
  });

  it('refuses a real PDF as a service-request photo, from a resident and from staff (photos only there)', async () => {
    const pdf = await pdfkitDocument();
    const fromResident = await resident.post<ErrorBody>(`/api/portal/service-requests/${residentRequest.id}/photos`, { photo: { dataBase64: pdf.toString('base64'), fileName: 'scan.pdf', contentType: 'application/pdf' } });
    expect([fromResident.status, fromResident.body.code, fromResident.body.fields[0]?.field]).toEqual([400, 'invalid_file_type', 'photo']);
    const fromStaff = await aAgent.post<ErrorBody>(`/api/service-requests/${aRequest.id}/photos`, { step: 'submit', photo: { dataBase64: pdf.toString('base64') } });
    expect([fromStaff.status, fromStaff.body.code]).toEqual([400, 'invalid_file_type']);
    const pdfs = await environment.ownerQuery<{ count: number }>("SELECT count(*)::int AS count FROM attachments WHERE content_type = 'application/pdf' AND owner_kind <> 'application'");
    expect(pdfs[0]?.count).toBe(0);
  });

  it('refuses disguised and oversized files through the API and keeps nothing of them', async () => {
    const before = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM attachments WHERE tenant_id = $1', [a.tenant.id]);
    const answers: Record<string, string> = {};
    for (const [name, bytes] of Object.entries(DISGUISED)) {
      const response = await resident.post<ErrorBody>(`/api/portal/service-requests/${residentRequest.id}/photos`, { photo: { dataBase64: bytes.toString('base64'), fileName: 'photo.jpg', contentType: 'image/jpeg' } });
      answers[name] = `${response.status} ${response.body.fields[0]?.field}`;
    }
    expect(answers).toEqual(Object.fromEntries(Object.keys(DISGUISED).map((name) => [name, '400 photo'])));
    const oversized = await aAgent.post<ErrorBody>(`/api/service-requests/${aRequest.id}/photos`, { step: 'submit', photo: { dataBase64: Buffer.alloc(5 * 1024 * 1024 + 10, 0xff).toString('base64') } });
    expect(oversized.body).toMatchObject({ code: 'file_too_large', fields: [{ field: 'photo' }] });
    const traversal = await aAgent.post<ErrorBody>(`/api/service-requests/${aRequest.id}/photos`, { step: 'submit', photo: { dataBase64: JPEG_4X3.toString('base64'), fileName: '../../../etc/cron.d/x.jpg' } });
    expect(traversal.body).toMatchObject({ code: 'invalid_file_name', fields: [{ field: 'photo.fileName' }] });
    const after = await environment.ownerQuery<{ count: number }>('SELECT count(*)::int AS count FROM attachments WHERE tenant_id = $1', [a.tenant.id]);
    expect(after).toEqual(before);
    // What is kept on disk is named by the server, in the tenant's folder.
    const rows = await environment.ownerQuery<{ stored_path: string; original_name: string | null }>('SELECT stored_path, original_name FROM attachments WHERE tenant_id = $1', [a.tenant.id]);
    for (const row of rows) {
      expect(row.stored_path).toMatch(new RegExp(`^files/${a.tenant.id}/\\d{4}-\\d{2}/[0-9a-f]{32}\\.(jpg|png|webp|heic)$`));
      expect(existsSync(path.join(environment.config.dataDir, row.stored_path))).toBe(true);
    }
    expect(rows.map((row) => row.original_name)).toContain('IMG_1.webp');
  });
});

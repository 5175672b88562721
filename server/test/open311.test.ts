import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOpen311Queue } from '../src/modules/open311';
import { type CustomerWithAccount, givenCustomerWithAccount } from './factories';
import { type Client, createTestEnvironment, type TestEnvironment, type Utility } from './harness';

// A GeoReport v2 client written to the specification (https://wiki.open311.org/GeoReport_v2, Service
// Discovery, and the Spark convention of JSON_and_XML_Conversion): it calls every endpoint over HTTP in JSON
// and in XML, parses the XML with the strict parser below, and checks that both formats say the same thing.

// ---- a minimal, strict XML parser: the declaration, elements and text; no attributes, comments or CDATA ----

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  return raw.replace(/&([^;\s&]{1,10});|&/g, (whole, entity: string | undefined) => {
    if (!entity) throw new Error('XML: a bare & in text');
    if (entity in ENTITIES) return ENTITIES[entity] as string;
    const code = /^#x([0-9a-f]+)$/i.exec(entity)?.[1] ?? /^#(\d+)$/.exec(entity)?.[1];
    if (code === undefined) throw new Error(`XML: unknown entity ${whole}`);
    return String.fromCodePoint(entity.startsWith('#x') || entity.startsWith('#X') ? parseInt(code, 16) : Number(code));
  });
}

export function parseXml(source: string): XmlElement {
  let at = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${at}: ${JSON.stringify(source.slice(at, at + 30))}`);
  };
  const skipSpace = () => {
    while (at < source.length && /\s/.test(source[at] as string)) at += 1;
  };
  const name = (): string => {
    const match = /^[A-Za-z_][\w.-]*/.exec(source.slice(at));
    if (!match) return fail('expected a name');
    at += match[0].length;
    return match[0];
  };
  const element = (): XmlElement => {
    if (source[at] !== '<') fail('expected <');
    at += 1;
    const tag = name();
    skipSpace();
    if (source.startsWith('/>', at)) {
      at += 2;
      return { name: tag, children: [], text: '' };
    }
    if (source[at] !== '>') fail(`<${tag}> has attributes, which GeoReport does not use`);
    at += 1;
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (at >= source.length) fail(`<${tag}> is never closed`);
      if (source.startsWith('</', at)) {
        at += 2;
        const closing = name();
        if (closing !== tag) fail(`</${closing}> closes <${tag}>`);
        skipSpace();
        if (source[at] !== '>') fail('expected >');
        at += 1;
        break;
      }
      if (source.startsWith('<!', at) || source.startsWith('<?', at)) fail('comments, CDATA and processing instructions are not expected');
      if (source[at] === '<') {
        children.push(element());
        continue;
      }
      const next = source.indexOf('<', at);
      const raw = source.slice(at, next === -1 ? source.length : next);
      at += raw.length;
      text += decodeText(raw);
    }
    if (children.length > 0 && text.trim() !== '') fail(`<${tag}> mixes text and elements`);
    return { name: tag, children, text: children.length > 0 ? '' : text };
  };
  const declaration = /^<\?xml version="1\.0" encoding="utf-8"\?>/i.exec(source);
  if (!declaration) fail('the XML declaration with encoding="utf-8" must come first');
  at = declaration?.[0].length ?? 0;
  skipSpace();
  const root = element();
  skipSpace();
  if (at !== source.length) fail('content after the root element');
  return root;
}

/** The containers of repeated elements in GeoReport v2 and Service Discovery. */
const CONTAINERS: Record<string, string> = { services: 'service', attributes: 'attribute', values: 'value', service_requests: 'request', errors: 'error', endpoints: 'endpoint', formats: 'format' };

/** The Spark convention: a container is an array (even of one), an empty element null, text a string. */
function spark(element: XmlElement): unknown {
  const child = CONTAINERS[element.name];
  if (child) {
    for (const item of element.children) expect(item.name, `<${element.name}> holds only <${child}>`).toBe(child);
    return element.children.map(spark);
  }
  if (element.children.length === 0) return element.text === '' ? null : element.text;
  const names = element.children.map((item) => item.name);
  expect(new Set(names).size, `<${element.name}> repeats no element`).toBe(names.length);
  return Object.fromEntries(element.children.map((item) => [item.name, spark(item)]));
}

/** JSON with every scalar as the text XML would carry (null stays null). */
function asText(value: unknown): unknown {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.map(asText);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asText(item)]));
  return String(value);
}

// ---- the client ----

type Format = 'json' | 'xml';

interface Answer<T = unknown> {
  status: number;
  contentType: string;
  /** JSON as parsed, or the XML converted by the Spark convention (scalars as text). */
  data: T;
  root: string | null;
  raw: string;
}

class GeoReportClient {
  constructor(
    private readonly environment: TestEnvironment,
    private readonly base = '/open311/v2',
  ) {}

  async call<T = unknown>(method: 'GET' | 'POST', path: string, format: Format, options: { query?: Record<string, string>; form?: [string, string][]; contentType?: string; raw?: string } = {}): Promise<Answer<T>> {
    const query = options.query ? `?${new URLSearchParams(options.query).toString()}` : '';
    const body = options.raw ?? (options.form ? new URLSearchParams(options.form).toString() : undefined);
    const response = await this.environment.app.inject({
      method,
      url: `${path}.${format}${query}`,
      headers: body !== undefined ? { 'content-type': options.contentType ?? 'application/x-www-form-urlencoded; charset=utf-8' } : {},
      ...(body !== undefined ? { payload: body } : {}),
    });
    const contentType = String(response.headers['content-type'] ?? '');
    if (format === 'json') {
      expect(contentType).toBe('application/json; charset=utf-8');
      return { status: response.statusCode, contentType, data: response.json() as T, root: null, raw: response.body };
    }
    expect(contentType).toBe('text/xml; charset=utf-8');
    const root = parseXml(response.body);
    return { status: response.statusCode, contentType, data: spark(root) as T, root: root.name, raw: response.body };
  }

  /** The same resource in both formats: their status, and the data of both, which must agree. */
  async both<T = unknown>(method: 'GET' | 'POST', path: string, options: { query?: Record<string, string> } = {}): Promise<{ status: number; json: T; xml: unknown; root: string | null }> {
    const json = await this.call<T>(method, path, 'json', options);
    const xml = await this.call(method, path, 'xml', options);
    expect(xml.status).toBe(json.status);
    expect(xml.data).toEqual(asText(json.data));
    return { status: json.status, json: json.data, xml: xml.data, root: xml.root };
  }

  discovery(format: Format, query?: Record<string, string>) {
    return this.call<Discovery>('GET', '/open311/discovery', format, query ? { query } : {});
  }
  services(jurisdiction?: string) {
    return this.both<Service[]>('GET', `${this.base}/services`, jurisdiction ? { query: { jurisdiction_id: jurisdiction } } : {});
  }
  definition(code: string, jurisdiction: string) {
    return this.both<Definition>('GET', `${this.base}/services/${code}`, { query: { jurisdiction_id: jurisdiction } });
  }
  post(format: Format, form: [string, string][]) {
    return this.call<PostAnswer[]>('POST', `${this.base}/requests`, format, { form });
  }
  requests(query: Record<string, string>) {
    return this.both<RequestView[]>('GET', `${this.base}/requests`, { query });
  }
  request(id: string, jurisdiction: string) {
    return this.both<RequestView[]>('GET', `${this.base}/requests/${id}`, { query: { jurisdiction_id: jurisdiction } });
  }
  token(token: string, jurisdiction: string) {
    return this.both<{ service_request_id: string | null; token: string }[]>('GET', `${this.base}/tokens/${token}`, { query: { jurisdiction_id: jurisdiction } });
  }
}

interface Discovery {
  changeset: string;
  contact: string;
  key_service: string;
  endpoints: { specification: string; url: string; changeset: string; type: string; formats: string[] }[];
}
interface Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch';
  keywords: string;
  group: string;
}
interface Definition {
  service_code: string;
  attributes: { variable: boolean; code: string; datatype: string; required: boolean; datatype_description: string | null; order: number; description: string; values?: { key: string; name: string }[] }[];
}
interface PostAnswer {
  service_request_id?: string;
  token?: string;
  service_notice: string;
  account_id: string | null;
}
interface RequestView {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string | null;
  service_name: string;
  service_code: string;
  description: string | null;
  agency_responsible: string | null;
  service_notice: string | null;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string | null;
  address: string | null;
  address_id: string | null;
  zipcode: string | null;
  lat: number | null;
  long: number | null;
  media_url: string | null;
}
interface ErrorItem {
  code: number;
  description: string;
}

// ---- the installation: two utilities, so jurisdiction_id is required ----

let environment: TestEnvironment;
let utility: Utility;
let other: Utility;
let home: CustomerWithAccount;
let admin: Client;
let agent: Client;
let client: GeoReportClient;
let apiKey: string;
let otherKey: string;
let J: string;

const W3C = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

async function issueKey(by: Client, label: string, ratePerMinute?: number): Promise<{ apiKey: string; id: string }> {
  const issued = await by.post<{ key: { id: string; keyPrefix: string; status: string }; apiKey: string }>('/api/open311/keys', { label, ...(ratePerMinute ? { ratePerMinute } : {}) });
  expect(issued.status).toBe(201);
  expect(issued.body.apiKey.startsWith(issued.body.key.keyPrefix)).toBe(true);
  return { apiKey: issued.body.apiKey, id: issued.body.key.id };
}

beforeAll(async () => {
  environment = await createTestEnvironment();
  utility = await environment.givenUtility('o311');
  other = await environment.givenUtility('o311-other');
  J = utility.tenant.code;
  home = await givenCustomerWithAccount(environment, utility, { name: '赵六' });
  admin = await environment.loginStaff(utility, 'admin');
  agent = await environment.loginStaff(utility, 'hotline_agent');
  client = new GeoReportClient(environment);
  apiKey = (await issueKey(admin, '市民随手拍 App')).apiKey;
  otherKey = (await issueKey(await environment.loginStaff(other, 'admin'), '别家的应用')).apiKey;
});
afterAll(() => environment.close());

const leakForm = (extra: [string, string][] = []): [string, string][] => [
  ['api_key', apiKey],
  ['jurisdiction_id', J],
  ['service_code', 'leak'],
  ['lat', '30.5928'],
  ['long', '114.3055'],
  ['attribute[location]', 'road'],
  ['attribute[flow]', 'gushing'],
  ...extra,
];

describe('Service Discovery', () => {
  it('is served as discovery.json and discovery.xml, with the GeoReport v2 endpoint and both formats', async () => {
    const json = await client.discovery('json');
    expect(json.status).toBe(200);
    expect(json.data.changeset).toMatch(W3C);
    expect(json.data.contact).toContain(`jurisdiction_id=${J}`);
    expect(json.data.contact).toContain(`jurisdiction_id=${other.tenant.code}`);
    expect(json.data.key_service).toBeTruthy();
    expect(json.data.endpoints).toEqual([
      { specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://localhost:80/open311/v2', changeset: json.data.changeset, type: 'production', formats: ['text/xml', 'application/json'] },
    ]);
    const xml = await client.discovery('xml');
    expect(xml.root).toBe('discovery');
    expect(xml.data).toEqual(asText(json.data));
    // Also at the endpoint itself, and for one jurisdiction.
    const inV2 = await client.call<Discovery>('GET', '/open311/v2/discovery', 'json', { query: { jurisdiction_id: J } });
    expect(inV2.status).toBe(200);
    expect(inV2.data.contact).toContain(utility.tenant.name);
    expect(inV2.data.contact).not.toContain(other.tenant.name);
  });
});

describe('GET services and service definitions', () => {
  it('needs jurisdiction_id on an installation of several utilities (400), and refuses an unknown one (404), in both formats', async () => {
    const missing = await client.services();
    expect(missing.status).toBe(400);
    expect(missing.root).toBe('errors');
    expect(missing.json).toEqual([{ code: 400, description: expect.stringContaining('jurisdiction_id was not provided') }]);
    const unknown = await client.services('no-such-city');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual([{ code: 404, description: expect.stringContaining('jurisdiction_id no-such-city was not found') }]);
  });

  it("lists the utility's request categories as services, with metadata, type, keywords and group", async () => {
    const answer = await client.services(J);
    expect(answer.status).toBe(200);
    expect(answer.root).toBe('services');
    const codes = answer.json.map((service) => service.service_code);
    expect(codes).toEqual(['burst', 'leak', 'no_water', 'low_pressure', 'water_quality', 'meter_fault', 'inquiry', 'complaint', 'praise', 'suggestion']);
    const leak = answer.json.find((service) => service.service_code === 'leak');
    expect(leak).toEqual({ service_code: 'leak', service_name: '漏水报修', description: expect.stringContaining('漏水'), metadata: true, type: 'realtime', keywords: expect.stringContaining('漏水'), group: '报修' });
    for (const service of answer.json) expect(Object.keys(service).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
  });

  it('defines the questions of a service (attributes with datatypes, order and values), and 404 for an unknown service_code', async () => {
    const leak = await client.definition('leak', J);
    expect(leak.status).toBe(200);
    expect(leak.root).toBe('service_definition');
    expect(leak.json.service_code).toBe('leak');
    expect(leak.json.attributes.map((attribute) => [attribute.code, attribute.datatype, attribute.required, attribute.order])).toEqual([
      ['location', 'singlevaluelist', true, 1],
      ['flow', 'singlevaluelist', false, 2],
    ]);
    expect(leak.json.attributes[0]?.values).toContainEqual({ key: 'road', name: '道路/路面' });
    const burst = await client.definition('burst', J);
    expect(burst.json.attributes.find((attribute) => attribute.code === 'safety')).toMatchObject({ variable: false, required: false });
    const quality = await client.definition('water_quality', J);
    expect(quality.json.attributes[0]).toMatchObject({ code: 'symptoms', datatype: 'multivaluelist', required: true });
    const unknown = await client.definition('sinkhole', J);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual([{ code: 404, description: 'service_code sinkhole was not found' }]);
  });
});

describe('POST requests', () => {
  it('refuses a missing or invalid api_key with 403 in both formats, and creates nothing', async () => {
    const before = await countRequests();
    const form = leakForm().filter(([name]) => name !== 'api_key');
    for (const format of ['json', 'xml'] as const) {
      const none = await client.post(format, form);
      expect(none.status).toBe(403);
      expect(none.data).toEqual(format === 'json' ? [{ code: 403, description: 'api_key was not provided' }] : [{ code: '403', description: 'api_key was not provided' }]);
      const wrong = await client.post(format, [['api_key', 'o311_not-a-real-key'], ...form]);
      expect(wrong.status).toBe(403);
      expect(JSON.stringify(wrong.data)).toContain('Invalid api_key');
      // Another utility's key is not a key of this jurisdiction.
      expect((await client.post(format, [['api_key', otherKey], ...form])).status).toBe(403);
    }
    expect(await countRequests()).toBe(before);
  });

  it('answers 400 for a missing service_code, 404 for an unknown one, 400 without a location, and 400 naming every wrong field', async () => {
    const before = await countRequests();
    const noCode = await client.post('json', leakForm().filter(([name]) => name !== 'service_code'));
    expect([noCode.status, noCode.data]).toEqual([400, [{ code: 400, description: 'service_code was not provided' }]]);
    const unknown = await client.post('xml', leakForm().map(([name, value]) => [name, name === 'service_code' ? 'sinkhole' : value]));
    expect([unknown.status, unknown.data]).toEqual([404, [{ code: '404', description: 'service_code sinkhole was not found' }]]);
    const nowhere = await client.post('json', leakForm().filter(([name]) => name !== 'lat' && name !== 'long'));
    expect(nowhere.status).toBe(400);
    expect(nowhere.data).toEqual([{ code: 400, description: 'A location must be given: lat and long, address_string or address_id' }]);
    const bad = await client.post('json', [
      ...leakForm().filter(([name]) => !['long', 'attribute[location]', 'attribute[flow]'].includes(name)),
      ['attribute[flow]', 'a-lot'],
      ['attribute[colour]', 'blue'],
      ['email', 'not-an-address'],
      ['phone', '12345'],
      ['media_url', 'ftp://example.com/a.jpg'],
      ['address_id', '00000000-0000-4000-8000-000000000000'],
    ]);
    expect(bad.status).toBe(400);
    expect((bad.data as unknown as ErrorItem[]).map((error) => error.description)).toEqual([
      'lat and long must both be sent',
      'address_id 00000000-0000-4000-8000-000000000000 is not an address of this jurisdiction',
      'attribute[colour] is not an attribute of service_code leak',
      'attribute[location] is required for service_code leak',
      'attribute[flow] must be one of seeping, flowing, gushing',
      'email is not an e-mail address',
      'phone must be a mainland mobile number or a landline with its area code',
      'media_url must be an http or https URL of at most 1,000 characters',
    ]);
    expect((bad.data as unknown as ErrorItem[]).every((error) => error.code === 400)).toBe(true);
    const tooLong = await client.post('json', [...leakForm(), ['description', '漏'.repeat(4001)]]);
    expect([tooLong.status, tooLong.data]).toEqual([400, [{ code: 400, description: 'description must have at most 4,000 characters' }]]);
    const notForm = await client.call('POST', '/open311/v2/requests', 'json', { raw: JSON.stringify({ api_key: apiKey, service_code: 'leak' }), contentType: 'application/json' });
    expect(notForm.status).toBe(400);
    expect(notForm.data).toEqual([{ code: 400, description: expect.stringContaining('application/x-www-form-urlencoded') }]);
    expect(await countRequests()).toBe(before);
  });

  it('makes a realtime service request at once: service_request_id, service_notice and account_id; the contact is the masked contact of the request', async () => {
    const answer = await client.post('json', [
      ...leakForm(),
      ['address_string', '江岸区沿江大道188号路口'],
      ['email', 'zhang.san@example.com'],
      ['first_name', '三'],
      ['last_name', '张'],
      ['phone', '+86 138 0013 8000'],
      ['description', '路口人行道边水管破裂，水一直往外冒。'],
      ['media_url', 'https://photos.example.com/leak/1.jpg'],
      ['device_id', 'device-abc-123'],
      ['account_id', 'app-user-42'],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual([{ service_request_id: expect.stringMatching(/^GD\d{8}\d{5}$/), service_notice: expect.stringContaining('到达现场'), account_id: 'app-user-42' }]);
    expect(answer.data[0]).not.toHaveProperty('token');
    const requestNo = answer.data[0]?.service_request_id as string;
    // The service desk has it, channel open311, with the answers to the questions at the head of its description.
    const listed = await agent.get<{ requests: { id: string; requestNo: string; channel: string; contactName: string; contactPhoneMasked: string; description: string; address: string; latitude: number }[] }>('/api/service-requests?limit=100');
    const made = listed.body.requests.find((request) => request.requestNo === requestNo);
    expect(made).toMatchObject({ channel: 'open311', contactName: '张三', contactPhoneMasked: '138****8000', address: '江岸区沿江大道188号路口', latitude: 30.5928 });
    expect(made?.description.split('\n').slice(0, 3)).toEqual(['【来源】Open311 · 市民随手拍 App', '【漏水位置】道路/路面', '【出水情况】喷涌/大量冒水']);
    // The e-mail and device id are kept encrypted or keyed-hashed only.
    const [stored] = await environment.db.withTenant(utility.tenant.id, (sql) =>
      sql.query<{ email_encrypted: Uint8Array; device_id_index: Uint8Array; input: Record<string, unknown>; contact_encrypted: Uint8Array | null }>(
        'SELECT s.email_encrypted, s.device_id_index, s.input, s.contact_encrypted FROM open311_submissions s JOIN service_requests r ON r.id = s.request_id WHERE r.request_no = $1',
        [requestNo],
      ),
    );
    expect(Buffer.from(stored?.email_encrypted ?? []).toString('latin1')).not.toContain('zhang.san');
    expect(environment.context.cipher.decrypt(stored?.email_encrypted as Uint8Array)).toBe('zhang.san@example.com');
    expect(Buffer.from(stored?.device_id_index ?? []).equals(environment.context.cipher.blindIndex('device-abc-123'))).toBe(true);
    expect(stored?.contact_encrypted).toBeNull();
    expect(JSON.stringify(stored?.input)).not.toContain('13800138000');
    // The public view: no contact, the description as submitted, the location.
    const view = await client.request(requestNo, J);
    expect(view.status).toBe(200);
    expect(view.root).toBe('service_requests');
    expect(view.json).toEqual([
      {
        service_request_id: requestNo,
        status: 'open',
        status_notes: '待受理',
        service_name: '漏水报修',
        service_code: 'leak',
        description: '路口人行道边水管破裂，水一直往外冒。',
        agency_responsible: utility.tenant.name,
        service_notice: expect.stringContaining('恢复供水'),
        requested_datetime: '2026-03-02T02:00:00.000Z',
        updated_datetime: '2026-03-02T02:00:00.000Z',
        expected_datetime: '2026-03-03T02:00:00.000Z',
        address: '江岸区沿江大道188号路口',
        address_id: null,
        zipcode: null,
        lat: 30.5928,
        long: 114.3055,
        media_url: 'https://photos.example.com/leak/1.jpg',
      },
    ]);
    expect(JSON.stringify(view.json)).not.toMatch(/138|zhang|张三|device/);
  });

  it('answers in XML too, takes address_id (a premise of the utility) as the location, and multivaluelist attributes', async () => {
    const answer = await client.post('xml', [
      ['api_key', apiKey],
      ['jurisdiction_id', J],
      ['service_code', 'water_quality'],
      ['address_id', home.premise.id],
      ['attribute[symptoms][]', 'discoloured'],
      ['attribute[symptoms][]', 'odour'],
      ['attribute[since]', '2026-03-01T20:00:00+08:00'],
      ['description', '早上放出来的水发黄 & 有味道 <很明显>'],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.root).toBe('service_requests');
    const [created] = answer.data as { service_request_id: string; service_notice: string; account_id: null }[];
    expect(created?.account_id).toBeNull();
    const xml = await client.call('GET', `/open311/v2/requests/${created?.service_request_id}`, 'xml', { query: { jurisdiction_id: J } });
    expect(xml.raw).toContain('<description>早上放出来的水发黄 &amp; 有味道 &lt;很明显&gt;</description>');
    const view = await client.request(created?.service_request_id as string, J);
    expect(view.json[0]).toMatchObject({ address: home.premise.fullAddress, address_id: home.premise.id, description: '早上放出来的水发黄 & 有味道 <很明显>', lat: null });
    const listed = await agent.get<{ requests: { requestNo: string; description: string; premiseId: string }[] }>('/api/service-requests?limit=100');
    const made = listed.body.requests.find((request) => request.requestNo === created?.service_request_id);
    expect(made?.premiseId).toBe(home.premise.id);
    expect(made?.description).toContain('【水质现象】发黄/浑浊、有异味');
    expect(made?.description).toContain('【开始时间】2026-03-01T20:00:00+08:00');
  });

  it('keeps a description of up to 4,000 characters whole for the public and fits the request to 2,000', async () => {
    const long = `${'管'.repeat(2500)}尾`;
    const answer = await client.post('json', [...leakForm(), ['description', long]]);
    expect(answer.status).toBe(200);
    const requestNo = answer.data[0]?.service_request_id as string;
    expect((await client.request(requestNo, J)).json[0]?.description).toBe(long);
    const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ description: string }>('SELECT description FROM service_requests WHERE request_no = $1', [requestNo]));
    expect(row?.description.length).toBeLessThanOrEqual(2000);
    expect(row?.description).toMatch(/…（原文共 2501 字，已截断）$/);
  });

  it("limits each key to its rate per minute (429 with Retry-After), and the next minute it may post again", async () => {
    const slow = await issueKey(admin, '限速测试', 2);
    const form = leakForm().map(([name, value]): [string, string] => [name, name === 'api_key' ? slow.apiKey : value]);
    expect((await client.post('json', form)).status).toBe(200);
    expect((await client.post('json', form)).status).toBe(200);
    const third = await environment.app.inject({ method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });
    expect(third.statusCode).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect(third.json()).toEqual([{ code: 429, description: expect.stringContaining('2 requests a minute') }]);
    environment.clock.advanceMinutes(1);
    expect((await client.post('json', form)).status).toBe(200);
  });

  it('refuses a revoked key from the moment it is revoked', async () => {
    const issued = await issueKey(admin, '即将停用');
    const form = leakForm().map(([name, value]): [string, string] => [name, name === 'api_key' ? issued.apiKey : value]);
    expect((await client.post('json', form)).status).toBe(200);
    expect((await admin.post(`/api/open311/keys/${issued.id}/revoke`)).status).toBe(200);
    expect((await client.post('xml', form)).status).toBe(403);
    expect((await admin.post(`/api/open311/keys/${issued.id}/revoke`)).status).toBe(409);
  });
});

describe('batch services and tokens', () => {
  it('queues a submission of a batch service and answers its token; GET tokens gives the service_request_id once the queue has made it', async () => {
    const patched = await admin.patch<{ type: string; isCustomised: boolean }>('/api/open311/services/complaint', { type: 'batch', keywords: '投诉,服务态度,收费' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ type: 'batch', isCustomised: true });
    const listed = await client.services(J);
    expect(listed.json.find((service) => service.service_code === 'complaint')).toMatchObject({ type: 'batch', keywords: '投诉,服务态度,收费' });
    const answer = await client.post('json', [
      ['api_key', apiKey],
      ['jurisdiction_id', J],
      ['service_code', 'complaint'],
      ['address_string', '江岸区营业厅'],
      ['phone', '13900001111'],
      ['first_name', '四'],
      ['last_name', '李'],
      ['description', '营业厅排队时间太长'],
    ]);
    expect(answer.status).toBe(200);
    expect(answer.data).toEqual([{ token: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), service_notice: expect.stringContaining('办结'), account_id: null }]);
    const token = answer.data[0]?.token as string;
    const waiting = await client.token(token, J);
    expect(waiting.status).toBe(200);
    expect(waiting.json).toEqual([{ service_request_id: null, token }]);
    // While queued, the contact is kept encrypted; once made, it is the request's and the queue forgets it.
    const contactOf = async () =>
      (await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ contact_encrypted: Uint8Array | null }>('SELECT contact_encrypted FROM open311_submissions WHERE token = $1', [token])))[0]?.contact_encrypted;
    expect(Buffer.from((await contactOf()) ?? []).toString('latin1')).not.toContain('13900001111');
    expect(await processOpen311Queue(environment.context, utility.tenant.id)).toEqual({ created: 1, failed: 0 });
    expect(await processOpen311Queue(environment.context, utility.tenant.id)).toEqual({ created: 0, failed: 0 });
    expect(await contactOf()).toBeNull();
    const made = await client.token(token, J);
    const requestNo = made.json[0]?.service_request_id as string;
    expect(requestNo).toMatch(/^GD/);
    const view = await client.request(requestNo, J);
    expect(view.json[0]).toMatchObject({ service_code: 'complaint', status: 'open', description: '营业厅排队时间太长' });
    const desk = await agent.get<{ requests: { requestNo: string; contactName: string; contactPhoneMasked: string }[] }>('/api/service-requests?limit=100');
    expect(desk.body.requests.find((request) => request.requestNo === requestNo)).toMatchObject({ contactName: '李四', contactPhoneMasked: '139****1111' });
    await admin.patch('/api/open311/services/complaint', { type: 'realtime' });
  });

  it('answers 404 for an unknown token, in both formats', async () => {
    const unknown = await client.token('AAAAAAAAAAAAAAAAAAAAAAAA', J);
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual([{ code: 404, description: 'token AAAAAAAAAAAAAAAAAAAAAAAA was not found' }]);
  });

  it('stops listing and accepting an unpublished service', async () => {
    expect((await admin.patch('/api/open311/services/praise', { isPublished: false })).status).toBe(200);
    expect((await client.services(J)).json.map((service) => service.service_code)).not.toContain('praise');
    expect((await client.definition('praise', J)).status).toBe(404);
    const post = await client.post('json', [['api_key', apiKey], ['jurisdiction_id', J], ['service_code', 'praise'], ['address_string', '营业厅']]);
    expect(post.status).toBe(404);
    expect((await admin.patch('/api/open311/services/praise', { isPublished: true })).status).toBe(200);
  });
});

describe('GET requests', () => {
  it('shows the service desk state as open/closed with status_notes, and the close deadline as expected_datetime', async () => {
    const answer = await client.post('json', [['api_key', apiKey], ['jurisdiction_id', J], ['service_code', 'inquiry'], ['address_string', '江岸区沿江大道1号'], ['description', '阶梯水价怎么算？'], ['attribute[account_no]', home.account.accountNo]]);
    const requestNo = answer.data[0]?.service_request_id as string;
    const open = await client.request(requestNo, J);
    expect(open.json[0]).toMatchObject({ status: 'open', status_notes: '待受理', expected_datetime: expect.stringMatching(W3C) });
    const id = await requestIdOf(requestNo);
    let version = 1;
    for (const [step, note] of [['accept', '已转业务组'], ['respond', '按年用水量分三档计价，详见水费账单背面。'], ['close', '']] as const) {
      clockTick();
      const taken = await agent.post<{ version: number }>(`/api/service-requests/${id}/steps`, { step, version, ...(note ? { note } : {}) });
      expect(taken.status, JSON.stringify(taken.body)).toBe(200);
      version = taken.body.version;
      const seen = (await client.request(requestNo, J)).json[0];
      if (step === 'accept') expect(seen).toMatchObject({ status: 'open', status_notes: '已受理' });
      if (step === 'respond') expect(seen).toMatchObject({ status: 'open', status_notes: '已答复：按年用水量分三档计价，详见水费账单背面。' });
    }
    const closed = await client.request(requestNo, J);
    expect(closed.json[0]).toMatchObject({ status: 'closed', status_notes: '已办结：按年用水量分三档计价，详见水费账单背面。' });
    expect(closed.json[0]?.updated_datetime).not.toBe(closed.json[0]?.requested_datetime);
    expect((await client.requests({ jurisdiction_id: J, status: 'closed' })).json.map((request) => request.service_request_id)).toEqual([requestNo]);
    expect((await client.requests({ jurisdiction_id: J, status: 'open' })).json.map((request) => request.service_request_id)).not.toContain(requestNo);
    expect((await client.requests({ jurisdiction_id: J, status: 'open,closed' })).json.map((request) => request.service_request_id)).toContain(requestNo);
  });

  it('filters by service_request_id (overriding the rest), service_code and dates, newest first, and shows only Open311 requests', async () => {
    const all = await client.requests({ jurisdiction_id: J });
    expect(all.status).toBe(200);
    expect(all.json.length).toBeGreaterThanOrEqual(8);
    const times = all.json.map((request) => request.requested_datetime);
    expect([...times].sort().reverse()).toEqual(times);
    const hotline = await agent.post<{ requestNo: string }>('/api/service-requests', { categoryId: await categoryId('leak'), channel: 'hotline', address: '电话报修的地址', description: '热线报修：张女士 13911112222' });
    expect(hotline.status).toBe(201);
    expect(all.json.map((request) => request.service_request_id)).not.toContain(hotline.body.requestNo);
    expect((await client.requests({ jurisdiction_id: J })).json.map((request) => request.service_request_id)).not.toContain(hotline.body.requestNo);
    expect((await client.request(hotline.body.requestNo, J)).status).toBe(404);

    const [first, second] = all.json;
    const byIds = await client.requests({ jurisdiction_id: J, service_request_id: `${first?.service_request_id},${second?.service_request_id},${hotline.body.requestNo}`, service_code: 'burst', start_date: '2020-01-01T00:00:00Z', end_date: '2020-01-02T00:00:00Z' });
    expect(byIds.json.map((request) => request.service_request_id).sort()).toEqual([first?.service_request_id, second?.service_request_id].sort());
    const leaks = await client.requests({ jurisdiction_id: J, service_code: 'leak,water_quality' });
    expect(new Set(leaks.json.map((request) => request.service_code))).toEqual(new Set(['leak', 'water_quality']));
    expect((await client.requests({ jurisdiction_id: J, start_date: '2026-03-01T00:00:00+08:00', end_date: '2026-03-05T00:00:00+08:00' })).json.length).toBe(all.json.length);
    expect((await client.requests({ jurisdiction_id: J, start_date: '2026-03-03T00:00:00Z' })).json).toEqual([]);
    expect((await client.requests({ jurisdiction_id: J, end_date: '2026-03-01T00:00:00Z' })).json).toEqual([]);
  });

  it('refuses more than 90 days, malformed dates, unknown statuses and unknown service codes (400), in both formats', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ start_date: '2026-01-01T00:00:00Z', end_date: '2026-04-02T00:00:00Z' }, 'may not span more than 90 days'],
      [{ start_date: '2026-03-05T00:00:00Z', end_date: '2026-03-01T00:00:00Z' }, 'end_date must not be before start_date'],
      [{ start_date: '2026-03-01' }, 'start_date must be a w3 date and time'],
      [{ end_date: '2026-03-01T00:00:00' }, 'end_date must be a w3 date and time'],
      [{ status: 'pending' }, 'status must be open, closed'],
      [{ service_code: 'sinkhole' }, 'service_code sinkhole is not a service'],
    ];
    for (const [query, description] of cases) {
      const answer = await client.requests({ jurisdiction_id: J, ...query });
      expect(answer.status, JSON.stringify(query)).toBe(400);
      expect(answer.json, JSON.stringify(query)).toEqual([{ code: 400, description: expect.stringContaining(description) }]);
    }
    expect((await client.requests({})).status).toBe(400);
  });

  it("answers 404 for an unknown request, and for another utility's request asked of this jurisdiction", async () => {
    expect((await client.request('GD2099010100001', J)).json).toEqual([{ code: 404, description: 'service_request_id GD2099010100001 was not found' }]);
    const theirs = await client.post('json', [['api_key', otherKey], ['jurisdiction_id', other.tenant.code], ['service_code', 'inquiry'], ['address_string', '别的城市']]);
    expect(theirs.status).toBe(200);
    const id = theirs.data[0]?.service_request_id as string;
    expect((await client.request(id, other.tenant.code)).status).toBe(200);
    const mine = await client.requests({ jurisdiction_id: J, service_request_id: id });
    // Request numbers restart per utility: the same number here is this utility's request, never theirs.
    expect(mine.json.every((request) => request.agency_responsible === utility.tenant.name)).toBe(true);
  });
});

describe('the edges of the API', () => {
  it('answers 404 for an unsupported format and an unknown resource, in the error format', async () => {
    const csv = await environment.app.inject({ method: 'GET', url: `/open311/v2/services.csv?jurisdiction_id=${J}` });
    expect(csv.statusCode).toBe(404);
    expect(csv.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(spark(parseXml(csv.body))).toEqual([{ code: '404', description: 'Format csv is not supported: use .xml or .json' }]);
    const nothing = await environment.app.inject({ method: 'GET', url: '/open311/v2/nothing.json' });
    expect(nothing.statusCode).toBe(404);
    expect(nothing.json()).toEqual([{ code: 404, description: 'No such resource: GET /open311/v2/nothing.json' }]);
  });

  it('is not part of the /api OpenAPI document, whose Open311 administration is', async () => {
    const document = (await environment.anonymous.get<{ paths: Record<string, unknown> }>('/api/openapi.json')).body;
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/open311'))).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/open311/keys', '/api/open311/keys/{id}/revoke', '/api/open311/services', '/api/open311/services/{code}']));
  });
});

describe('the administration of keys and services', () => {
  it('lists keys without the keys themselves, and is for the administrator only', async () => {
    const listed = await admin.get<{ keys: { label: string; keyPrefix: string; status: string; lastUsedAt: string | null }[] }>('/api/open311/keys');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    expect(listed.body.keys.find((key) => key.label === '市民随手拍 App')).toMatchObject({ status: 'active', lastUsedAt: expect.any(String) });
    const [hashed] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ count: number }>("SELECT count(*)::int AS count FROM open311_api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))", [apiKey]));
    expect(hashed?.count).toBe(1);
    expect((await agent.get('/api/open311/keys')).status).toBe(403);
    expect((await agent.post('/api/open311/keys', { label: 'x' })).status).toBe(403);
    expect((await agent.patch('/api/open311/services/leak', { type: 'batch' })).status).toBe(403);
  });

  it('audits issuing, revoking and publishing changes', async () => {
    const auditor = await environment.loginStaff(utility, 'auditor');
    const actions = new Set<string>();
    for (const prefix of ['open311_', 'service_request.create']) {
      const entries = await auditor.get<{ entries: { action: string }[] }>(`/api/audit?action=${prefix}&limit=200`);
      for (const entry of entries.body.entries) actions.add(entry.action);
    }
    for (const action of ['open311_api_key.issue', 'open311_api_key.revoke', 'open311_service.update', 'service_request.create']) expect(actions).toContain(action);
    const services = await admin.get<{ services: { code: string; isPublished: boolean; notice: string }[] }>('/api/open311/services');
    expect(services.body.services).toHaveLength(10);
    expect((await admin.patch('/api/open311/services/leak', {})).status).toBe(400);
    expect((await admin.patch('/api/open311/services/nothing', { type: 'batch' })).status).toBe(404);
  });
});

// ---- helpers ----

async function countRequests(): Promise<number> {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ count: number }>('SELECT count(*)::int AS count FROM service_requests'));
  return row?.count ?? 0;
}

async function requestIdOf(requestNo: string): Promise<string> {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ id: string }>('SELECT id FROM service_requests WHERE request_no = $1', [requestNo]));
  if (!row) throw new Error(`no request ${requestNo}`);
  return row.id;
}

async function categoryId(code: string): Promise<string> {
  const [row] = await environment.db.withTenant(utility.tenant.id, (sql) => sql.query<{ id: string }>('SELECT id FROM service_categories WHERE code = $1', [code]));
  if (!row) throw new Error(`no category ${code}`);
  return row.id;
}

function clockTick(): void {
  environment.clock.advanceMinutes(1);
}

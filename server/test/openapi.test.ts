import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnvironment, type TestEnvironment } from './harness';

let environment: TestEnvironment;
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown> }>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
}
let document: OpenApiDocument;

beforeAll(async () => {
  environment = await createTestEnvironment();
  document = (await environment.anonymous.get<OpenApiDocument>('/api/openapi.json')).body;
});
afterAll(() => environment.close());

describe('the API description', () => {
  it('is an OpenAPI 3 document with a browsable page', async () => {
    // 3.0, which Swagger UI resolves in half the time of 3.1; so no schema may use 3.1's JSON Schema forms.
    expect(document.openapi).toMatch(/^3\.0\./);
    const text = JSON.stringify(document);
    expect(text).not.toMatch(/"type":\[/);
    expect(text).not.toMatch(/"const":/);
    expect(text).not.toMatch(/"exclusiveM(in|ax)imum":-?\d/);
    const page = await environment.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('swagger');
    // Collapsed to its tags, so the page with some 300 operations renders at once.
    const initializer = await environment.app.inject({ method: 'GET', url: '/api/docs/static/swagger-initializer.js' });
    expect(initializer.statusCode).toBe(200);
    expect(initializer.body).toMatch(/"docExpansion":\s*"none"/);
    expect(initializer.body).toMatch(/"defaultModelsExpandDepth":\s*-1/);
  });

  it('gives every operation a tag, a summary and documented responses', () => {
    const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.entries(methods).map(([method, operation]) => ({ route, method, operation })));
    expect(operations.length).toBeGreaterThan(25);
    for (const { route, method, operation } of operations) {
      expect(operation.tags?.length, `${method} ${route} tags`).toBeGreaterThan(0);
      expect(operation.summary, `${method} ${route} summary`).toBeTruthy();
      expect(Object.keys(operation.responses ?? {}).length, `${method} ${route} responses`).toBeGreaterThan(0);
    }
  });

  it('documents every field the web apps read (web/src/api/types.ts)', () => {
    const source = readFileSync(path.resolve(__dirname, '../../web/src/api/types.ts'), 'utf8');
    let compared = 0;
    for (const match of source.matchAll(/export interface (\w+) \{\n([\s\S]*?)\n\}/g)) {
      const [, name, body] = match as unknown as [string, string, string];
      // Request bodies are inline schemas; the generator's "…Input" components are response schemas' input side.
      if (/(Input|Request)$/.test(name)) continue;
      const component = document.components.schemas[name];
      if (!component?.properties) continue;
      const fields = [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((field) => field[1]);
      expect(Object.keys(component.properties).sort(), name).toEqual([...fields].sort());
      compared += 1;
    }
    expect(compared).toBeGreaterThanOrEqual(10);
  });

  it('answers unknown endpoints in the common error shape', async () => {
    const response = await environment.anonymous.get<{ code: string; message: { zh: string; en: string }; fields: unknown[] }>('/api/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ code: 'route_not_found', message: { zh: expect.any(String), en: expect.any(String) }, fields: [] });
  });

  it('reports health with a database check', async () => {
    expect((await environment.anonymous.get('/api/health')).body).toEqual({ status: 'ok', database: 'ok' });
  });
});

import type { INestApplication } from '@nestjs/common';
import { startApp, type RunningApp } from '../support/app-harness';
import { request } from '../support/http';
import { testEnv } from '../support/test-env';

const ADMIN_PREFIX = '/api/admin/v1';
const PROBLEM = 'application/problem+json';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface Operation {
  operationId?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; $ref?: string }>;
  requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>;
}
type OpenApiDocument = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown> }>; securitySchemes: any };
};

/** Every route Nest mounted on Express: [METHOD, path pattern]. */
function mountedRoutes(app: INestApplication): Array<[string, string]> {
  const express = app.getHttpAdapter().getInstance();
  const stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> = express.router.stack;
  return stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((method) => method !== '_all')
          .map((method): [string, string] => [method.toUpperCase(), layer.route!.path])
      : [],
  );
}

/** "/api/admin/v1/services/:id" → "/api/admin/v1/services/{id}". */
const openApiPath = (pattern: string) => pattern.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Every $ref in the document, with where it is. */
function refsOf(node: unknown, at = '#'): Array<[string, string]> {
  if (Array.isArray(node)) return node.flatMap((item, index) => refsOf(item, `${at}/${index}`));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [[at, value] as [string, string]] : refsOf(value, `${at}/${key}`),
  );
}

function resolve(document: OpenApiDocument, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
}

describe('the OpenAPI document at /docs-json', () => {
  let running: RunningApp;
  let document: OpenApiDocument;
  let adminRoutes: Array<[string, string]>;

  beforeAll(async () => {
    running = await startApp(testEnv({ SCHEDULING_SEED_PRESET: 'false' }));
    const answer = await request<OpenApiDocument>(`${running.url}/docs-json`);
    expect(answer.status).toBe(200);
    document = answer.body;
    adminRoutes = mountedRoutes(running.app).filter(([, path]) => path.startsWith(ADMIN_PREFIX));
  });
  afterAll(async () => {
    await running?.close();
  });

  const adminOperations = (): Array<[string, string, Operation]> =>
    Object.entries(document.paths)
      .filter(([path]) => path.startsWith(ADMIN_PREFIX))
      .flatMap(([path, item]) =>
        Object.entries(item)
          .filter(([method]) => METHODS.includes(method))
          .map(([method, operation]): [string, string, Operation] => [method.toUpperCase(), path, operation]),
      );

  it('is an OpenAPI 3 document whose every $ref resolves and whose operation ids are unique', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(typeof document.paths).toBe('object');
    const dangling = refsOf(document).filter(
      ([, ref]) => !ref.startsWith('#/') || resolve(document, ref) === undefined,
    );
    expect(dangling).toEqual([]);

    const ids = Object.values(document.paths).flatMap((item) =>
      Object.entries(item)
        .filter(([method]) => METHODS.includes(method))
        .map(([, operation]) => operation.operationId),
    );
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists every admin route the application serves, with its path parameters declared', () => {
    expect(adminRoutes.length).toBeGreaterThan(10);
    const missing = adminRoutes.filter(([method, path]) => !document.paths[openApiPath(path)]?.[method.toLowerCase()]);
    expect(missing).toEqual([]);

    for (const [method, path, operation] of adminOperations()) {
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');
      const inTemplate = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      expect({ route: `${method} ${path}`, params: declared.map((p) => p.name).sort() }).toEqual({
        route: `${method} ${path}`,
        params: inTemplate.sort(),
      });
      expect(declared.every((p) => p.required === true)).toBe(true);
    }
  });

  it('requires the bearer token on every admin operation', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const open = adminOperations().filter(
      ([, , operation]) => !(operation.security ?? []).some((requirement) => 'bearer' in requirement),
    );
    expect(open.map(([method, path]) => `${method} ${path}`)).toEqual([]);
  });

  it('documents 400, 401, 403 and 429 of every admin operation, and all its errors, as problem+json', () => {
    const problem = document.components.schemas.ProblemDetailsSchema;
    expect(Object.keys(problem.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']),
    );
    for (const [method, path, operation] of adminOperations()) {
      const responses = operation.responses ?? {};
      expect({ route: `${method} ${path}`, statuses: Object.keys(responses) }).toEqual({
        route: `${method} ${path}`,
        statuses: expect.arrayContaining(['400', '401', '403', '429']),
      });
      for (const [status, response] of Object.entries(responses).filter(([status]) => Number(status) >= 400)) {
        expect({ route: `${method} ${path}`, status, schema: response.content?.[PROBLEM]?.schema?.$ref }).toEqual({
          route: `${method} ${path}`,
          status,
          schema: '#/components/schemas/ProblemDetailsSchema',
        });
      }
      expect(operation.responses?.['429']).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
    }
  });

  it('documents each admin request body as a schema with its properties', () => {
    const bodies = adminOperations().filter(([, , operation]) => operation.requestBody);
    expect(bodies.length).toBeGreaterThan(3);
    for (const [method, path, operation] of bodies) {
      const ref = operation.requestBody?.content?.['application/json']?.schema?.$ref;
      const schema = ref ? (resolve(document, ref) as { properties?: Record<string, unknown> }) : undefined;
      expect({ route: `${method} ${path}`, properties: Object.keys(schema?.properties ?? {}).length > 0 }).toEqual({
        route: `${method} ${path}`,
        properties: true,
      });
    }
  });

  it('lists the audit log with a documented entry', () => {
    const list = document.paths[`${ADMIN_PREFIX}/audit`]?.get;
    expect(list?.parameters?.map((p) => p.name).sort()).toEqual(['from', 'limit', 'to', 'tokenName']);
    const page = resolve(document, list!.responses!['200'].content!['application/json'].schema!.$ref!) as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(page.properties)).toEqual(['items']);
    expect(Object.keys(document.components.schemas.AuditEntryDto.properties ?? {})).toEqual(
      expect.arrayContaining(['tokenName', 'route', 'params', 'body', 'before', 'after', 'status']),
    );
  });
});

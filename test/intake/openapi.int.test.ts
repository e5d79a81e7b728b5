import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { openApiPath } from '../../src/intake/openapi/build-document.ts';
import { routeCoverage } from '../../src/intake/openapi/route-coverage.ts';
import type { RouteDoc } from '../../src/intake/openapi/route-doc.ts';
import { routeTable } from '../../src/intake/openapi/route-table.ts';
import { useIntake } from './support/use-intake.ts';

// Issue 13 item 5: the HTTP API documented in the repository, as OpenAPI 3.1 generated from the
// route schemas, checked by a third-party validator and against the routes Fastify registered.
const key = 'an-admin-key-of-forty-characters-0123456';
const intake = useIntake({
  config: { admin: { apiKeys: [key] }, intake: { rateLimit: { enabled: false } } },
});

type Json = Record<string, unknown>;

async function fetchDocument(): Promise<{ paths: Record<string, Record<string, Json>> } & Json> {
  const response = await fetch(`${intake.base}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as { paths: Record<string, Record<string, Json>> } & Json;
}

const table = () => routeTable(intake.config.intake);

function headersFor(route: RouteDoc): Record<string, string> {
  return route.security === 'admin' ? { authorization: `Bearer ${key}` } : {};
}

/** The example the document gives for a route's JSON body. */
function bodyExample(document: Awaited<ReturnType<typeof fetchDocument>>, route: RouteDoc): unknown {
  const operation = document.paths[openApiPath(route.path)]?.[route.method.toLowerCase()] as Json;
  const requestBody = operation.requestBody as {
    content: Record<string, { schema: { examples: unknown[] } }>;
  };
  return requestBody.content['application/json']?.schema.examples[0];
}

/** Checks an answer against the body the table documents for its status. */
async function expectDocumentedAnswer(route: RouteDoc, response: Response): Promise<void> {
  const answer = route.answers[response.status];
  expect(answer, `${route.method} ${route.path} answered ${response.status}`).toBeDefined();
  const json = answer?.bodies.find((body) => body.kind === 'json');
  // A JSON answer is documented with its schema (else the check below would be skipped unseen).
  const answeredJson = response.headers.get('content-type')?.startsWith('application/json') ?? false;
  expect(json !== undefined, `${route.method} ${route.path}: a JSON body documented`).toBe(answeredJson);
  if (json?.kind === 'json') expect(json.schema.safeParse(await response.json()).error).toBeUndefined();
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document the validator accepts', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every route Fastify registered, and no route it did not', async () => {
    const document = await fetchDocument();
    expect(intake.app.registeredRoutes.length).toBeGreaterThan(10);
    expect(routeCoverage(intake.app.registeredRoutes, table())).toEqual({
      undocumented: [],
      unregistered: [],
    });
    const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      table()
        .map((route) => `${route.method} ${openApiPath(route.path)}`)
        .sort(),
    );
    // Independent of the recorder: Fastify itself knows each documented route.
    for (const route of table())
      expect(intake.app.hasRoute({ method: route.method, url: route.path })).toBe(true);
  });

  it('has the error body as a shared component, and security schemes for both keys', async () => {
    const document = await fetchDocument();
    const components = document.components as { schemas: Json; securitySchemes: Record<string, Json> };
    expect(components.schemas.Error).toBeDefined();
    expect(components.securitySchemes.adminKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(components.securitySchemes.intakeKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    const retention = document.paths['/api/admin/retention']?.post as { security: unknown; responses: Json };
    expect(retention.security).toEqual([{ adminKey: [] }]);
    expect(Object.keys(retention.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '429']));
  });

  it('each documented body example is accepted by its route, and answered as documented', async () => {
    const document = await fetchDocument();
    const withBodies = table().filter((route) => route.body);
    expect(withBodies.map((route) => route.path)).toEqual(
      expect.arrayContaining(['/api/contact', '/api/admin/retention', '/api/admin/deliveries/replay']),
    );
    for (const route of withBodies) {
      const example = bodyExample(document, route);
      expect(example, route.path).toBeDefined();
      const response = await fetch(`${intake.base}${route.path}`, {
        method: route.method,
        headers: { 'content-type': 'application/json', ...headersFor(route) },
        body: JSON.stringify(example),
      });
      expect(response.status, `${route.path}: ${await response.clone().text()}`).toBe(
        route.path === '/api/contact' ? 201 : 200,
      );
      await expectDocumentedAnswer(route, response);
    }
  });

  it('the documented query example is accepted by its route', async () => {
    const document = await fetchDocument();
    const route = table().find((candidate) => candidate.query);
    expect(route?.path).toBe('/api/admin/deliveries');
    if (!route) return;
    const operation = document.paths[openApiPath(route.path)]?.get as {
      parameters: { name: string; in: string; schema: { examples?: unknown[] } }[];
    };
    const query = new URLSearchParams();
    for (const { name, schema } of operation.parameters.filter((parameter) => parameter.in === 'query')) {
      if (schema.examples) query.set(name, String(schema.examples[0]));
    }
    expect(query.size).toBeGreaterThan(0);
    const response = await fetch(`${intake.base}${route.path}?${query.toString()}`, {
      headers: headersFor(route),
    });
    expect(response.status).toBe(200);
    await expectDocumentedAnswer(route, response);
  });

  it('answers the routes without parameters as documented', async () => {
    for (const route of table().filter(
      (candidate) => candidate.method === 'GET' && !candidate.path.includes(':'),
    )) {
      const response = await fetch(`${intake.base}${route.path}`, { headers: headersFor(route) });
      await expectDocumentedAnswer(route, response);
    }
  });

  it('an error answer carries a code its response lists', async () => {
    const document = await fetchDocument();
    const response = await fetch(`${intake.base}/api/admin/retention`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string } };
    const unauthorized = (document.paths['/api/admin/retention']?.post as { responses: Record<string, Json> })
      .responses['401'] as { content: Record<string, { schema: { allOf: [Json, { properties: Json }] } }> };
    const listed = unauthorized.content['application/json']?.schema.allOf[1].properties as {
      error: { properties: { code: { enum: string[] } } };
    };
    expect(listed.error.properties.code.enum).toContain(body.error.code);
  });
});

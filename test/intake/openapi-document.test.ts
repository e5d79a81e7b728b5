import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { codes } from '../../src/errors/codes.ts';
import {
  errorsByStatus,
  openApiDocument,
  openApiPath,
  operationId,
} from '../../src/intake/openapi/build-document.ts';
import { routeCoverage } from '../../src/intake/openapi/route-coverage.ts';
import type { RouteDoc } from '../../src/intake/openapi/route-doc.ts';
import { routeTable } from '../../src/intake/openapi/route-table.ts';

const table = routeTable({ privacyPolicyVersion: '2026-03', acceptedPrivacyPolicyVersions: ['2025-01'] });

describe('the OpenAPI route table and document', () => {
  it('reports a registered route the table lacks, and a documented one that is gone', () => {
    const documented = [
      { method: 'GET' as const, path: '/health' },
      { method: 'POST' as const, path: '/gone' },
    ];
    const registered = [
      { method: 'GET', url: '/health' },
      { method: 'HEAD', url: '/health' },
      { method: 'OPTIONS', url: '*' },
      { method: 'GET', url: '/api/admin/new' },
    ];
    expect(routeCoverage(registered, documented)).toEqual({
      undocumented: ['GET /api/admin/new'],
      unregistered: ['POST /gone'],
    });
  });

  it("groups a route's error codes by the status the catalogue gives them, internal_error always", () => {
    const byStatus = errorsByStatus(['validation_failed', 'invalid_body', 'rate_limited']);
    expect(Object.fromEntries(byStatus)).toEqual({
      400: ['validation_failed', 'invalid_body'],
      429: ['rate_limited'],
      500: ['internal_error'],
    });
    for (const [status, group] of byStatus)
      for (const code of group) expect(codes[code].httpStatus).toBe(status);
  });

  it("writes Fastify's path parameters OpenAPI's way, and gives every operation its own id", () => {
    expect(openApiPath('/api/admin/leads/:leadId')).toBe('/api/admin/leads/{leadId}');
    const ids = table.map(operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operationId({ method: 'GET', path: '/' })).toBe('getRoot');
  });

  it('is valid OpenAPI 3.1 for another configuration too, its policy versions in the contact body', async () => {
    const document = openApiDocument(table, { version: '9.9.9' });
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    const contact = JSON.stringify(document.paths);
    expect(contact).toContain('"enum":["2026-03","2025-01"]');
  });

  it('each documented example passes the very schema the route validates with', () => {
    for (const route of table) {
      if (route.body)
        expect(route.body.schema.safeParse(route.body.example).error, route.path).toBeUndefined();
      if (route.query) {
        const asSent = Object.fromEntries(
          Object.entries(route.query.example).map(([k, v]) => [k, String(v)]),
        );
        expect(route.query.schema.safeParse(asSent).error, route.path).toBeUndefined();
      }
    }
  });

  it('a status that is both an answer and an error offers either body', () => {
    const route: RouteDoc = {
      method: 'GET',
      path: '/probe',
      tag: 'health',
      summary: 'probe',
      security: 'public',
      answers: {
        503: {
          description: 'down',
          bodies: [{ kind: 'json', schema: z.strictObject({ down: z.literal(true) }) }],
        },
      },
      errors: ['database_unavailable'],
    };
    const document = openApiDocument([route], { version: '1' }) as {
      paths: Record<
        string,
        { get: { responses: Record<string, { content: Record<string, { schema: { oneOf?: unknown[] } }> }> } }
      >;
    };
    expect(
      document.paths['/probe']?.get.responses['503']?.content['application/json']?.schema.oneOf,
    ).toHaveLength(2);
  });
});

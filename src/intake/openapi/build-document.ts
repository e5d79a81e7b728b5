import { z } from 'zod';
import { codes } from '../../errors/codes.ts';
import type { HttpCode } from '../http-problem.ts';
import type { Answer, AnswerBody, RouteDoc, RouteSecurity } from './route-doc.ts';

type Json = Record<string, unknown>;

export interface DocumentInfo {
  readonly version: string;
}

/** Every route can fail unexpectedly; its answer is the catalogue's like any other. */
const everyRoute: readonly HttpCode[] = ['internal_error'];

const retryAfter = (description: string): Json => ({
  'retry-after': { description, schema: { type: 'integer', minimum: 1 } },
});

/** The headers an answer carrying a code has (error-answers.ts, the admin guard, the contact route). */
const headersOfCode: Partial<Record<HttpCode, Json>> = {
  unauthorized: {
    'www-authenticate': { description: 'the realm to authenticate to', schema: { type: 'string' } },
  },
  api_key_required: {
    'www-authenticate': { description: 'the realm to authenticate to', schema: { type: 'string' } },
  },
  form_token_expired: retryAfter('seconds to wait before sending the form again'),
  form_token_used: retryAfter('seconds to wait before sending the form again'),
  rate_limited: retryAfter('seconds until the limit resets'),
  database_unavailable: retryAfter('seconds to wait before retrying'),
};

const errorSchema: Json = {
  type: 'object',
  description: "Every answer other than success (src/intake/http-problem.ts); its status is its code's.",
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'a code of the error catalogue (README, "Error codes")' },
        message: { type: 'string', description: 'what is wrong, and whether anything was done' },
        retry_after_s: { type: 'integer', description: 'as the Retry-After header' },
        fields: {
          type: 'array',
          description: 'validation_failed: every field at fault',
          items: {
            type: 'object',
            required: ['field', 'expected', 'got'],
            properties: { field: { type: 'string' }, expected: { type: 'string' }, got: { type: 'string' } },
          },
        },
      },
    },
  },
};

const securitySchemes: Json = {
  adminKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'One of `admin.apiKeys`: `Authorization: Bearer <key>` on every `/api/admin/*` route.',
  },
  intakeKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'One of `intake.apiKeys`, sent by an API client (JSON without a form token) when any is configured; form posts need none.',
  },
};

const securityOf: Readonly<Record<RouteSecurity, Json[]>> = {
  public: [],
  admin: [{ adminKey: [] }],
  // Optional: none for form posts, nor for API clients while intake.apiKeys is empty.
  intake: [{}, { intakeKey: [] }],
};

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), as a request sends it or an answer has it. */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Json;
  return rest;
}

function withFieldDescriptions(schema: Json, descriptions: Readonly<Record<string, string>>): Json {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const described = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const description = property.description ?? descriptions[name];
      return [name, description === undefined ? property : { ...property, description }];
    }),
  );
  return { ...schema, properties: described };
}

/** Fastify's `/leads/:leadId` as OpenAPI's `/leads/{leadId}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
}

function parameters(route: RouteDoc): Json[] {
  const inPath = pathParameterNames(route.path).map((name) => {
    const param = route.params?.[name];
    return {
      name,
      in: 'path',
      required: true,
      description: param?.description ?? name,
      schema: param ? jsonSchema(param.schema, 'input') : { type: 'string' },
    };
  });
  const inHeader = Object.entries(route.headers ?? {}).map(([name, header]) => ({
    name,
    in: 'header',
    required: false,
    description: header.description,
    schema: jsonSchema(header.schema, 'input'),
  }));
  const query = route.query;
  const querySchema = query
    ? withFieldDescriptions(jsonSchema(query.schema, 'input'), query.fieldDescriptions)
    : {};
  const required = new Set((querySchema.required ?? []) as string[]);
  const inQuery = Object.entries((querySchema.properties ?? {}) as Record<string, Json>).map(
    ([name, { description, ...schema }]) => ({
      name,
      in: 'query',
      required: required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: {
        ...schema,
        ...(query?.example[name] === undefined ? {} : { examples: [query.example[name]] }),
      },
    }),
  );
  return [...inPath, ...inQuery, ...inHeader];
}

function requestBody(route: RouteDoc): Json | undefined {
  const { body } = route;
  if (!body) return undefined;
  const schema = {
    ...withFieldDescriptions(jsonSchema(body.schema, 'input'), body.fieldDescriptions),
    examples: [body.example],
  };
  return {
    required: true,
    content: Object.fromEntries(body.mediaTypes.map((type) => [type, { schema }])),
  };
}

function mediaTypeOf(body: AnswerBody): string {
  if (body.kind === 'json') return 'application/json';
  return body.kind === 'html' ? 'text/html' : body.mediaType;
}

function answerContent(answer: Answer): Json {
  return Object.fromEntries(
    answer.bodies.map((body) => [
      mediaTypeOf(body),
      { schema: body.kind === 'json' ? jsonSchema(body.schema, 'output') : { type: 'string' } },
    ]),
  );
}

function headersOf(answer: Answer): Json {
  return Object.fromEntries(
    Object.entries(answer.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]),
  );
}

/** The error codes of a route by the status the catalogue gives each (a code means one status). */
export function errorsByStatus(errors: readonly HttpCode[]): Map<number, HttpCode[]> {
  const byStatus = new Map<number, HttpCode[]>();
  for (const code of new Set([...errors, ...everyRoute])) {
    const status = codes[code].httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function errorResponse(errors: readonly HttpCode[]): Json {
  const schema = {
    allOf: [
      { $ref: '#/components/schemas/Error' },
      { properties: { error: { properties: { code: { enum: errors } } } } },
    ],
  };
  const headers = Object.assign({}, ...errors.map((code) => headersOfCode[code] ?? {})) as Json;
  return {
    description: errors.map((code) => `\`${code}\`: ${codes[code].meaning}`).join(' '),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    content: { 'application/json': { schema } },
  };
}

function responses(route: RouteDoc): Json {
  const answers: Record<string, Json> = {};
  for (const [status, answer] of Object.entries(route.answers)) {
    const headers = headersOf(answer);
    answers[status] = {
      description: answer.description,
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      content: answerContent(answer),
    };
  }
  for (const [status, errors] of errorsByStatus(route.errors)) {
    const error = errorResponse(errors);
    const answer = answers[String(status)];
    // A status that is both an answer and an error: either body, as the route sends it.
    answers[String(status)] = answer ? mergeResponses(answer, error) : error;
  }
  return Object.fromEntries(Object.entries(answers).sort(([a], [b]) => a.localeCompare(b)));
}

function mergeResponses(answer: Json, error: Json): Json {
  const schemaOf = (response: Json) =>
    ((response.content as Record<string, Json | undefined>)['application/json']?.schema ?? {}) as Json;
  return {
    ...error,
    ...answer,
    description: `${String(answer.description)}; or ${String(error.description)}`,
    content: {
      ...(answer.content as Json),
      'application/json': { schema: { oneOf: [schemaOf(answer), schemaOf(error)] } },
    },
  };
}

/** `POST /api/admin/gdpr/export` → `postApiAdminGdprExport`; `GET /` → `getRoot`. */
export function operationId(route: Pick<RouteDoc, 'method' | 'path'>): string {
  const words = route.path
    .split(/[/:.\-_]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return `${route.method.toLowerCase()}${words.length > 0 ? words.join('') : 'Root'}`;
}

function operation(route: RouteDoc): Json {
  const body = requestBody(route);
  const params = parameters(route);
  return {
    operationId: operationId(route),
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    security: securityOf[route.security],
    ...(params.length > 0 ? { parameters: params } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(route),
  };
}

/** The OpenAPI 3.1 document of `routes`: a pure function of the route table. */
export function openApiDocument(routes: readonly RouteDoc[], info: DocumentInfo): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = openApiPath(route.path);
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hermes',
      version: info.version,
      description:
        'Lead intake with a transactional outbox to n8n, and its admin API. Every answer other than success is ' +
        '`{"error":{"code","message"}}`, its status from the error catalogue; the edge can also answer any route ' +
        'with `bad_url`, `uri_too_long`, `headers_too_large`, `request_timeout` or `not_found`.',
    },
    tags: [
      { name: 'intake', description: 'Leads in' },
      { name: 'form', description: 'The contact form for browsers' },
      { name: 'health', description: 'Probes, metrics and this document' },
      { name: 'admin', description: 'Behind an admin key; every call is audited' },
    ],
    paths,
    components: { schemas: { Error: errorSchema }, securitySchemes },
  };
}

import { z } from 'zod';
import type { HermesConfig } from '../../config/schema.ts';
import type { HttpCode } from '../http-problem.ts';
import { emailBody, emailExpected, retentionBody, retentionExpected } from '../plugins/admin.ts';
import { deliveriesExpected, listQuery, replayBody } from '../plugins/deliveries-admin.ts';
import {
  databaseNotReady,
  databaseReady,
  deliveriesListed,
  deliveryShown,
  leadCreated,
  leadId,
  leadShown,
  liveness,
  notReady,
  ready,
  n8nHealth,
  openApiDocumentBody,
  replayAnswer,
  retentionAnswer,
  subjectErased,
  subjectExport,
} from './answer-schemas.ts';
import { contactBody, contactExample, contactExpected } from './contact-body.ts';
import type { Answer, RouteDoc } from './route-doc.ts';

// What every JSON body can be refused for before its route sees it (strict-bodies.ts, the edge).
const bodyErrors: readonly HttpCode[] = [
  'invalid_body',
  'body_too_large',
  'unsupported_media_type',
  'unsupported_charset',
  'unsupported_content_encoding',
];

// The admin guard's answers (admin-guard.ts), and the database every admin call is audited in.
const adminErrors: readonly HttpCode[] = ['unauthorized', 'rate_limited', 'database_unavailable'];

const json = (description: string, schema: z.ZodType, headers?: Answer['headers']): Answer => ({
  description,
  bodies: [{ kind: 'json', schema }],
  ...(headers ? { headers } : {}),
});

const html = (description: string): Answer => ({ description, bodies: [{ kind: 'html' }] });

const leadIdParam = {
  leadId: { schema: leadId, description: 'a lead reference such as HS-20261124-7KQ2M9' },
};

const retryAfter = { 'retry-after': 'seconds to wait before probing again' };

const n8nAnswers = {
  200: json('leads reach n8n', n8nHealth),
  503: json('leads do not reach n8n: the reasons', n8nHealth, retryAfter),
};

/**
 * Every route of the service, as `/openapi.json` documents it. The request schemas are the ones
 * the handlers validate with; the test holds this table to the routes Fastify registered.
 */
export function routeTable(
  intake: Pick<HermesConfig['intake'], 'privacyPolicyVersion' | 'acceptedPrivacyPolicyVersions'>,
): readonly RouteDoc[] {
  return [
    {
      method: 'POST',
      path: '/api/contact',
      tag: 'intake',
      summary: 'Submit a lead',
      description:
        'Stores the lead and forwards it to n8n; `201` only after it is committed. An API client (JSON without `form_token`) ' +
        'needs `Authorization: Bearer <key>` when `intake.apiKeys` is set. Spam is answered as a success and never forwarded. ' +
        'A browser form post (urlencoded, accepting HTML) gets an HTML page instead of JSON, with the same status. ' +
        'Past the per-IP limit, a retry with the same `Idempotency-Key` still gets the answer of its committed lead.',
      security: 'intake',
      headers: {
        'Idempotency-Key': {
          schema: z.string().min(1).max(255),
          description:
            '1 to 255 visible ASCII characters (a UUID, for example): a retry with the same key and body gets the first answer',
        },
        'Hermes-Synthetic': {
          schema: z.string().min(1).max(512),
          description:
            "an admin API key: the lead is a gate's synthetic one (the post-deploy E2E gate's), stored as source `deployment-test`, forwarded with `synthetic: true`, left out of exports and lead counts. Without a valid key the header is ignored and the lead is an ordinary one (never refused)",
        },
      },
      body: {
        schema: contactBody(intake),
        fieldDescriptions: contactExpected,
        example: contactExample,
        mediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
      },
      answers: {
        201: {
          description:
            'stored (a retry of a committed lead gets its answer again, with `Idempotent-Replayed: true`)',
          bodies: [{ kind: 'json', schema: leadCreated }, { kind: 'html' }],
          headers: { 'idempotent-replayed': '`true` when this is the answer of an earlier request' },
        },
      },
      errors: [
        'validation_failed',
        'api_key_required',
        'form_token_expired',
        'form_token_used',
        'idempotency_key_reused',
        'rate_limited',
        'database_unavailable',
        ...bodyErrors,
      ],
    },
    {
      method: 'GET',
      path: '/',
      tag: 'form',
      summary: 'The contact form page',
      security: 'public',
      answers: { 200: html('the form, with a fresh render token') },
      errors: [],
    },
    {
      method: 'GET',
      path: '/assets/:name',
      tag: 'form',
      summary: "The form page's script and styles",
      security: 'public',
      params: {
        name: {
          schema: z.string(),
          description:
            'contact-form.js or contact-form.css, or its versioned name (contact-form.<sha256 prefix>.js) that the pages load',
        },
      },
      answers: {
        200: {
          description: 'the file',
          bodies: [
            { kind: 'text', mediaType: 'text/javascript' },
            { kind: 'text', mediaType: 'text/css' },
          ],
        },
      },
      errors: ['not_found'],
    },
    {
      method: 'GET',
      path: '/privacy',
      tag: 'form',
      summary: 'The privacy page',
      security: 'public',
      answers: { 200: html('how the data of a request is handled') },
      errors: [],
    },
    {
      method: 'GET',
      path: '/health',
      tag: 'health',
      summary: 'Liveness',
      security: 'public',
      answers: { 200: json('the process answers', liveness) },
      errors: [],
    },
    {
      method: 'GET',
      path: '/readyz',
      tag: 'health',
      summary: "Ready for traffic: the database reachable and every one of this release's migrations applied",
      security: 'public',
      answers: {
        200: json('this release may take traffic', ready),
        503: json('not yet, or no longer: the reason', notReady, retryAfter),
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/health/database',
      tag: 'health',
      summary: "The database's readiness: a real read and a rolled-back write",
      security: 'public',
      answers: {
        200: json('the database can be read and written', databaseReady),
        503: json('the database cannot be used', databaseNotReady, retryAfter),
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/health/n8n',
      tag: 'health',
      summary: 'Whether leads reach n8n (its scheme, host and port only)',
      security: 'public',
      answers: n8nAnswers,
      errors: [],
    },
    {
      method: 'GET',
      path: '/metrics',
      tag: 'health',
      summary: 'Prometheus metrics',
      security: 'public',
      answers: {
        200: {
          description: 'the text exposition format',
          bodies: [{ kind: 'text', mediaType: 'text/plain' }],
        },
      },
      errors: [],
    },
    {
      method: 'GET',
      path: '/openapi.json',
      tag: 'health',
      summary: 'This document',
      security: 'public',
      answers: { 200: json('the OpenAPI 3.1 document of every route', openApiDocumentBody) },
      errors: [],
    },
    {
      method: 'GET',
      path: '/api/admin/leads/:leadId',
      tag: 'admin',
      summary: 'One lead',
      security: 'admin',
      params: leadIdParam,
      answers: { 200: json('the lead', leadShown) },
      errors: ['validation_failed', 'lead_not_found', ...adminErrors],
    },
    {
      method: 'POST',
      path: '/api/admin/gdpr/export',
      tag: 'admin',
      summary: 'Export everything held for an email address (GDPR art. 15)',
      security: 'admin',
      body: {
        schema: emailBody,
        fieldDescriptions: emailExpected,
        example: { email: 'ada@example.com' },
        mediaTypes: ['application/json'],
      },
      answers: { 200: json('the leads and deliveries held (none: empty lists)', subjectExport) },
      errors: ['validation_failed', ...bodyErrors, ...adminErrors],
    },
    {
      method: 'POST',
      path: '/api/admin/gdpr/erase',
      tag: 'admin',
      summary: 'Erase every lead of an email address (GDPR art. 17)',
      description: 'Irreversible: the leads are anonymised at once.',
      security: 'admin',
      body: {
        schema: emailBody,
        fieldDescriptions: emailExpected,
        example: { email: 'ada@example.com' },
        mediaTypes: ['application/json'],
      },
      answers: { 200: json('how many leads were erased, and which', subjectErased) },
      errors: ['validation_failed', ...bodyErrors, ...adminErrors],
    },
    {
      method: 'POST',
      path: '/api/admin/retention',
      tag: 'admin',
      summary: 'Anonymise leads older than the retention period',
      description:
        'Without `older_than_days`, `admin.retentionDays`. With `dry_run: true`, the count a run would anonymise now; nothing is changed.',
      security: 'admin',
      body: {
        schema: retentionBody,
        fieldDescriptions: retentionExpected,
        example: { older_than_days: 365, dry_run: true },
        mediaTypes: ['application/json'],
      },
      answers: { 200: json('the plan (dry run) or what was anonymised and purged', retentionAnswer) },
      errors: ['validation_failed', ...bodyErrors, ...adminErrors],
    },
    {
      method: 'GET',
      path: '/api/admin/deliveries',
      tag: 'admin',
      summary: 'List deliveries to n8n',
      security: 'admin',
      query: {
        schema: listQuery,
        fieldDescriptions: deliveriesExpected,
        example: { status: 'dead', limit: 20 },
      },
      answers: { 200: json('the deliveries, newest first', deliveriesListed) },
      errors: ['validation_failed', ...adminErrors],
    },
    {
      method: 'GET',
      path: '/api/admin/deliveries/:leadId',
      tag: 'admin',
      summary: "One lead's delivery, with its attempts",
      security: 'admin',
      params: leadIdParam,
      answers: { 200: json('the delivery', deliveryShown) },
      errors: ['validation_failed', 'delivery_not_found', ...adminErrors],
    },
    {
      method: 'POST',
      path: '/api/admin/deliveries/replay',
      tag: 'admin',
      summary: 'Send deliveries to n8n again',
      description:
        'By `lead_ids`, or the `dead` ones (with `since`: of leads committed since). Erased leads are never sent again; ' +
        'delivered ones only with `include_delivered`. With `dry_run: true`, what would be replayed; nothing is changed.',
      security: 'admin',
      body: {
        schema: replayBody,
        fieldDescriptions: deliveriesExpected,
        example: { dead: true, since: '7d', dry_run: true },
        mediaTypes: ['application/json'],
      },
      answers: { 200: json('what was replayed (or would be), and what was skipped', replayAnswer) },
      errors: ['validation_failed', 'delivery_not_found', 'replay_refused', ...bodyErrors, ...adminErrors],
    },
    {
      method: 'GET',
      path: '/api/admin/n8n/health',
      tag: 'admin',
      summary: "Whether leads reach n8n, with n8n's full URLs",
      security: 'admin',
      answers: n8nAnswers,
      errors: ['unauthorized', 'rate_limited'],
    },
  ];
}

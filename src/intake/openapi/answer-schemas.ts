import { z } from 'zod';
import { deliveryStatuses } from '../../delivery/delivery-status.ts';
import { leadIdPattern } from '../../leads/lead-id.ts';

// The bodies of the answers that are not errors, for the document only: the handlers build them
// from their operations' results. Objects the operations own stay open (`looseObject`), so the
// document promises the keys a client needs and nothing an operation may add later.

export const leadId = z.string().regex(leadIdPattern);

export const leadCreated = z.strictObject({ lead_id: leadId });

export const liveness = z.strictObject({
  status: z.literal('ok'),
  version: z.string(),
  deployment_id: z
    .uuid()
    .nullable()
    .describe('the deployment this release belongs to; null outside `hermes deploy`'),
  build: z
    .string()
    .nullable()
    .describe("the bundle's environment (staging, production); null run from the sources"),
  uptime_s: z.int().min(0),
});

const releaseFields = {
  version: z.string(),
  deployment_id: z.uuid().nullable(),
  schema_version: z.string().nullable().describe("the newest migration of this release's own"),
};

export const ready = z.strictObject({ status: z.literal('ready'), ...releaseFields });

export const notReady = z.union([
  z.strictObject({
    status: z.literal('not_ready'),
    reason: z.literal('schema_behind'),
    missing: z.array(z.string()).describe("this release's migrations not applied yet"),
    ...releaseFields,
  }),
  z.strictObject({
    status: z.literal('not_ready'),
    reason: z.literal('database_unavailable'),
    kind: z.string().describe('the kind of database error (never its message)'),
    ...releaseFields,
  }),
]);

const poolState = z.strictObject({
  total: z.int().min(0),
  idle: z.int().min(0),
  waiting: z.int().min(0),
  max: z.int().min(1),
});

export const databaseReady = z.strictObject({
  status: z.literal('ok'),
  latency_ms: z.int().min(0),
  read: z.literal(true),
  write: z.literal(true),
  pool: poolState,
});

export const databaseNotReady = z.strictObject({
  status: z.literal('unavailable'),
  reason: z.string().describe('the kind of database error (never its message)'),
  pool: poolState,
});

export const n8nHealth = z
  .looseObject({})
  .describe('whether leads reach n8n: the webhook, the delivery backlog and the reasons when unhealthy');

export const leadShown = z.strictObject({ lead: z.looseObject({ lead_id: leadId }) });

export const subjectExport = z.looseObject({ leads: z.array(z.looseObject({ lead_id: leadId })) });

export const subjectErased = z.strictObject({ erased: z.int().min(0), lead_ids: z.array(leadId) });

export const retentionAnswer = z.union([
  z.strictObject({ older_than_days: z.int().min(1), would_anonymise: z.int().min(0) }),
  z.strictObject({
    older_than_days: z.int().min(1),
    anonymised: z.int().min(0),
    lead_ids: z.array(leadId),
    idempotency_keys_purged: z.int().min(0),
    form_tokens_purged: z.int().min(0),
  }),
]);

const delivery = z.looseObject({ lead_id: leadId, status: z.enum(deliveryStatuses) });

export const deliveriesListed = z.strictObject({ deliveries: z.array(delivery) });

export const deliveryShown = z.strictObject({ delivery });

const replayFindings = {
  by_status: z.record(z.enum(deliveryStatuses), z.int().min(0)),
  skipped: z.array(z.looseObject({ lead_id: leadId })),
  in_flight: z.array(leadId),
};

export const replayAnswer = z.union([
  z.looseObject({ dry_run: z.literal(true), would_replay: z.array(z.looseObject({})), ...replayFindings }),
  z.looseObject({ dry_run: z.literal(false), replayed: z.array(z.looseObject({})), ...replayFindings }),
]);

/** An OpenAPI 3.1 document: its own structure is checked by the tests' validator, not typed here. */
export const openApiDocumentBody = z.looseObject({ openapi: z.literal('3.1.0') });

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { auditedReplay, auditedReplayPlan } from '../../delivery/audited-replay.ts';
import { deliveryStatuses } from '../../delivery/delivery-status.ts';
import { parseSince } from '../../delivery/parse-since.ts';
import { findDelivery } from '../../delivery/sql/find-delivery.ts';
import { listDeliveries } from '../../delivery/sql/list-deliveries.ts';
import { audited } from '../../leads/audited.ts';
import { describeGot } from '../../leads/describe-got.ts';
import { leadIdPattern } from '../../leads/lead-id.ts';
import { HttpProblem } from '../http-problem.ts';
import { parseRequestInput } from '../parse-request-input.ts';

export interface DeliveriesAdminOptions {
  pool: Pool;
  /** Who made a request the admin guard let through (see admin-api.ts). */
  actorOf: (request: FastifyRequest) => string;
}

// Exported for the OpenAPI document (src/intake/openapi/), which shows these very schemas.
export const listQuery = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  since: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

export const replayBody = z.strictObject({
  lead_ids: z.array(z.string()).max(10_000).default([]),
  dead: z.boolean().default(false),
  since: z.string().min(1).optional(),
  include_delivered: z.boolean().default(false),
  dry_run: z.boolean().default(false),
});

/** What each field expects, in words: a 400 answer's `expected`, and the OpenAPI descriptions. */
export const deliveriesExpected: Readonly<Record<string, string>> = {
  status: `one of ${deliveryStatuses.join(', ')}`,
  since: 'an ISO 8601 date or time, or a duration back such as 30m, 2h, 7d',
  limit: 'an integer from 1 to 10000',
  lead_ids: 'an array of lead references such as HS-20261124-7KQ2M9',
  dead: 'true or false',
  include_delivered: 'true or false',
  dry_run: 'true or false',
};

function invalid(
  field: string,
  got: unknown,
  message = 'the request is not valid; nothing was done',
): HttpProblem {
  return new HttpProblem('validation_failed', message, {
    extra: {
      fields: [
        { field, expected: deliveriesExpected[field] ?? 'see the documentation', got: describeGot(got) },
      ],
    },
  });
}

function since(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  try {
    return parseSince(value, 'since');
  } catch {
    throw invalid('since', value);
  }
}

/**
 * The deliveries behind the admin API (its guard, admin-api.ts; every call audited):
 * GET /api/admin/deliveries, GET /api/admin/deliveries/:leadId, POST /api/admin/deliveries/replay
 * (`dry_run`: what it would replay; `include_delivered`: delivered ones too).
 */
export function deliveriesAdminPlugin(
  app: FastifyInstance,
  options: DeliveriesAdminOptions,
  done: (err?: Error) => void,
): void {
  const { pool, actorOf } = options;

  app.get('/api/admin/deliveries', async (request) => {
    const query = parseRequestInput(listQuery, request.query, deliveriesExpected);
    const deliveries = await audited(pool, {
      actor: actorOf(request),
      action: 'deliveries.list',
      subject: null,
      work: (db) =>
        listDeliveries(db, { status: query.status, since: since(query.since), limit: query.limit }),
      describe: (rows) => ({ outcome: 'ok', details: { count: rows.length, status: query.status ?? null } }),
    });
    return { deliveries };
  });

  app.get<{ Params: { leadId: string } }>('/api/admin/deliveries/:leadId', async (request) => {
    const { leadId } = request.params;
    if (!leadIdPattern.test(leadId)) throw invalid('lead_ids', leadId);
    const delivery = await audited(pool, {
      actor: actorOf(request),
      action: 'deliveries.show',
      subject: leadId,
      work: (db) => findDelivery(db, leadId),
      describe: (found) => ({ outcome: found ? 'ok' : 'not_found' }),
    });
    if (!delivery)
      throw new HttpProblem(
        'delivery_not_found',
        `no delivery for ${leadId} (unknown lead, or spam: never forwarded)`,
      );
    return { delivery };
  });

  app.post('/api/admin/deliveries/replay', async (request) => {
    const body = parseRequestInput(replayBody, request.body, deliveriesExpected);
    const replayRequest = {
      leadIds: body.lead_ids,
      dead: body.dead,
      since: since(body.since),
      includeDelivered: body.include_delivered,
    };
    // The replay rule is the CLI's (decide-replay.ts), without its question: the API key is the
    // consent. A request that is not valid, names a lead without a delivery or one that may not be
    // sent again, throws: the HTTP edge (error-answers.ts) answers it, its status from the catalogue.
    const actor = actorOf(request);
    return body.dry_run
      ? await auditedReplayPlan(pool, actor, replayRequest)
      : await auditedReplay(pool, actor, replayRequest);
  });

  done();
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { z } from 'zod';
import { deliveryStatuses } from '../../delivery/delivery-status.ts';
import { parseSince } from '../../delivery/parse-since.ts';
import { checkReplayRequest, replay } from '../../delivery/replay.ts';
import { findDelivery } from '../../delivery/sql/find-delivery.ts';
import { listDeliveries } from '../../delivery/sql/list-deliveries.ts';
import { isHermesError } from '../../errors/hermes-error.ts';
import { audited } from '../../leads/audited.ts';
import { describeGot } from '../../leads/describe-got.ts';
import { leadIdPattern } from '../../leads/lead-id.ts';
import { recordAudit } from '../../leads/record-audit.ts';
import type { AdminKeys } from '../admin-keys.ts';
import { HttpProblem } from '../http-problem.ts';

export interface DeliveriesAdminOptions {
  pool: Pool;
  keys: AdminKeys;
}

const listQuery = z.strictObject({
  status: z.enum(deliveryStatuses).optional(),
  since: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
});

const replayBody = z.strictObject({
  lead_ids: z.array(z.string()).max(10_000).default([]),
  dead: z.boolean().default(false),
  since: z.string().min(1).optional(),
});

const expected: Readonly<Record<string, string>> = {
  status: `one of ${deliveryStatuses.join(', ')}`,
  since: 'an ISO 8601 date or time, or a duration back such as 30m, 2h, 7d',
  limit: 'an integer from 1 to 10000',
  lead_ids: 'an array of lead references such as HS-20261124-7KQ2M9',
  dead: 'true or false',
};

function invalid(
  field: string,
  got: unknown,
  message = 'the request is not valid; nothing was done',
): HttpProblem {
  return new HttpProblem(400, 'validation_failed', message, {
    extra: {
      fields: [{ field, expected: expected[field] ?? 'see the documentation', got: describeGot(got) }],
    },
  });
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const fields = result.error.issues.map((issue) => {
    const field = typeof issue.path[0] === 'string' ? issue.path[0] : '(body)';
    return {
      field,
      expected: expected[field] ?? 'a JSON object with the documented fields',
      got: describeGot(record[field]),
    };
  });
  throw new HttpProblem(400, 'validation_failed', 'the request is not valid; nothing was done', {
    extra: { fields },
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
 * The deliveries behind the admin API (Bearer keys, as /api/admin/*; every call audited):
 * GET /api/admin/deliveries, GET /api/admin/deliveries/:leadId, POST /api/admin/deliveries/replay.
 */
export function deliveriesAdminPlugin(
  app: FastifyInstance,
  options: DeliveriesAdminOptions,
  done: (err?: Error) => void,
): void {
  const { pool, keys } = options;
  const actors = new WeakMap<FastifyRequest, string>();

  app.addHook('onRequest', async (request, reply) => {
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(request.headers.authorization ?? '');
    const actor = match?.[1] === undefined ? undefined : keys.match(match[1]);
    if (actor) {
      actors.set(request, actor);
      return;
    }
    await recordAudit(pool, {
      actor: 'anonymous',
      action: `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      subject: null,
      outcome: 'denied',
    }).catch(() => undefined);
    void reply.header('www-authenticate', 'Bearer realm="hermes-admin"');
    throw new HttpProblem(
      401,
      'unauthorized',
      'a valid admin API key is required (Authorization: Bearer <key>)',
    );
  });
  const actorOf = (request: FastifyRequest) => actors.get(request) ?? 'anonymous';

  app.get('/api/admin/deliveries', async (request) => {
    const query = parse(listQuery, request.query);
    const deliveries = await listDeliveries(pool, {
      status: query.status,
      since: since(query.since),
      limit: query.limit,
    });
    return { deliveries };
  });

  app.get<{ Params: { leadId: string } }>('/api/admin/deliveries/:leadId', async (request) => {
    const { leadId } = request.params;
    if (!leadIdPattern.test(leadId)) throw invalid('lead_ids', leadId);
    const delivery = await findDelivery(pool, leadId);
    if (!delivery)
      throw new HttpProblem(
        404,
        'delivery_not_found',
        `no delivery for ${leadId} (unknown lead, or spam: never forwarded)`,
      );
    return { delivery };
  });

  app.post('/api/admin/deliveries/replay', async (request) => {
    const body = parse(replayBody, request.body);
    const replayRequest = { leadIds: body.lead_ids, dead: body.dead, since: since(body.since) };
    try {
      checkReplayRequest(replayRequest);
      return await audited(pool, {
        actor: actorOf(request),
        action: 'deliveries.replay',
        subject: body.lead_ids.length === 1 ? (body.lead_ids[0] ?? null) : null,
        work: (db) => replay(db, replayRequest),
        describe: (r) => ({
          outcome: 'ok',
          details: { replayed: r.replayed.length, dead: body.dead, since: body.since ?? null },
        }),
      });
    } catch (error) {
      if (isHermesError(error) && error.code === 'invalid_argument') {
        throw new HttpProblem(400, 'validation_failed', error.message, { extra: { details: error.details } });
      }
      if (isHermesError(error) && error.code === 'delivery_not_found') {
        throw new HttpProblem(404, 'delivery_not_found', error.message, {
          extra: { lead_ids: error.details },
        });
      }
      throw error;
    }
  });

  done();
}

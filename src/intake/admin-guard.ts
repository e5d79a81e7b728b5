import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import { recordAudit } from '../leads/record-audit.ts';
import type { AdminKeys } from './admin-keys.ts';
import { HttpProblem } from './http-problem.ts';

const bearer = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Guards every route of the plugin it is called in: a valid Bearer admin key, or 401 and nothing
 * else (the refusal itself is audited). Returns who made an accepted request, for the audit trail.
 */
export function guardAdminRoutes(
  app: FastifyInstance,
  pool: Pool,
  keys: AdminKeys,
): (request: FastifyRequest) => string {
  const actors = new WeakMap<FastifyRequest, string>();
  app.addHook('onRequest', async (request, reply) => {
    const match = bearer.exec(request.headers.authorization ?? '');
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
  return (request) => actors.get(request) ?? 'anonymous';
}

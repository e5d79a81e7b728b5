import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { HermesConfig } from '../config/schema.ts';
import { errorCode } from '../db/database-error.ts';
import type { AdminRefusalReason, ServiceMetrics } from '../observability/service-metrics.ts';
import { AdminLockouts } from './admin-lockouts.ts';
import type { AdminKeys } from './admin-keys.ts';
import { AdminRefusalLedger } from './admin-refusal-ledger.ts';
import { bearerKey } from './api-keys.ts';
import { clientOf } from './client-address.ts';
import { HttpProblem } from './http-problem.ts';
import type { Limiter } from './rate-limiter.ts';

/** Clients the lockouts remember at most: as many as @fastify/rate-limit's local store (its default). */
const clientsRemembered = 5_000;

export interface AdminGuardOptions {
  readonly pool: Pool;
  readonly keys: AdminKeys;
  readonly admin: Pick<HermesConfig['admin'], 'rateLimit' | 'refusalsRetentionDays'>;
  readonly metrics: ServiceMetrics;
}

/** Counts the request; how it stands: `over` the budget, its `last` allowed request, or `within`. */
async function consume(
  limit: Limiter | undefined,
  request: FastifyRequest,
): Promise<{ state: 'within' } | { state: 'last' | 'over'; windowLeftMs: number }> {
  // `isAllowed` only means allow-listed; none is configured here.
  const verdict = limit ? await limit(request) : { isAllowed: true as const };
  if (verdict.isAllowed) return { state: 'within' };
  const windowLeftMs = Math.max(1_000, verdict.ttl);
  if (verdict.isExceeded) return { state: 'over', windowLeftMs };
  return verdict.remaining === 0 ? { state: 'last', windowLeftMs } : { state: 'within' };
}

function tooMany(message: string, retryAfterS: number): HttpProblem {
  return new HttpProblem('rate_limited', message, { retryAfterS });
}

/**
 * Guards every route of the plugin it is called in, and of the plugins registered in it
 * afterwards: a valid Bearer admin key, or 401 and nothing else. Per client, refused attempts
 * have a small budget (admin.rateLimit.refusedMax per refusedWindowMs; past it every request of
 * the client is answered 429 until the window ends, see the config) and calls with a valid key
 * a larger one. Refusals are counted per client and window (hermes_ops.admin_refusals and
 * admin_requests_refused_total), not audited one row each: a flood must not flood the trail.
 * Returns who made an accepted request, for the audit trail of each call.
 */
export async function guardAdminRoutes(
  app: FastifyInstance,
  options: AdminGuardOptions,
): Promise<(request: FastifyRequest) => string> {
  const { keys, metrics } = options;
  const limits = options.admin.rateLimit;
  const actors = new WeakMap<FastifyRequest, string>();
  const lockouts = new AdminLockouts(clientsRemembered);
  const ledger = new AdminRefusalLedger({
    db: options.pool,
    windowMs: limits.refusedWindowMs,
    retentionDays: options.admin.refusalsRetentionDays,
    onError: (error) => {
      // The code only: a driver error's detail can quote the row, which holds the address.
      app.log.warn({ err: { code: errorCode(error) } }, 'admin_refusal_not_recorded');
    },
  });

  let limitRefused: Limiter | undefined;
  let limitCalls: Limiter | undefined;
  if (limits.enabled) {
    // Registered in this plugin's context: the contact route's limits and stores are not shared.
    await app.register(rateLimit, { global: false });
    limitRefused = app.createRateLimit({
      max: limits.refusedMax,
      timeWindow: limits.refusedWindowMs,
      keyGenerator: (request) => clientOf(request.ip),
    });
    limitCalls = app.createRateLimit({
      max: limits.perClientMax,
      timeWindow: limits.perClientWindowMs,
      keyGenerator: (request) => clientOf(request.ip),
    });
  }

  const refuse = async (client: string, reason: AdminRefusalReason): Promise<void> => {
    metrics.adminRequestsRefused.inc({ reason });
    await ledger.record(client, reason === 'rate_limited');
  };

  const lockedOut = async (client: string, retryAfterS: number): Promise<never> => {
    await refuse(client, 'rate_limited');
    throw tooMany('too many refused attempts from this address; retry later', retryAfterS);
  };

  app.addHook('onRequest', async (request, reply) => {
    const client = clientOf(request.ip);
    // A locked-out client is refused before its key is looked at: the right key must get the same answer.
    const lockedForS = lockouts.remainingS(client);
    if (lockedForS !== undefined) return lockedOut(client, lockedForS);

    const key = bearerKey(request.headers.authorization);
    const actor = key === undefined ? undefined : keys.match(key);
    if (actor) {
      const calls = await consume(limitCalls, request);
      if (calls.state === 'over') {
        // A key holder over its budget: counted, but not a refusal of the key (no counter row).
        metrics.adminRequestsRefused.inc({ reason: 'rate_limited' });
        throw tooMany(
          'too many admin requests from this address; retry later',
          Math.ceil(calls.windowLeftMs / 1000),
        );
      }
      actors.set(request, actor);
      return;
    }

    const refused = await consume(limitRefused, request);
    if (refused.state !== 'within') lockouts.lock(client, refused.windowLeftMs);
    // Only reached past the last attempt when the lockout was forgotten (see AdminLockouts).
    if (refused.state === 'over') return lockedOut(client, Math.ceil(refused.windowLeftMs / 1000));
    // The budget's last attempt is still answered 401; the lockout starts with the next request,
    // so that no key, right or wrong, is looked at once the budget is spent.
    await refuse(client, 'unauthorized');
    void reply.header('www-authenticate', 'Bearer realm="hermes-admin"');
    throw new HttpProblem('unauthorized', 'a valid admin API key is required (Authorization: Bearer <key>)');
  });
  return (request) => actors.get(request) ?? 'anonymous';
}

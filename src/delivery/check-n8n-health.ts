import type { HermesConfig } from '../config/schema.ts';
import { redactUrl } from '../config/redact.ts';
import type { Queryable } from '../db/queryable.ts';
import { outcomeDescriptions } from './attempt-outcome.ts';
import { redactErrorText } from './redact-error-text.ts';
import { deliveryHealthFacts } from './sql/delivery-health-facts.ts';
import { outboxBacklog } from './sql/outbox-backlog.ts';

export interface N8nHealth {
  readonly healthy: boolean;
  readonly body: Record<string, unknown>;
}

interface Probe {
  readonly url: string;
  readonly reachable: boolean;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly error: string | null;
}

/** n8n's own liveness endpoint: `healthUrl`, else `/healthz` at the webhook's origin. */
export function n8nHealthUrl(n8n: HermesConfig['n8n']): string | undefined {
  if (n8n.healthUrl !== undefined) return n8n.healthUrl;
  return n8n.webhookUrl === undefined ? undefined : new URL('/healthz', n8n.webhookUrl).toString();
}

async function probe(url: string, timeoutMs: number): Promise<Probe> {
  const started = performance.now();
  const shown = redactUrl(url);
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
    return {
      url: shown,
      reachable: response.ok,
      status_code: response.status,
      latency_ms: Math.round(performance.now() - started),
      error: response.ok ? null : `HTTP ${String(response.status)}`,
    };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : undefined;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    return {
      url: shown,
      reachable: false,
      status_code: null,
      latency_ms: Math.round(performance.now() - started),
      error: timedOut
        ? 'no answer before the timeout'
        : redactErrorText(cause ?? (error instanceof Error ? error.message : String(error))),
    };
  }
}

const seconds = (ms: number) => Math.round(ms / 1000);

/**
 * /health/n8n: n8n reachable, the last successful delivery, the failures since, and the backlog.
 * Unhealthy (with every reason) when n8n is unreachable, when it answers deliveries with 404 or
 * 401/403 (a configuration fault no retry will fix), after too many failures in a row, or when the
 * oldest pending lead has waited too long.
 */
export async function checkN8nHealth(config: Readonly<HermesConfig>, db: Queryable): Promise<N8nHealth> {
  const { n8n, delivery } = config;
  const reasons: string[] = [];
  const healthUrl = n8nHealthUrl(n8n);
  if (n8n.webhookUrl === undefined) reasons.push('n8n.webhookUrl (HERMES_N8N_WEBHOOK_URL) is not set');
  const reach = healthUrl === undefined ? undefined : await probe(healthUrl, n8n.healthTimeoutMs);
  if (reach && !reach.reachable)
    reasons.push(`n8n is unreachable at ${reach.url}: ${reach.error ?? 'no answer'}`);

  let facts;
  let backlog;
  try {
    [facts, backlog] = await Promise.all([deliveryHealthFacts(db), outboxBacklog(db)]);
  } catch (error) {
    reasons.push(
      `the database cannot be read: ${redactErrorText(error instanceof Error ? error.message : String(error))}`,
    );
  }
  if (facts?.last_failure_outcome) {
    const outcome = facts.last_failure_outcome;
    if (outcome === 'webhook_not_registered' || outcome === 'auth_rejected') {
      reasons.push(outcomeDescriptions[outcome]);
    } else if (facts.consecutive_failures >= delivery.health.maxConsecutiveFailures) {
      reasons.push(
        `${String(facts.consecutive_failures)} deliveries in a row failed; the last: ${outcomeDescriptions[outcome]}`,
      );
    }
  }
  if (backlog && backlog.oldest_pending_age_s * 1000 > delivery.health.maxOldestPendingAge) {
    reasons.push(
      `backlog: the oldest pending lead has waited ${String(Math.round(backlog.oldest_pending_age_s))} s (limit ${String(seconds(delivery.health.maxOldestPendingAge))} s)`,
    );
  }

  const healthy = reasons.length === 0;
  return {
    healthy,
    body: {
      status: healthy ? 'ok' : 'unavailable',
      ...(healthy ? {} : { reasons }),
      n8n: reach ?? null,
      webhook_url: n8n.webhookUrl === undefined ? null : redactUrl(n8n.webhookUrl),
      last_success_at: facts?.last_success_at ?? null,
      consecutive_failures: facts?.consecutive_failures ?? null,
      last_failure: facts?.last_failure_at
        ? {
            at: facts.last_failure_at,
            outcome: facts.last_failure_outcome,
            status_code: facts.last_failure_status,
          }
        : null,
      backlog: backlog
        ? {
            pending: backlog.pending,
            oldest_pending_age_s: Math.round(backlog.oldest_pending_age_s),
            dead: backlog.dead,
            max_oldest_pending_age_s: seconds(delivery.health.maxOldestPendingAge),
          }
        : null,
    },
  };
}

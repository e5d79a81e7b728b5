import type { N8nHealthCheck } from '../plugins/n8n-health.ts';

export const injectedN8nReason = 'an injected fault (HERMES_FAULTS failHealth: n8n)';

/**
 * `check`, unhealthy while `faulted()` (a drill's failHealth: n8n): the body as the real check
 * gives it (n8n, backlog), with the injected reason after the real ones. Deliveries are left alone.
 */
export function faultedN8nHealth(check: N8nHealthCheck, faulted: () => boolean): N8nHealthCheck {
  return async (view) => {
    const health = await check(view);
    if (!faulted()) return health;
    const reasons: unknown[] = Array.isArray(health.body.reasons) ? health.body.reasons : [];
    return {
      healthy: false,
      body: { ...health.body, status: 'unavailable', reasons: [...reasons, injectedN8nReason] },
    };
  };
}

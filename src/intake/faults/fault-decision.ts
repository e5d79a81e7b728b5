import type { FaultSpec, HealthFaultTarget } from './fault-spec.ts';

/** What one request gets: a delay before its handler, then (or not) a 500 instead of it. */
export interface RequestFault {
  readonly delayMs: number;
  readonly fail: boolean;
}

/** `POST /api/contact`: how a spec names a route (the method and Fastify's pattern, never the URL). */
export function routeKeyOf(method: string, routePattern: string): string {
  return `${method} ${routePattern}`;
}

/** The faults have begun: the server is ready and `startAfterMs` has passed since. */
export function faultsBegun(spec: FaultSpec, elapsedMs: number | undefined): boolean {
  return elapsedMs !== undefined && elapsedMs >= spec.startAfterMs;
}

/**
 * The fault for a request to `routeKey`, `elapsedMs` after the server was ready (undefined: not
 * ready yet); undefined when it gets none. `random` is drawn once per faulted request, and only
 * when some requests are to fail (so an injected sequence decides exactly which).
 */
export function requestFault(
  spec: FaultSpec,
  routeKey: string,
  elapsedMs: number | undefined,
  random: () => number,
): RequestFault | undefined {
  if (!faultsBegun(spec, elapsedMs) || !spec.routes.includes(routeKey)) return undefined;
  const fail = spec.errorRate > 0 && random() < spec.errorRate;
  if (!fail && spec.latencyMs === 0) return undefined;
  return { delayMs: spec.latencyMs, fail };
}

/** Whether the health endpoint of `target` is to answer 503 now. */
export function healthFaulted(
  spec: FaultSpec,
  target: HealthFaultTarget,
  elapsedMs: number | undefined,
): boolean {
  return spec.failHealth === target && faultsBegun(spec, elapsedMs);
}

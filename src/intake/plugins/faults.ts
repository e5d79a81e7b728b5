import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, type Registry } from 'prom-client';
import { ConfigError } from '../../config/config-error.ts';
import { describeFaults, faultsVariable } from '../faults/fault-spec.ts';
import { injectedFault } from '../edge-problems.ts';
import type { InjectedFaults } from '../faults/injected-faults.ts';

export interface FaultsPluginOptions {
  faults: InjectedFaults;
  registry: Registry;
}

interface FaultMetrics {
  readonly injected: Counter<'fault'>;
}

const byRegistry = new WeakMap<Registry, FaultMetrics>();

/** `hermes_faults_active 1` (a watcher sees that a drill runs) and the faults injected; once per registry. */
function faultMetrics(registry: Registry): FaultMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  new Gauge({
    name: 'hermes_faults_active',
    help: 'Whether this process injects faults for a drill (HERMES_FAULTS): 1 when it does',
    registers,
  }).set(1);
  const metrics = {
    injected: new Counter({
      name: 'hermes_faults_injected_total',
      help: 'Faults injected for a drill (HERMES_FAULTS), by fault (latency, error)',
      labelNames: ['fault'],
      registers,
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

/** The spec's routes that name no route of the server: a typo would make a drill inject nothing. */
export function unknownRoutes(
  routes: readonly string[],
  hasRoute: (method: string, url: string) => boolean,
): string[] {
  return routes.filter((key) => {
    const space = key.indexOf(' ');
    return !hasRoute(key.slice(0, space), key.slice(space + 1));
  });
}

/**
 * Faults for rollback drills (HERMES_FAULTS), registered only when a spec injects any. On a
 * matching route, once the faults have begun: the latency, then (at errorRate) a 500
 * `fault_injected`. Both in preHandler, before the handler: a faulted `POST /api/contact` commits
 * nothing, so every lead answered 201 is still stored and a 500 stores nothing. The answers go
 * through the error handler and the telemetry like any other (http_requests_errors_total counts them).
 */
export const faultsPlugin = fp(
  (app: FastifyInstance, { faults, registry }: FaultsPluginOptions, done: (err?: Error) => void) => {
    const metrics = faultMetrics(registry);

    app.addHook('onReady', (ready) => {
      const unknown = unknownRoutes(faults.spec.routes, (method, url) => app.hasRoute({ method, url }));
      if (unknown.length > 0) {
        ready(
          new ConfigError(
            `invalid ${faultsVariable}`,
            unknown.map((key) => `${faultsVariable}.routes: "${key}" names no route of this server`),
          ),
        );
        return;
      }
      faults.start();
      // Loud and once: a release injecting faults must never pass for a healthy one.
      app.log.warn(
        { faults: describeFaults(faults.spec) },
        `FAULT INJECTION ACTIVE (${faultsVariable}): this release fails on purpose, for a rollback drill`,
      );
      ready();
    });

    app.addHook('preHandler', async (request) => {
      const fault = faults.forRequest(request.method, request.routeOptions.url ?? '');
      if (fault === undefined) return;
      if (fault.delayMs > 0) {
        metrics.injected.inc({ fault: 'latency' });
        await sleep(fault.delayMs);
      }
      if (fault.fail) {
        metrics.injected.inc({ fault: 'error' });
        throw injectedFault(request.id);
      }
    });
    done();
  },
  { name: 'hermes-faults' },
);

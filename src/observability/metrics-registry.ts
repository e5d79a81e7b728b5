import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * prom-client's gauges with a counter's `_total` suffix, which Prometheus's linter (`promtool
 * check metrics`) rejects. Each repeats the sum of its by-type gauge (`nodejs_active_handles{type}`
 * etc.), which stays: `sum(nodejs_active_handles)` is the open handles count.
 */
const gaugesNamedAsCounters = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const;

/**
 * One registry per process (tests build several servers, so never the global one). Each part
 * defines its own metrics on it; `/metrics` serves it.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  // prom-client has no option to leave one default metric out: register all, then remove those.
  collectDefaultMetrics({ register: registry });
  for (const name of gaugesNamedAsCounters) registry.removeSingleMetric(name);
  return registry;
}

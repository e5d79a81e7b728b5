import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per process (tests build several servers, so never the global one). Each part
 * defines its own metrics on it; `/metrics` serves it.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

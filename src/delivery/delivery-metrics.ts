import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Queryable } from '../db/queryable.ts';
import type { CircuitState } from './circuit-breaker.ts';
import { outboxBacklog, type OutboxBacklog } from './sql/outbox-backlog.ts';

export interface DeliveryMetrics {
  readonly deliveries: Counter<'outcome'>;
  readonly duration: Histogram<'outcome'>;
  readonly dead: Counter;
  setCircuitState(state: CircuitState): void;
}

const circuitValues: Readonly<Record<CircuitState, number>> = { closed: 0, half_open: 1, open: 2 };

const byRegistry = new WeakMap<Registry, DeliveryMetrics>();

/**
 * The delivery metrics on `registry`, created once per registry (the worker and /health/n8n of one
 * server share them). The backlog gauges read the outbox when scraped; a scrape while the database
 * is down keeps their last values rather than failing /metrics.
 */
export function deliveryMetrics(registry: Registry, db: Queryable): DeliveryMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];

  let backlog: Promise<OutboxBacklog | undefined> | undefined;
  // Both gauges are collected in one scrape: one query serves both.
  const readBacklog = () =>
    (backlog ??= outboxBacklog(db)
      .catch(() => undefined)
      .finally(() => setTimeout(() => (backlog = undefined), 250).unref()));

  new Gauge({
    name: 'outbox_pending',
    help: 'Leads committed and not yet delivered to n8n (nor dead)',
    registers,
    async collect() {
      const read = await readBacklog();
      if (read) this.set(read.pending);
    },
  });
  new Gauge({
    name: 'outbox_oldest_pending_age_seconds',
    help: 'How long the oldest undelivered lead has waited',
    registers,
    async collect() {
      const read = await readBacklog();
      if (read) this.set(read.oldest_pending_age_s);
    },
  });
  const circuit = new Gauge({
    name: 'delivery_circuit_state',
    help: "The n8n circuit breaker of this process's worker: 0 closed, 1 half-open (probing), 2 open",
    registers,
  });
  circuit.set(0);

  const metrics: DeliveryMetrics = {
    deliveries: new Counter({
      name: 'deliveries_total',
      help: 'Delivery attempts to n8n by outcome (delivered, webhook_not_registered, auth_rejected, payload_too_large, server_error, timeout, connection_error, ...)',
      labelNames: ['outcome'],
      registers,
    }),
    duration: new Histogram({
      name: 'delivery_duration_seconds',
      help: 'Time of one delivery attempt to n8n, by outcome',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    dead: new Counter({
      name: 'deliveries_dead_total',
      help: 'Leads moved to the dead letter (413, or retries used up)',
      registers,
    }),
    setCircuitState: (state) => circuit.set(circuitValues[state]),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}

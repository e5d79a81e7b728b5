import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** What the pool gauges read (a pg.Pool satisfies it). */
export interface PoolStats {
  readonly totalCount: number;
  readonly idleCount: number;
  readonly waitingCount: number;
}

export type LeadOutcome =
  | 'accepted'
  /** A gate's own lead (the E2E gate's): stored and forwarded, not counted as a person's. */
  | 'synthetic'
  | 'spam'
  | 'replayed'
  | 'invalid'
  | 'idempotency_conflict'
  /** A form whose token expired or was used already: answered with a fresh token, to send again. */
  | 'resend_requested'
  | 'rate_limited'
  | 'unavailable'
  | 'error';

/** Why an admin API request was refused: no valid key, or over a budget (see admin.rateLimit). */
export type AdminRefusalReason = 'unauthorized' | 'rate_limited';

export interface ServiceMetrics {
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpErrors: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly databaseErrors: Counter<'kind'>;
  readonly databaseQueryDuration: Histogram<'operation'>;
  readonly leadsReceived: Counter<'outcome'>;
  readonly adminRequestsRefused: Counter<'reason'>;
}

/**
 * The intake's metrics, named as the specification names them (its rollback triggers read
 * `http_requests_errors_total / http_requests_total`, `http_request_duration_seconds` and
 * `database_errors_total`). An error is an answer with status 5xx: a client's 4xx is not the
 * service failing.
 */
export function createServiceMetrics(registry: Registry, pool: PoolStats, poolMax: number): ServiceMetrics {
  const registers = [registry];
  const poolGauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read());
      },
    });
  // Gauges: no `_total`, which Prometheus keeps for counters.
  poolGauge(
    'database_pool_connections',
    'Connections the pool holds (idle and checked out)',
    () => pool.totalCount,
  );
  poolGauge('database_pool_connections_idle', 'Idle connections in the pool', () => pool.idleCount);
  poolGauge('database_pool_requests_waiting', 'Checkouts waiting for a connection', () => pool.waitingCount);
  poolGauge('database_pool_connections_max', 'The pool size limit', () => poolMax);

  const labelNames = ['method', 'route', 'status'] as const;
  return {
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered',
      labelNames,
      registers,
    }),
    httpErrors: new Counter({
      name: 'http_requests_errors_total',
      help: 'HTTP requests answered with a 5xx status',
      labelNames,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to answer',
      labelNames,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    databaseErrors: new Counter({
      name: 'database_errors_total',
      help: 'Database operations that failed, by kind (connection_failure, statement_timeout, ...)',
      labelNames: ['kind'],
      registers,
    }),
    databaseQueryDuration: new Histogram({
      name: 'database_query_duration_seconds',
      help: 'Time of the intake database operations',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
    leadsReceived: new Counter({
      name: 'leads_received_total',
      help: 'Contact submissions by outcome (accepted, synthetic, spam, replayed, invalid, rate_limited, unavailable, ...)',
      labelNames: ['outcome'],
      registers,
    }),
    adminRequestsRefused: new Counter({
      name: 'admin_requests_refused_total',
      help: 'Admin API requests refused, by reason (unauthorized: no valid key; rate_limited: over a budget)',
      labelNames: ['reason'],
      registers,
    }),
  };
}

import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { createServiceMetrics } from '../../src/observability/service-metrics.ts';
import { validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const intake = useIntake();

/** The value of the one sample of `/metrics` text named exactly `series` (name and labels), if any. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

it('serves the specification’s metrics, counted per route pattern and outcome', async () => {
  // A 5xx with a database error: the insert meets a schema it does not know. First, as pg's
  // pool.query discards a client whose query failed; the accepted lead's stays for the gauges.
  await intake.database.pool.query('ALTER TABLE hermes_outbox RENAME TO hermes_outbox_moved');
  try {
    expect((await intake.post(validLead())).status).toBe(500);
  } finally {
    await intake.database.pool.query('ALTER TABLE hermes_outbox_moved RENAME TO hermes_outbox');
  }
  expect((await intake.post(validLead())).status).toBe(201);
  expect((await intake.post({ first_name: 1 })).status).toBe(400);
  await fetch(`${intake.base}/no/such/page/4711`);
  const response = await fetch(`${intake.base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  for (const [series, value] of [
    ['http_requests_total{method="POST",route="/api/contact",status="201"}', 1],
    ['http_requests_total{method="POST",route="/api/contact",status="400"}', 1],
    ['http_requests_total{method="POST",route="/api/contact",status="500"}', 1],
    ['http_requests_total{method="GET",route="unmatched",status="404"}', 1],
    ['http_requests_errors_total{method="POST",route="/api/contact",status="500"}', 1],
    ['http_request_duration_seconds_count{method="POST",route="/api/contact",status="201"}', 1],
    ['http_request_duration_seconds_count{method="POST",route="/api/contact",status="500"}', 1],
    ['leads_received_total{outcome="accepted"}', 1],
    ['leads_received_total{outcome="invalid"}', 1],
    ['leads_received_total{outcome="error"}', 1],
    ['database_errors_total{kind="undefined_object"}', 1],
    // The accepted insert and the failed one; the invalid lead never reached the database.
    ['database_query_duration_seconds_count{operation="record_lead"}', 2],
    ['database_pool_connections_max', intake.config.database.poolMax],
    ['database_pool_requests_waiting', 0],
  ] as const) {
    expect(sample(text, series), series).toBe(value);
  }
  // 4xx are the client's errors, not the service's: only the 500 above is one.
  expect(text.match(/^http_requests_errors_total\{.*$/gm)).toEqual([
    'http_requests_errors_total{method="POST",route="/api/contact",status="500"} 1',
  ]);
  // A histogram's buckets are cumulative: the 201's duration falls in the +Inf one at least.
  expect(
    sample(
      text,
      'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/api/contact",status="201"}',
    ),
  ).toBe(1);
  // The pool's own counts, read at the scrape: it holds the connections the requests used.
  expect(sample(text, 'database_pool_connections')).toBeGreaterThanOrEqual(1);
  expect(sample(text, 'database_pool_connections')).toBe(intake.pool.totalCount);
  expect(sample(text, 'database_pool_connections_idle')).toBeLessThanOrEqual(intake.pool.totalCount);

  // Node's process metrics, with samples (the leak checks read heap and open handles).
  expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  expect(sample(text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
  // This server's listening socket at least; the open handles count is the sum over types.
  expect(sample(text, 'nodejs_active_handles{type="Server"}')).toBeGreaterThanOrEqual(1);
  // Gauges named as counters (promtool rejects them); their figure is the sum above.
  expect(text).not.toMatch(/^(# TYPE )?nodejs_active_(handles|requests|resources)_total\b/m);
  expect(text).not.toMatch(/^(# TYPE )?database_pool_connections_total\b/m);

  // The app exposes its registry for the other parts (delivery metrics).
  expect(await intake.app.metrics.getSingleMetricAsString('leads_received_total')).toContain(
    'leads_received_total{outcome="accepted"} 1',
  );
});

it('the pool gauges read the pool’s total, idle and waiting counts and its limit, each its own', async () => {
  const registry = new Registry();
  createServiceMetrics(registry, { totalCount: 7, idleCount: 3, waitingCount: 2 }, 12);
  const text = await registry.metrics();
  expect(sample(text, 'database_pool_connections')).toBe(7);
  expect(sample(text, 'database_pool_connections_idle')).toBe(3);
  expect(sample(text, 'database_pool_requests_waiting')).toBe(2);
  expect(sample(text, 'database_pool_connections_max')).toBe(12);
});

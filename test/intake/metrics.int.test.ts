import { expect, it } from 'vitest';
import { validLead } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

const intake = useIntake();

it('serves the specification’s metrics, counted per route pattern and outcome', async () => {
  expect((await intake.post(validLead())).status).toBe(201);
  expect((await intake.post({ first_name: 1 })).status).toBe(400);
  await fetch(`${intake.base}/no/such/page/4711`);
  const response = await fetch(`${intake.base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  const text = await response.text();
  for (const line of [
    'http_requests_total{method="POST",route="/api/contact",status="201"} 1',
    'http_requests_total{method="POST",route="/api/contact",status="400"} 1',
    'http_requests_total{method="GET",route="unmatched",status="404"} 1',
    'leads_received_total{outcome="accepted"} 1',
    'leads_received_total{outcome="invalid"} 1',
    `database_pool_connections_max ${intake.config.database.poolMax}`,
  ]) {
    expect(text).toContain(line);
  }
  for (const name of [
    'http_requests_errors_total',
    'http_request_duration_seconds_bucket',
    'database_errors_total',
    'database_query_duration_seconds_bucket{le="0.1",operation="record_lead"}',
    'database_pool_connections_total',
    'database_pool_connections_idle',
    'database_pool_requests_waiting',
    'process_cpu_user_seconds_total',
    'nodejs_eventloop_lag_seconds',
  ]) {
    expect(text).toContain(name);
  }
  // 4xx are the client's errors, not the service's.
  expect(text).not.toMatch(/http_requests_errors_total\{[^}]*status="4/);
  // The app exposes its registry for the other parts (delivery metrics).
  expect(await intake.app.metrics.getSingleMetricAsString('leads_received_total')).toContain('accepted');
});

import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../src/db/database-error.ts';
import { leadQuery } from '../../../src/intake/contact/lead-query.ts';
import { HttpProblem } from '../../../src/intake/http-problem.ts';
import { createServiceMetrics } from '../../../src/observability/service-metrics.ts';

function metrics() {
  const registry = new Registry();
  const service = createServiceMetrics(registry, { totalCount: 0, idleCount: 0, waitingCount: 0 }, 10);
  const value = async (name: string, labels: Record<string, string>) => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as {
      labels: Record<string, unknown>;
      value: number;
      metricName?: string;
    }[];
    return values.find(
      (v) => v.metricName === undefined && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
    )?.value;
  };
  return { service, value };
}

describe('leadQuery', () => {
  it('gives the result back, timed', async () => {
    const m = metrics();
    await expect(leadQuery(m.service, 'record_lead', 5, () => Promise.resolve(42))).resolves.toBe(42);
    const text = await m.service.databaseQueryDuration.get();
    expect(text.values.find((v) => v.metricName?.endsWith('_count'))?.value).toBe(1);
  });

  it('turns a database that may come back into a 503 for the route to answer, its error counted', async () => {
    const m = metrics();
    const down = new DatabaseError('connection_failure', 'database: gone', new Error('x'));
    const answer = await leadQuery(m.service, 'record_lead', 5, () => Promise.reject(down));
    expect(answer).toBeInstanceOf(HttpProblem);
    expect(answer).toMatchObject({ statusCode: 503, code: 'database_unavailable', retryAfterS: 5 });
    expect(await m.value('database_errors_total', { kind: 'connection_failure' })).toBe(1);
    expect(await m.value('leads_received_total', { outcome: 'error' })).toBeUndefined();
  });

  it('throws any other failure to the HTTP edge, counted as an error lead (the edge counts its kind)', async () => {
    const m = metrics();
    const duplicate = new DatabaseError('unique_violation', 'database: duplicate', new Error('x'));
    await expect(leadQuery(m.service, 'record_lead', 5, () => Promise.reject(duplicate))).rejects.toBe(
      duplicate,
    );
    expect(await m.value('leads_received_total', { outcome: 'error' })).toBe(1);
    expect(await m.value('database_errors_total', { kind: 'unique_violation' })).toBeUndefined();
  });
});

import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { responseTimesGate } from '../../../src/gates/builtin/perf/response-times.ts';
import type { GateOutcome, Measurement } from '../../../src/gates/gate.ts';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { recordDeploymentResult, standInRelease } from './support/perf-fixtures.ts';

// perf.response-times against a real release (`hermes serve` with its delivery worker, the n8n-like
// receiver): slowness planted where a real one would be (a slow webhook, a locked table), a restart
// by a stand-in /metrics; windows of a few seconds.

const signingSecret = `whsec_${randomBytes(32).toString('base64')}`;
let db: TestDatabase;
let receiver: N8nReceiver;
let release: ServeProcess;

beforeAll(async () => {
  [db, receiver] = await Promise.all([
    createTestDatabase({ migrate: true }),
    startN8nReceiver({ secrets: [signingSecret] }),
  ]);
  release = await startServe({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HERMES_N8N_WEBHOOK_URL: receiver.url,
    HERMES_N8N_SIGNING_SECRET: signingSecret,
    HERMES_MIN_FILL_MS: '0',
    HERMES_RATE_LIMIT: 'off',
  });
}, 60_000);
afterAll(async () => {
  release.child.kill('SIGTERM');
  await receiver.close();
  await db.drop();
});
beforeEach(async () => {
  receiver.setMode('ok');
  await db.pool.query('DELETE FROM hermes_ops.gate_runs');
  await db.pool.query('DELETE FROM hermes_ops.deployments');
});

const short = { window: '3s', sampleInterval: '500ms', probeRate: 20, minRequests: 3 };

function run(url: string, responseTimes: Record<string, unknown> = {}): Promise<GateOutcome> {
  const ctx = gateContext({
    databaseUrl: db.url,
    config: { gates: { thresholds: { perf: { responseTimes: { ...short, ...responseTimes } } } } },
  });
  return responseTimesGate.run({ ...ctx, releaseUrl: url });
}

async function postLead(): Promise<void> {
  const response = await fetch(`${release.url}/api/contact`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: `ada.${randomBytes(6).toString('hex')}@example.com`,
      country: 'GB',
      phone_number: '+44 20 7946 0958',
      problem_description: 'Our mail server was breached last night.',
      service_urgency: 'urgent',
      agree_to_terms: true,
      privacy_consent: true,
    }),
  });
  if (response.status !== 201) throw new Error(`POST /api/contact answered ${String(response.status)}`);
}

/** The gate over a window in which `leads` leads are submitted (after its first scrape). */
async function runWithLeads(
  leads: number,
  responseTimes: Record<string, unknown> = {},
): Promise<GateOutcome> {
  const gate = run(release.url, responseTimes);
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let i = 0; i < leads; i += 1) await postLead();
  return gate;
}

const figure = (outcome: GateOutcome, name: string): Measurement | undefined =>
  outcome.measurements?.find((m) => m.name === name);

/**
 * The live deployment (the release judged, its figures far off: it is not its own baseline) and
 * three earlier succeeded deployments, each having recorded these figures.
 */
async function baseline(api: number, db_: number, webhook: number): Promise<void> {
  await recordDeploymentResult(db.pool, 'perf.response-times', 0.1, [
    { name: 'API average response time', value: 1_000_000, unit: 'ms' },
  ]);
  for (const days of [1, 2, 3])
    await recordDeploymentResult(db.pool, 'perf.response-times', days, [
      { name: 'API average response time', value: api, unit: 'ms' },
      { name: 'database query average', value: db_, unit: 'ms' },
      { name: 'n8n webhook p95', value: webhook, unit: 'ms' },
    ]);
}

describe('perf.response-times', () => {
  it('passes a healthy release with its baseline, every figure measured and recorded', async () => {
    await baseline(100, 50, 1_000);
    const outcome = await runWithLeads(4);
    expect(outcome.status, outcome.summary).toBe('pass');
    for (const name of ['API average response time', 'database query average', 'n8n webhook p95'])
      expect(figure(outcome, name), name).toMatchObject({ unit: 'ms', passed: true });
    expect(figure(outcome, 'API average response time against its baseline')).toMatchObject({
      threshold: 150,
    });
  }, 20_000);

  it('fails a slow n8n webhook, naming its p95', async () => {
    await baseline(100, 50, 10_000);
    receiver.setMode('slow', 400);
    const outcome = await runWithLeads(4, { window: '5s', webhookP95Ms: 300 });
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toMatch(/n8n webhook p95 [\d.]+ ms \(limit < 300 ms\)/);
    expect(outcome.summary).not.toMatch(/database query average [\d.]+ ms \(limit/);
  }, 20_000);

  it('fails slow database queries (the leads table locked), naming the database figure', async () => {
    await baseline(10_000, 50, 10_000);
    const locker = await db.pool.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE hermes_leads IN ACCESS EXCLUSIVE MODE');
      const gate = run(release.url, { dbQueryAverageMs: 100 });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const posts = Array.from({ length: 4 }, () => postLead());
      await new Promise((resolve) => setTimeout(resolve, 500));
      await locker.query('COMMIT');
      await Promise.all(posts);
      const outcome = await gate;
      expect(outcome.status, outcome.summary).toBe('fail');
      expect(outcome.summary).toMatch(/database query average [\d.]+ ms \(limit < 100 ms\)/);
    } finally {
      locker.release();
    }
  }, 20_000);

  it('fails a degradation against the median of the earlier succeeded deployments', async () => {
    await baseline(0.01, 50, 10_000);
    // A failed deployment's figures are not the baseline.
    await recordDeploymentResult(
      db.pool,
      'perf.response-times',
      0.5,
      [{ name: 'API average response time', value: 1_000, unit: 'ms' }],
      'failed',
    );
    const outcome = await run(release.url, { degradationFloorMs: 0 });
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toMatch(
      /performance degradation: API average response time [\d.]+ ms degraded: baseline 0.01 ms \(median of 3 deployments\)/,
    );
  }, 20_000);

  it('keeps the live deployment in the baseline while a newer deployment is running (hermes deploy)', async () => {
    await baseline(0.01, 50, 10_000);
    await recordDeploymentResult(db.pool, 'perf.response-times', 0.05, [], 'running');
    const outcome = await run(release.url, { degradationFloorMs: 0 });
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toMatch(
      /API average response time [\d.]+ ms degraded: baseline 0.01 ms \(median of 4 deployments\)/,
    );
  }, 20_000);

  it('says there is no baseline yet, not a pass, without earlier deployments', async () => {
    const outcome = await run(release.url);
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain(
      'API average response time: no baseline yet (0 earlier succeeded deployments recorded it, 3 needed)',
    );
    expect(outcome.summary).toContain('database query average (0 observations, 3 needed)');
  }, 20_000);

  it('is no data, never a pass, with no traffic and the probe off', async () => {
    await baseline(100, 50, 1_000);
    const outcome = await run(release.url, { probe: false });
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(/^no data: API average response time \(0 observations, 3 needed\)/);
    const strict = gateContext({
      databaseUrl: db.url,
      config: {
        gates: { noData: 'error', thresholds: { perf: { responseTimes: { ...short, probe: false } } } },
      },
    });
    expect((await responseTimesGate.run({ ...strict, releaseUrl: release.url })).status).toBe('error');
  }, 20_000);

  it('is an error naming the counter when the release restarts during the window', async () => {
    const standIn = await standInRelease((n) => {
      const count = n === 2 ? 1 : 100 + n * 10;
      return `http_request_duration_seconds_count{method="GET",route="/",status="200"} ${String(count)}\nhttp_request_duration_seconds_sum{method="GET",route="/",status="200"} 1\n`;
    });
    try {
      const outcome = await run(standIn.url, { window: '2s', probe: false });
      expect(outcome.status).toBe('error');
      expect(outcome.reason).toContain(
        'counter reset in http_request_duration_seconds_count{method="GET",route="/",status="200"}',
      );
    } finally {
      await standIn.close();
    }
  }, 20_000);

  it('is an error when /metrics cannot be read', async () => {
    const outcome = await run('http://127.0.0.1:1', { window: '1s' });
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toContain('readings of /metrics in the window');
  }, 20_000);
});

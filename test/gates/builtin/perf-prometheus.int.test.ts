import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourcesGate } from '../../../src/gates/builtin/perf/resources.ts';
import { responseTimesGate } from '../../../src/gates/builtin/perf/response-times.ts';
import { queryRange } from '../../../src/gates/builtin/support/prometheus-api.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { freePort } from '../../support/free-port.ts';
import { startN8nReceiver, type N8nReceiver } from '../../support/n8n-receiver.ts';
import { startPrometheus, type PrometheusServer } from '../../support/prometheus-server.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { standInRelease } from './support/perf-fixtures.ts';

// The perf gates with `prometheus.url` set: a real Prometheus (Debian's) scraping a real release
// and a leaking stand-in every second; the gates read the release's series from it, not /metrics.

const job = 'hermes-perf';
const signingSecret = `whsec_${randomBytes(32).toString('base64')}`;
let db: TestDatabase;
let receiver: N8nReceiver;
let release: ServeProcess;
let leaking: Awaited<ReturnType<typeof standInRelease>>;
let prometheus: PrometheusServer;

const hostPort = (url: string): string => new URL(url).host;

beforeAll(async () => {
  [db, receiver] = await Promise.all([
    createTestDatabase({ migrate: true }),
    startN8nReceiver({ secrets: [signingSecret] }),
  ]);
  const mb = 1024 * 1024;
  [release, leaking] = await Promise.all([
    startServe({
      DATABASE_URL: db.url,
      PORT: '0',
      LOG_LEVEL: 'warn',
      HERMES_N8N_WEBHOOK_URL: receiver.url,
      HERMES_N8N_SIGNING_SECRET: signingSecret,
      HERMES_MIN_FILL_MS: '0',
      HERMES_RATE_LIMIT: 'off',
    }),
    // Its heap and handles grow with every scrape Prometheus makes.
    standInRelease((n) =>
      [
        `process_cpu_seconds_total ${String(1 + n * 0.001)}`,
        `process_resident_memory_bytes ${String(100 * mb)}`,
        `nodejs_heap_size_used_bytes ${String((30 + n * 5) * mb)}`,
        `nodejs_active_handles{type="Socket"} ${String(4 + n * 2)}`,
        'database_pool_connections 2',
        'database_pool_connections_idle 2',
        'database_pool_connections_max 10',
      ].join('\n'),
    ),
  ]);
  prometheus = await startPrometheus({ job, targets: [hostPort(release.url), hostPort(leaking.url)] });
  await prometheus.waitForTargetsUp();
}, 90_000);
afterAll(async () => {
  release.child.kill('SIGTERM');
  await Promise.all([prometheus.stop(), leaking.close(), receiver.close()]);
  await db.drop();
});

const window = { window: '5s', sampleInterval: '1s', probeRate: 20 };

function context(
  instance: string,
  prometheusUrl = prometheus.url,
  perf: { responseTimes?: Record<string, unknown>; resources?: Record<string, unknown> } = {},
) {
  return gateContext({
    databaseUrl: db.url,
    config: {
      prometheus: { url: prometheusUrl, selector: `job="${job}", instance="${instance}"` },
      gates: {
        thresholds: {
          perf: {
            responseTimes: { ...window, minRequests: 3, ...perf.responseTimes },
            resources: { ...window, maxHeapGrowthMb: 10, maxHandleGrowth: 5, ...perf.resources },
          },
        },
      },
    },
  });
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

/** perf.response-times over a window in which four leads are submitted. */
async function responseTimesWithLeads(perf: Record<string, unknown> = {}): Promise<GateOutcome> {
  const ctx = context(hostPort(release.url), prometheus.url, { responseTimes: perf });
  const gate = responseTimesGate.run({ ...ctx, releaseUrl: release.url });
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let i = 0; i < 4; i += 1) await postLead();
  const outcome = await gate;
  expect(ctx.logs.join('\n')).toContain(`from Prometheus at ${prometheus.url}`);
  return outcome;
}

describe('the perf gates reading Prometheus', () => {
  it('perf.response-times measures a healthy release from its series, as from /metrics', async () => {
    receiver.setMode('ok');
    const outcome = await responseTimesWithLeads();
    // No baseline recorded yet: the figures pass their limits, the baseline comparison is no-data.
    expect(outcome.status, outcome.summary).toBe('warn');
    for (const name of ['API average response time', 'database query average', 'n8n webhook p95'])
      expect(
        outcome.measurements?.find((m) => m.name === name),
        name,
      ).toMatchObject({ passed: true });
    const api = outcome.measurements?.find((m) => m.name === 'API average response time');
    expect(api?.value).toBeGreaterThan(0);
  }, 30_000);

  it('perf.response-times fails a slow webhook, naming its p95', async () => {
    receiver.setMode('slow', 400);
    try {
      const outcome = await responseTimesWithLeads({ webhookP95Ms: 300 });
      expect(outcome.status, outcome.summary).toBe('fail');
      expect(outcome.summary).toMatch(/n8n webhook p95 [\d.]+ ms \(limit < 300 ms\)/);
    } finally {
      receiver.setMode('ok');
    }
  }, 30_000);

  it('perf.resources passes the healthy release and fails the leaking one', async () => {
    const healthy = context(hostPort(release.url));
    const leak = context(hostPort(leaking.url), prometheus.url, { resources: { probe: false } });
    const [good, bad] = await Promise.all([
      resourcesGate.run({ ...healthy, releaseUrl: release.url }),
      resourcesGate.run({ ...leak, releaseUrl: leaking.url }),
    ]);
    expect(good.status, good.summary).toBe('pass');
    expect(bad.status, bad.summary).toBe('fail');
    expect(bad.summary).toContain(': a memory leak');
    expect(bad.summary).toContain(': a handle leak');
  }, 30_000);

  it('is an error, never a pass, when Prometheus cannot be asked or has no series', async () => {
    const unreachable = context(hostPort(release.url), `http://127.0.0.1:${String(await freePort())}`);
    const noSeries = context('127.0.0.1:1');
    const [down, empty] = await Promise.all([
      resourcesGate.run({ ...unreachable, releaseUrl: release.url }),
      responseTimesGate.run({ ...noSeries, releaseUrl: release.url }),
    ]);
    expect(down.status).toBe('error');
    expect(down.summary).toBe('0 readings of Prometheus in the window: no deltas to judge');
    expect(down.reason).toContain('1 reads of Prometheus failed; last: Prometheus: connect ECONNREFUSED');
    expect(empty.status).toBe('error');
    expect(empty.reason).toBe('0 reads of Prometheus failed');
  }, 30_000);

  it("reports Prometheus's own error for a query it refuses", async () => {
    const now = Date.now() / 1_000;
    const answer = await queryRange(
      { url: prometheus.url, selector: '', timeout: 5_000 },
      { query: 'sum(', start: now - 5, end: now, stepSeconds: 1 },
      new AbortController().signal,
    );
    expect('failure' in answer && answer.failure).toMatch(/^Prometheus answered 400: bad_data: /);
  });
});

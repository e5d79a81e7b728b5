import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseFaultSpec, type FaultSpec } from '../../src/intake/faults/fault-spec.ts';
import { runCli } from '../support/run-cli.ts';
import { startServe } from '../support/serve-process.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { startIntake, validLead, type IntakeUnderTest } from './support/start-intake.ts';
import { useIntake } from './support/use-intake.ts';

function spec(json: string): FaultSpec {
  const parsed = parseFaultSpec(json);
  if (parsed === undefined) throw new Error(`no spec in ${json}`);
  return parsed;
}

/** A metric's value for labels containing `labels` (0 when absent), read from /metrics. */
async function metric(intake: IntakeUnderTest, name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${intake.base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

const contactLabels = 'method="POST",route="/api/contact",status="500"';

describe('HERMES_FAULTS errorRate 1', () => {
  const intake = useIntake({ faults: { spec: spec('{"errorRate":1}') } });

  it('answers 500 fault_injected, stores nothing, and counts it as a 5xx', async () => {
    const response = await intake.post(validLead());
    expect(response.status).toBe(500);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('fault_injected');
    expect(body.error.message).toContain('nothing was stored');
    expect(await intake.counts()).toEqual({ leads: 0, outbox: 0, keys: 0 });
    expect(intake.committed.count).toBe(0);
    expect(await metric(intake, 'http_requests_total', contactLabels)).toBe(1);
    expect(await metric(intake, 'http_requests_errors_total', contactLabels)).toBe(1);
    expect(await metric(intake, 'http_request_duration_seconds_count', contactLabels)).toBe(1);
    expect(await metric(intake, 'hermes_faults_injected_total', 'fault="error"')).toBe(1);
    const text = await (await fetch(`${intake.base}/metrics`)).text();
    expect(text).toMatch(/^hermes_faults_active 1$/m);
  });

  it('leaves the other routes alone', async () => {
    expect((await fetch(`${intake.base}/`)).status).toBe(200);
    expect((await fetch(`${intake.base}/health/database`)).status).toBe(200);
  });

  it('warns once at start, listing the faults', () => {
    const warnings = intake.logs.filter((line) => line.includes('FAULT INJECTION ACTIVE'));
    expect(warnings).toHaveLength(1);
    const logged = JSON.parse(warnings[0] ?? '{}') as { level: number; faults: unknown };
    expect(logged.level).toBe(40);
    expect(logged.faults).toEqual({
      errorRate: 1,
      latencyMs: 0,
      routes: ['POST /api/contact'],
      startAfterMs: 0,
      failHealth: null,
    });
  });
});

describe('HERMES_FAULTS errorRate 0.3 with an injected random', () => {
  // 0.0, 0.1, ... 0.9 in turn: exactly 3 of every 10 draws are below 0.3.
  let draw = 0;
  const random = () => (draw++ % 10) / 10;
  const intake = useIntake({ faults: { spec: spec('{"errorRate":0.3}'), random } });

  it('fails exactly the drawn share, and every 201 is stored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) statuses.push((await intake.post(validLead())).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(6);
    expect(statuses.filter((s) => s === 201)).toHaveLength(14);
    expect(statuses.slice(0, 4)).toEqual([500, 500, 500, 201]);
    expect((await intake.counts()).leads).toBe(14);
    expect(await metric(intake, 'http_requests_errors_total', contactLabels)).toBe(6);
  });
});

describe('HERMES_FAULTS latencyMs', () => {
  const intake = useIntake({ faults: { spec: spec('{"latencyMs":300}') } });

  it('delays the route by at least the latency, and still commits', async () => {
    const started = performance.now();
    const response = await intake.post(validLead());
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    expect(response.status).toBe(201);
    expect((await intake.counts()).leads).toBe(1);
    expect(await metric(intake, 'hermes_faults_injected_total', 'fault="latency"')).toBe(1);
  });

  it('does not delay other routes', async () => {
    const started = performance.now();
    await fetch(`${intake.base}/health`);
    expect(performance.now() - started).toBeLessThan(300);
  });
});

describe('HERMES_FAULTS failHealth database', () => {
  const intake = useIntake({ faults: { spec: spec('{"failHealth":"database"}') } });

  it('answers /health/database 503 as a down database, while leads still commit', async () => {
    const health = await fetch(`${intake.base}/health/database`);
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('5');
    expect(await health.json()).toMatchObject({ status: 'unavailable', reason: 'fault_injected' });
    expect((await intake.post(validLead())).status).toBe(201);
    expect((await intake.counts()).leads).toBe(1);
    // /readyz keeps the truth: the release keeps its traffic, so the drill is seen.
    expect((await fetch(`${intake.base}/readyz`)).status).toBe(200);
  });
});

describe('HERMES_FAULTS failHealth n8n', () => {
  const intake = useIntake({ faults: { spec: spec('{"failHealth":"n8n","startAfterMs":400}') } });

  it('fails /health/n8n once the faults have begun', async () => {
    const before = (await (await fetch(`${intake.base}/health/n8n`)).json()) as { reasons?: string[] };
    expect(before.reasons ?? []).not.toContain('an injected fault (HERMES_FAULTS failHealth: n8n)');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const after = await fetch(`${intake.base}/health/n8n`);
    expect(after.status).toBe(503);
    const body = (await after.json()) as { status: string; reasons: string[] };
    expect(body.status).toBe('unavailable');
    expect(body.reasons).toContain('an injected fault (HERMES_FAULTS failHealth: n8n)');
  });
});

describe('HERMES_FAULTS startAfterMs', () => {
  const intake = useIntake({ faults: { spec: spec('{"errorRate":1,"startAfterMs":500}') } });

  it('commits leads until the faults begin, then fails them', async () => {
    expect((await intake.post(validLead())).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 550));
    expect((await intake.post(validLead())).status).toBe(500);
    expect((await intake.counts()).leads).toBe(1);
  });
});

describe('HERMES_FAULTS refused', () => {
  it('refuses a route the server does not have', async () => {
    await expect(
      startIntake({ faults: { spec: spec('{"errorRate":1,"routes":["POST /api/contacts"]}') } }),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      details: ['HERMES_FAULTS.routes: "POST /api/contacts" names no route of this server'],
    });
  });

  it('hermes serve refuses a malformed HERMES_FAULTS, naming the field', async () => {
    const result = await runCli(['serve'], {
      env: { HERMES_FAULTS: '{"errorRate":2}', DATABASE_URL: 'postgres://127.0.0.1:1/none' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HERMES_FAULTS.errorRate: expected number <= 1, got 2');
    expect(result.stderr).toContain('config_invalid');
  });

  it('hermes serve refuses faults in production, naming faults.allowInProduction', async () => {
    const result = await runCli(['serve'], {
      env: {
        HERMES_FAULTS: '{"errorRate":0.3}',
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://127.0.0.1:1/none',
      },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('HERMES_FAULTS refused in production');
    expect(result.stderr).toContain('faults.allowInProduction: true');
  });
});

describe('hermes serve with HERMES_FAULTS', () => {
  it('injects the faults of its environment and warns at start', async () => {
    const database = await createTestDatabase({ migrate: true });
    const serve = await startServe({
      DATABASE_URL: database.url,
      PORT: '0',
      HERMES_MIN_FILL_MS: '0',
      HERMES_DELIVERY_WORKER: 'off',
      HERMES_FAULTS: '{"errorRate":1}',
    });
    try {
      const response = await fetch(`${serve.url}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead()),
      });
      expect(response.status).toBe(500);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('fault_injected');
      const { rows } = await database.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM hermes_leads',
      );
      expect(rows[0]?.n).toBe(0);
      expect(serve.output()).toContain('FAULT INJECTION ACTIVE (HERMES_FAULTS)');
    } finally {
      serve.child.kill('SIGTERM');
      await once(serve.child, 'exit');
    }
  });
});

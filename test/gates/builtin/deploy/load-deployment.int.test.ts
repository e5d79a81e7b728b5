import { describe, expect, it } from 'vitest';
import { loadDeploymentGate } from '../../../../src/gates/builtin/deploy/load-deployment.ts';
import type { GateOutcome } from '../../../../src/gates/gate.ts';
import { judged } from '../../support/judged.ts';
import { gateContext } from '../support/gate-context.ts';
import { useReleaseStub } from './support/release-stub.ts';
import { hooksFor } from './support/step-hooks.ts';

// load.deployment against a real HTTP release in its own process (real prom-client metrics of
// its own heap), told to answer slowly, with errors, leaking memory or without /metrics.
const stub = useReleaseStub();
const gate = loadDeploymentGate(hooksFor(() => stub.url));

/** A 2 s load of 2 connections, memory read every 250 ms: enough readings, no long waits. */
function context(load: Record<string, unknown> = {}, gates: Record<string, unknown> = {}) {
  return gateContext({
    config: {
      gates: {
        ...gates,
        thresholds: {
          deploy: { load: { duration: '2s', connections: 2, memorySampleInterval: '250ms', ...load } },
        },
      },
    },
  });
}

const figure = (outcome: GateOutcome, name: string) => outcome.measurements?.find((m) => m.name === name);

describe('load.deployment', () => {
  it('passes a release that answers fast, without errors, its heap steady', async () => {
    await stub.behave({});
    const ctx = context();
    const outcome = await gate.run(ctx);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^\d+ requests in [\d.]+ s \([\d.]+ req\/s\), p50 [\d.]+ \/ p95 [\d.]+ \/ p99 [\d.]+ ms, 0 errors; heap [\d.]+ → [\d.]+ MB \([+-][\d.]+ MB trend over the run\), RSS [\d.]+ → [\d.]+ MB$/,
    );
    expect(
      judged(outcome).map(({ name, threshold, comparison, passed }) => ({
        name,
        threshold,
        comparison,
        passed,
      })),
    ).toEqual([
      { name: 'requests', threshold: 0, comparison: '>', passed: true },
      { name: 'latency p95', threshold: 500, comparison: '<=', passed: true },
      { name: 'errors', threshold: 0, comparison: '<=', passed: true },
      { name: 'memory readings', threshold: 3, comparison: '>=', passed: true },
      { name: 'heap growth over the run', threshold: 150, comparison: '<', passed: true },
    ]);
    // A reading now and every 250 ms of 2 s, and one at the end.
    expect(figure(outcome, 'memory readings')?.value).toBeGreaterThanOrEqual(6);
    for (const name of [
      'latency p50',
      'latency p99',
      'throughput',
      'heap used at start',
      'heap used at end',
      'heap slope',
      'resident memory at start',
      'resident memory at end',
    ])
      expect(figure(outcome, name), name).toBeDefined();
    expect(ctx.logs).toEqual([`loading ${stub.url} for 2.0 s with 2 connections`]);
  });

  it('sends the configured requests, each connection in turn, at the configured rate', async () => {
    await stub.behave({ failing: { '/health/database': { status: 503 } } });
    const outcome = await gate.run(
      context({ rate: 10, requests: [{ path: '/' }, { path: '/health/database' }] }),
    );
    // Half the requests went to the failing endpoint: the default requests include it too.
    const requests = figure(outcome, 'requests')?.value ?? 0;
    const non2xx = figure(outcome, 'non-2xx responses')?.value ?? 0;
    expect(non2xx).toBeGreaterThan(requests / 3);
    expect(non2xx).toBeLessThan(requests);
    // About 10 req/s for 2 s, not the thousands the stub answers unthrottled.
    expect(requests).toBeLessThan(100);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^\d+ errors \(limit 0\): \d+ non-2xx \(503 ×\d+\), 0 connection errors and timeouts — /,
    );
  });

  it('fails when the p95 latency is over the SLA', async () => {
    await stub.behave({ delayMs: 150 });
    const outcome = await gate.run(context({ p95Ms: 100 }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^p95 [\d.]+ ms over the 100 ms SLA — /);
    const p95 = judged(outcome).find((m) => m.name === 'latency p95');
    expect(p95).toMatchObject({ threshold: 100, passed: false });
    expect(p95?.value).toBeGreaterThanOrEqual(150);
  });

  it('fails on errors: answers of 500 count', async () => {
    await stub.behave({ status: 500 });
    const outcome = await gate.run(context({ requests: [{ path: '/' }] }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^\d+ errors \(limit 0\): \d+ non-2xx \(500 ×\d+\), 0 connection errors and timeouts — /,
    );
    const rows = outcome.evidence?.find((e) => e.title === 'answers by status')?.content;
    expect(rows).toEqual([{ status: '500', count: figure(outcome, 'requests')?.value }]);
  });

  it('allows errors up to maxErrors', async () => {
    await stub.behave({ status: 500 });
    const outcome = await gate.run(context({ maxErrors: 1_000_000, requests: [{ path: '/' }] }));
    expect(outcome.status, outcome.summary).toBe('pass');
  });

  it('fails on a heap that climbs through the run: a memory leak', async () => {
    await stub.behave({ leakMbPerSecond: 60 });
    const outcome = await gate.run(context({ maxHeapGrowthMb: 50 }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^heap grew [\d.]+ MB over the run \(limit < 50 MB\): a memory leak — /);
    const growth = judged(outcome).find((m) => m.name === 'heap growth over the run');
    expect(growth?.passed).toBe(false);
    expect(growth?.value).toBeGreaterThan(50);
    expect(figure(outcome, 'heap slope')?.value).toBeGreaterThan(25);
  });

  it('does not pass on too few memory readings: no data, as the no-data policy says', async () => {
    await stub.behave({ noMetrics: true });
    const outcome = await gate.run(context());
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toMatch(
      /^no data: 0 heap readings of \/metrics during the load, 3 at different moments needed to judge memory; last: \/metrics answered 404 — \d+ requests/,
    );
    expect(outcome.reason).toContain('(no-data policy: warn)');
    expect(judged(outcome).find((m) => m.name === 'memory readings')).toMatchObject({
      value: 0,
      passed: false,
    });

    const strict = await gate.run(context({}, { overrides: { 'load.deployment': { noData: 'error' } } }));
    expect(strict.status).toBe('error');
  });

  it('fails, not no-data, when the load failed too', async () => {
    await stub.behave({ noMetrics: true, status: 503 });
    const outcome = await gate.run(context());
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('memory not judged (0 heap readings)');
  });

  it('fails when no request is answered', async () => {
    await stub.behave({ failing: { '/': { drop: true } } });
    const outcome = await gate.run(context({ requests: [{ path: '/' }] }));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/^no request was answered/);
    expect(figure(outcome, 'latency p95')).toBeUndefined();
  });

  it('stops the load when the run is cancelled', async () => {
    await stub.behave({});
    const abort = new AbortController();
    const ctx = { ...context({ duration: '30s' }), signal: abort.signal };
    const started = performance.now();
    setTimeout(() => abort.abort(new Error('the gate timed out')), 500);
    const outcome = await gate.run(ctx);
    expect(outcome).toMatchObject({ status: 'error', summary: 'the load did not finish' });
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('is an error when there is no release to load', async () => {
    const none = loadDeploymentGate({
      releaseUrl: () => Promise.reject(new Error('no live release of the local target')),
      record: () => Promise.resolve(),
    });
    expect(await none.run(context())).toEqual({
      status: 'error',
      summary: 'no release to load',
      reason: 'no live release of the local target',
    });
  });
});

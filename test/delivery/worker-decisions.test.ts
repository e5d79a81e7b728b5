import { describe, expect, it } from 'vitest';
import type { AttemptOutcome } from '../../src/delivery/attempt-outcome.ts';
import { shouldReleaseBacklog, type ReleaseFacts } from '../../src/delivery/backlog-release.ts';
import { checkLeaseOutlastsTimeout } from '../../src/delivery/check-lease.ts';
import { decideAttemptResult } from '../../src/delivery/decide-attempt-result.ts';
import {
  claimLimit,
  firstDatabaseBackoffMs,
  minimumClaim,
  nextDatabaseBackoffMs,
  openCircuitWaitMs,
  persistRetryMs,
  shouldProbeIdle,
} from '../../src/delivery/worker-pacing.ts';
import { HermesError } from '../../src/errors/hermes-error.ts';

describe('the result of an attempt', () => {
  const policy = { retrySchedule: [5_000, 300_000], jitter: 0 };
  const failures: readonly AttemptOutcome[] = [
    'webhook_not_registered',
    'auth_rejected',
    'rate_limited',
    'server_error',
    'http_error',
    'timeout',
    'connection_error',
  ];

  it('is delivered when n8n accepted the lead, even on a probe of a row not due', () => {
    for (const due of [true, false]) {
      expect(decideAttemptResult({ outcome: 'delivered', due, attempt: 1 }, policy)).toEqual({
        result: 'delivered',
        retryInMs: null,
      });
    }
  });

  it('is a dead letter at once on 413: the same body will be too large next time too', () => {
    for (const due of [true, false]) {
      expect(decideAttemptResult({ outcome: 'payload_too_large', due, attempt: 1 }, policy)).toEqual({
        result: 'dead',
        retryInMs: null,
      });
    }
  });

  it.each(failures)('retries a due row after %s on the schedule, then dead-letters it', (outcome) => {
    expect(decideAttemptResult({ outcome, due: true, attempt: 1 }, policy)).toEqual({
      result: 'retry',
      retryInMs: 5_000,
    });
    expect(decideAttemptResult({ outcome, due: true, attempt: 2 }, policy)).toEqual({
      result: 'retry',
      retryInMs: 300_000,
    });
    expect(decideAttemptResult({ outcome, due: true, attempt: 3 }, policy)).toEqual({
      result: 'dead',
      retryInMs: null,
    });
  });

  it.each(failures)('leaves a probed row that was not due on its schedule after %s', (outcome) => {
    // Even past the schedule's end: a probe is not one of the row's attempts.
    for (const attempt of [1, 9]) {
      expect(decideAttemptResult({ outcome, due: false, attempt }, policy)).toEqual({
        result: 'probe_failed',
        retryInMs: null,
      });
    }
  });

  it('randomises the retry by the jitter', () => {
    const jittered = { retrySchedule: [10_000], jitter: 0.5 };
    const facts = { outcome: 'timeout' as const, due: true, attempt: 1 };
    expect(decideAttemptResult(facts, jittered, () => 0).retryInMs).toBe(5_000);
    expect(decideAttemptResult(facts, jittered, () => 1).retryInMs).toBe(15_000);
  });
});

describe('releasing the backlog after a success', () => {
  const quiet: ReleaseFacts = {
    circuitClosed: false,
    failuresBefore: 0,
    probe: false,
    msSinceLastRelease: Number.POSITIVE_INFINITY,
    minIntervalMs: 60_000,
  };

  it('does not release on a success in a run of successes', () => {
    expect(shouldReleaseBacklog(quiet)).toBe(false);
  });

  it('always releases when the success closed the circuit', () => {
    expect(shouldReleaseBacklog({ ...quiet, circuitClosed: true, msSinceLastRelease: 0 })).toBe(true);
  });

  it('releases when a success ends a failure streak too short to open the circuit, or a probe succeeds', () => {
    expect(shouldReleaseBacklog({ ...quiet, failuresBefore: 1 })).toBe(true);
    expect(shouldReleaseBacklog({ ...quiet, probe: true })).toBe(true);
  });

  it('outside a circuit close, releases at most once per interval (a flapping n8n)', () => {
    const flapping = { ...quiet, failuresBefore: 2, msSinceLastRelease: 59_999 };
    expect(shouldReleaseBacklog(flapping)).toBe(false);
    expect(shouldReleaseBacklog({ ...flapping, probe: true })).toBe(false);
    expect(shouldReleaseBacklog({ ...flapping, msSinceLastRelease: 60_000 })).toBe(true);
  });
});

describe("the worker's pacing", () => {
  it('claims for a quarter of its slots at least, within 1..batchSize', () => {
    expect(minimumClaim(16, 100)).toBe(4);
    expect(minimumClaim(3, 100)).toBe(1);
    expect(minimumClaim(400, 50)).toBe(50);
  });

  it('claims the free slots up to a batch, or waits while too few are free', () => {
    const slots = { concurrency: 16, batchSize: 10, minimum: 4 };
    expect(claimLimit({ ...slots, inflight: 0 })).toBe(10);
    expect(claimLimit({ ...slots, inflight: 10 })).toBe(6);
    expect(claimLimit({ ...slots, inflight: 12 })).toBe(4);
    expect(claimLimit({ ...slots, inflight: 13 })).toBeNull();
  });

  it('probes when idle and out of contact with n8n for the interval', () => {
    const idle = { claimed: 0, inflight: 0, msSinceContact: 60_000, intervalMs: 60_000 };
    expect(shouldProbeIdle(idle)).toBe(true);
    expect(shouldProbeIdle({ ...idle, msSinceContact: 59_999 })).toBe(false);
    expect(shouldProbeIdle({ ...idle, claimed: 1 })).toBe(false);
    expect(shouldProbeIdle({ ...idle, inflight: 1 })).toBe(false);
  });

  it('sleeps on an open circuit until the probe, at most a poll interval, never 0 ms', () => {
    expect(openCircuitWaitMs(300, 1_000)).toBe(300);
    expect(openCircuitWaitMs(30_000, 1_000)).toBe(1_000);
    expect(openCircuitWaitMs(0, 1_000)).toBe(1);
  });

  it('backs off from an unreachable database by doubling up to 5 s', () => {
    const waits = [firstDatabaseBackoffMs];
    for (let i = 0; i < 8; i += 1) waits.push(nextDatabaseBackoffMs(waits.at(-1) ?? 0));
    expect(waits).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
  });

  it("retries writing an attempt's result through a lost connection while the lease lasts", () => {
    expect(persistRetryMs(undefined, true, 10_000)).toBe(100);
    expect(persistRetryMs(100, true, 10_000)).toBe(200);
    expect(persistRetryMs(1_600, true, 10_000)).toBe(2_000);
    expect(persistRetryMs(2_000, true, 10_000)).toBe(2_000);
    expect(persistRetryMs(100, true, 200)).toBe(200);
    expect(persistRetryMs(100, true, 199)).toBeNull();
    // Any other failure (the database refused the row): no retry.
    expect(persistRetryMs(undefined, false, 10_000)).toBeNull();
  });
});

describe("the worker's lease", () => {
  it("must be longer than n8n's timeout, or a slow delivery is sent twice", () => {
    expect(() => checkLeaseOutlastsTimeout(10_001, 10_000)).not.toThrow();
    for (const lease of [10_000, 5_000]) {
      let thrown: unknown;
      try {
        checkLeaseOutlastsTimeout(lease, 10_000);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(HermesError);
      expect(thrown).toMatchObject({ code: 'delivery_lease_too_short', exitCode: 2 });
      expect((thrown as Error).message).toContain(`delivery.lease (${String(lease)} ms)`);
    }
  });
});

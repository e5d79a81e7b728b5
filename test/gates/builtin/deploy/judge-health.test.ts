import { describe, expect, it } from 'vitest';
import { bodyExcerpt } from '../../../../src/gates/builtin/deploy/body-excerpt.ts';
import { judgeHealth } from '../../../../src/gates/builtin/deploy/judge-health.ts';
import type { EndpointProbe } from '../../../../src/gates/builtin/deploy/poll-endpoint.ts';
import { judged } from '../../support/judged.ts';

function probe(endpoint: string, overrides: Partial<EndpointProbe> = {}): EndpointProbe {
  return {
    endpoint,
    ok: true,
    elapsedMs: 12,
    attempts: 1,
    lastStatus: 200,
    lastBody: '{"status":"ok"}',
    lastError: null,
    ...overrides,
  };
}

const down = (endpoint: string, overrides: Partial<EndpointProbe> = {}) =>
  probe(endpoint, {
    ok: false,
    elapsedMs: 60_000,
    attempts: 60,
    lastStatus: 503,
    lastBody: '{"status":"down"}',
    ...overrides,
  });

describe('judgeHealth', () => {
  it('passes when every endpoint answered 200, with the time each took', () => {
    const outcome = judgeHealth(
      [probe('/health'), probe('/readyz', { elapsedMs: 2_400, attempts: 3 })],
      60_000,
    );
    expect(outcome.status).toBe('pass');
    expect(outcome.summary).toBe('2 endpoints answered 200: /health 12 ms, /readyz 2.4 s');
    expect(outcome.measurements).toEqual([
      {
        name: '/health: last status',
        value: 200,
        unit: 'code',
        threshold: 200,
        comparison: '==',
        passed: true,
      },
      { name: '/health: time to 200', value: 12, unit: 'ms' },
      { name: '/health: requests', value: 1, unit: 'count' },
      {
        name: '/readyz: last status',
        value: 200,
        unit: 'code',
        threshold: 200,
        comparison: '==',
        passed: true,
      },
      { name: '/readyz: time to 200', value: 2_400, unit: 'ms' },
      { name: '/readyz: requests', value: 3, unit: 'count' },
    ]);
  });

  it('fails naming each endpoint that never answered 200 with its last status and body, or its error', () => {
    const outcome = judgeHealth(
      [
        probe('/health'),
        down('/health/n8n'),
        down('/health/database', {
          lastStatus: null,
          lastBody: null,
          lastError: 'connect ECONNREFUSED 10.0.0.5:8081',
        }),
        down('/readyz', { lastBody: '' }),
        down('/other', { lastStatus: null, lastBody: null, lastError: null }),
      ],
      60_000,
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      '4 of 5 endpoints never answered 200 within 1 min 0 s: /health/n8n (last: 503 {"status":"down"}); /health/database (last: connect ECONNREFUSED 10.0.0.5:8081); /readyz (last: 503); /other (last: no answer)',
    );
    expect(judged(outcome).map((m) => [m.name, m.value, m.passed])).toEqual([
      ['/health: last status', 200, true],
      ['/health/n8n: last status', 503, false],
      ['/health/database: last status', 0, false],
      ['/readyz: last status', 503, false],
      ['/other: last status', 0, false],
    ]);
    expect(outcome.measurements).toContainEqual({
      name: '/health/n8n: polled for',
      value: 60_000,
      unit: 'ms',
    });
    expect(outcome.evidence?.[0]?.content).toContainEqual({
      endpoint: '/health/database',
      'answered 200': false,
      ms: 60_000,
      requests: 60,
      'last status': null,
      'last body': null,
      error: 'connect ECONNREFUSED 10.0.0.5:8081',
    });
  });

  it('lists at most four culprits in the summary, every one in the evidence', () => {
    const endpoints = ['/a', '/b', '/c', '/d', '/e', '/f'];
    const outcome = judgeHealth(
      endpoints.map((e) => down(e)),
      1_000,
    );
    expect(outcome.summary).toMatch(/^6 of 6 endpoints never answered 200 within 1\.0 s: .* and 2 more$/);
    expect(outcome.evidence?.[0]?.content).toHaveLength(6);
  });
});

describe('bodyExcerpt', () => {
  it('masks secret-named keys and URL credentials of a JSON answer', () => {
    const body = JSON.stringify({
      status: 'down',
      n8n: { url: 'https://user:pw@n8n.example/webhook/x?token=abc', apiKey: 'k-123' },
    });
    expect(bodyExcerpt(body)).toBe(
      '{"status":"down","n8n":{"url":"https://user:redacted@n8n.example/webhook/x?token=redacted","apiKey":"[redacted]"}}',
    );
  });

  it('masks URL credentials in text that is not JSON, its blanks folded', () => {
    const body = 'Bad gateway\n  upstream postgres://app:pw@db:5432/x\n'; // secretlint-disable-line -- a fake credential: the test proves it is masked
    const masked = 'Bad gateway upstream postgres://app:redacted@db:5432/x'; // secretlint-disable-line -- the masked form
    expect(bodyExcerpt(body)).toBe(masked);
  });

  it('cuts a long answer to an excerpt', () => {
    const excerpt = bodyExcerpt('x'.repeat(5_000));
    expect(excerpt).toBe(`${'x'.repeat(200)}…`);
    expect(bodyExcerpt('')).toBe('');
  });
});

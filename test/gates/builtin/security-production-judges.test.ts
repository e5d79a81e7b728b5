import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.ts';
import { adminProbeRoutes } from '../../../src/gates/builtin/security/production/admin-routes.ts';
import { judgeProduction } from '../../../src/gates/builtin/security/production/finding.ts';
import { corpusMarkers, inputCorpus } from '../../../src/gates/builtin/security/production/input-corpus.ts';
import { judgeAuth, type AuthProbe } from '../../../src/gates/builtin/security/production/judge-auth.ts';
import { judgeHeaders } from '../../../src/gates/builtin/security/production/judge-headers.ts';
import { judgeInput } from '../../../src/gates/builtin/security/production/judge-input.ts';
import {
  hstsMaxAge,
  judgePlainHttp,
  judgeTls,
  type TlsProbe,
} from '../../../src/gates/builtin/security/production/judge-tls.ts';
import {
  dependencyFindings,
  judgeVulnerabilities,
  type DependencyResult,
} from '../../../src/gates/builtin/security/production/judge-vulnerabilities.ts';

const tlsSettings = {
  minTlsVersion: 'TLSv1.2',
  certExpiryDays: 14,
  hstsMinAgeSeconds: 15_552_000,
  requireHttps: false,
};
const now = new Date('2026-12-03T12:00:00Z');
const goodProbe: TlsProbe = {
  protocol: 'TLSv1.3',
  authorized: true,
  authorizationError: null,
  validTo: new Date('2027-06-01T00:00:00Z'),
  failure: null,
};
const hsts = 'max-age=31536000; includeSubDomains';
const levels = (r: { findings: readonly { level: string }[] }) => r.findings.map((f) => f.level);

describe('judgeTls', () => {
  it('passes a modern, trusted, long-valid certificate with HSTS', () => {
    expect(levels(judgeTls(goodProbe, hsts, tlsSettings, now))).toEqual(['pass', 'pass', 'pass', 'pass']);
  });
  it('fails an old protocol, an untrusted chain, a near expiry and a short HSTS, naming each', () => {
    const result = judgeTls(
      {
        ...goodProbe,
        protocol: 'TLSv1.1',
        authorized: false,
        authorizationError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        validTo: new Date('2026-12-06T12:00:00Z'),
      },
      'max-age=300',
      tlsSettings,
      now,
    );
    const texts = result.findings.map((f) => f.text);
    expect(levels(result)).toEqual(['fail', 'fail', 'fail', 'fail']);
    expect(texts[0]).toContain('TLSv1.1');
    expect(texts[1]).toContain('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(texts[2]).toContain('expires in 3 days');
    expect(texts[3]).toContain('max-age=300');
  });
  it('fails an expired certificate, a missing HSTS header and no handshake', () => {
    const expired = judgeTls(
      { ...goodProbe, validTo: new Date('2026-01-01T00:00:00Z') },
      null,
      tlsSettings,
      now,
    );
    expect(expired.findings[2]?.text).toContain('expired');
    expect(expired.findings[3]?.text).toContain('no Strict-Transport-Security');
    expect(
      levels(judgeTls({ ...goodProbe, protocol: null, failure: 'ECONNREFUSED' }, hsts, tlsSettings, now)),
    ).toEqual(['fail']);
  });
  it('reads max-age', () => {
    expect(hstsMaxAge('max-age=63072000; preload')).toBe(63_072_000);
    expect(hstsMaxAge('includeSubDomains')).toBeNull();
    expect(hstsMaxAge(null)).toBeNull();
  });
});

describe('judgePlainHttp', () => {
  it('never passes silently: a note on loopback, a warning elsewhere, a failure with requireHttps', () => {
    expect(levels(judgePlainHttp('127.0.0.1', tlsSettings))).toEqual(['note']);
    expect(levels(judgePlainHttp('hermes.example.com', tlsSettings))).toEqual(['warn']);
    expect(judgePlainHttp('hermes.example.com', tlsSettings).findings[0]?.text).toBe(
      'served over plain HTTP: TLS not judged',
    );
    expect(levels(judgePlainHttp('127.0.0.1', { requireHttps: true }))).toEqual(['fail']);
  });
});

describe('judgeHeaders', () => {
  const required = [
    'Content-Security-Policy',
    'X-Content-Type-Options',
    'X-Frame-Options',
    'Referrer-Policy',
  ];
  const from = (headers: Record<string, string>) => (name: string) => headers[name.toLowerCase()] ?? null;
  const all = {
    'content-security-policy': "default-src 'self'",
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
  };
  it('passes the full set', () => {
    expect(judgeHeaders(required, from(all), 'GET /').findings.every((f) => f.level === 'pass')).toBe(true);
  });
  it('fails a missing header naming it', () => {
    const { ['referrer-policy']: _, ...rest } = all;
    const result = judgeHeaders(required, from(rest), 'GET /');
    expect(result.findings.filter((f) => f.level === 'fail').map((f) => f.text)).toEqual([
      'Referrer-Policy missing on GET /',
    ]);
  });
  it('takes CSP frame-ancestors for X-Frame-Options, and refuses a wrong nosniff or ALLOW-FROM', () => {
    const { ['x-frame-options']: _, ...noXfo } = all;
    expect(
      judgeHeaders(
        required,
        from({ ...noXfo, 'content-security-policy': "frame-ancestors 'none'" }),
        'GET /',
      ).findings.every((f) => f.level === 'pass'),
    ).toBe(true);
    const bad = judgeHeaders(
      required,
      from({ ...all, 'x-content-type-options': 'sniff', 'x-frame-options': 'ALLOW-FROM x' }),
      'GET /',
    );
    expect(bad.findings.filter((f) => f.level === 'fail')).toHaveLength(2);
  });
});

describe('adminProbeRoutes', () => {
  it('derives every admin route from the route table, with a placeholder for path parameters', () => {
    const routes = adminProbeRoutes(configSchema.parse({}).intake);
    expect(routes.length).toBeGreaterThanOrEqual(8);
    expect(routes.every((r) => r.route.startsWith('/api/admin/'))).toBe(true);
    expect(routes).toContainEqual({
      method: 'GET',
      route: '/api/admin/leads/:leadId',
      path: '/api/admin/leads/HS-00000000-000000',
    });
    expect(routes).toContainEqual({
      method: 'POST',
      route: '/api/admin/gdpr/erase',
      path: '/api/admin/gdpr/erase',
    });
  });
});

describe('judgeAuth', () => {
  const probe = (status: number | null, route = '/api/admin/retention'): AuthProbe => ({
    method: 'POST',
    route,
    attempt: 'no Authorization',
    status,
  });
  it('passes 401s, counts a 429 after a 401 as refused and reports it', () => {
    const result = judgeAuth([probe(401), probe(429)], []);
    expect(levels(result)).toEqual(['pass', 'note']);
    expect(result.measurements.find((m) => m.name === 'admin requests answered 429')?.value).toBe(1);
  });
  it('fails a route answering 200 and a 429 with no 401 before it, naming the route and status', () => {
    const result = judgeAuth([probe(200, '/api/admin/deliveries')], []);
    expect(result.findings[0]).toEqual({
      level: 'fail',
      text: 'POST /api/admin/deliveries with no Authorization answered 200, not 401',
    });
    expect(levels(judgeAuth([probe(429)], []))).toEqual(['fail']);
  });
  it('notes the probes the budget held back', () => {
    const result = judgeAuth([probe(401)], ['GET /api/admin/x with a wrong Bearer key']);
    expect(result.findings[1]).toEqual({
      level: 'note',
      text: "not sent, to stay within the admin guard's refused-attempts budget of this address: GET /api/admin/x with a wrong Bearer key",
    });
  });
});

describe('inputCorpus and judgeInput', () => {
  it('marks every case with the reserved-domain email or the run name', () => {
    const markers = corpusMarkers();
    expect(markers.email).toMatch(/^e2e-scan-[0-9a-f]{12}@deployment-test\.invalid$/);
    expect(markers.firstName).toMatch(/^Scanprobe[a-z]+$/);
    const corpus = inputCorpus(markers, 1_000);
    expect(corpus.length).toBeGreaterThanOrEqual(10);
    for (const item of corpus) expect(item.body.includes(markers.firstName)).toBe(true);
    expect(corpus.find((c) => c.name.startsWith('oversized'))?.body.length).toBeGreaterThan(1_000);
  });
  it('passes all 4xx with nothing stored; fails a 201, a 500 and a stored row; warns when only rate-limited', () => {
    expect(
      levels(
        judgeInput(
          [
            { name: 'a', status: 400 },
            { name: 'b', status: 429 },
          ],
          0,
        ),
      ),
    ).toEqual(['note', 'pass']);
    const bad = judgeInput(
      [
        { name: 'bad email', status: 201 },
        { name: 'b', status: 500 },
      ],
      1,
    );
    expect(bad.findings.map((f) => f.text)).toEqual([
      'bad email answered 201, not 4xx',
      'b answered 500, not 4xx',
      '1 row stored from the malformed submissions',
    ]);
    expect(levels(judgeInput([{ name: 'a', status: 429 }], 0))).toEqual(['warn']);
    expect(levels(judgeInput([{ name: 'a', status: 400 }], null, 'no database'))).toEqual(['warn']);
  });
});

function depResult(runId: string, rows: Record<string, unknown>[], consulted = true): DependencyResult {
  return {
    runId,
    startedAt: new Date('2026-12-01T00:00:00Z'),
    outcomeStatus: consulted ? 'pass' : 'error',
    evidence: consulted
      ? [
          { kind: 'text', title: 'advisory source', content: 'npm audit' },
          { kind: 'rows', title: 'vulnerabilities', content: rows },
        ]
      : [],
  };
}

const scope = {
  subject: 'deployment 2',
  against: 'deployment 1',
  noPrevious: 'deployment 2 is the first recorded deployment',
};

describe('judgeVulnerabilities', () => {
  const high = { id: 'GHSA-aaaa', package: 'left-pad', version: '1.0.0', severity: 'high', title: 't' };
  const medium = { id: 'GHSA-mmmm', package: 'm', version: '1.0.0', severity: 'medium', title: 't' };
  it('extracts high, critical and unknown ids', () => {
    expect(
      dependencyFindings(depResult('r', [high, medium, { ...high, id: 'GHSA-u', severity: 'unknown' }]))
        .blocking,
    ).toEqual(['GHSA-aaaa (left-pad)', 'GHSA-u (left-pad)']);
  });
  it('fails a high advisory new since the previous result, naming it; passes one already there', () => {
    const fail = judgeVulnerabilities(depResult('now', [high, medium]), depResult('before', [medium]), scope);
    expect(fail.findings[0]).toEqual({
      level: 'fail',
      text: '1 new high/critical vulnerability: GHSA-aaaa (left-pad)',
    });
    expect(
      levels(judgeVulnerabilities(depResult('now', [high]), depResult('before', [high]), scope)),
    ).toEqual(['pass']);
  });
  it('warns, never passes, with nothing to compare', () => {
    expect(judgeVulnerabilities(null, null, scope).findings).toEqual([
      { level: 'warn', text: 'no recorded security.dependencies result for deployment 2' },
    ]);
    expect(judgeVulnerabilities(depResult('now', []), null, scope).findings).toEqual([
      {
        level: 'warn',
        text: 'no earlier security.dependencies result to compare with: deployment 2 is the first recorded deployment',
      },
    ]);
    expect(levels(judgeVulnerabilities(depResult('now', [], false), depResult('b', []), scope))).toEqual([
      'warn',
    ]);
  });
});

describe('judgeProduction', () => {
  const r = (criterion: string, level: 'pass' | 'note' | 'warn' | 'fail', text: string) => ({
    criterion,
    findings: [{ level, text }],
    measurements: [],
  });
  it('fails on any failure, naming failures first; warns when one was not judged; passes with notes', () => {
    const out = judgeProduction([r('a', 'warn', 'w'), r('b', 'fail', 'f')]);
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('b: f; a: w');
    expect(judgeProduction([r('a', 'warn', 'w'), r('b', 'pass', 'p')]).status).toBe('warn');
    expect(judgeProduction([r('a', 'note', 'n'), r('b', 'pass', 'p')]).status).toBe('pass');
  });
});

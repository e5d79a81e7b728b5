import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependenciesGate } from '../../../src/gates/builtin/security/dependencies.ts';
import { fixturesDir, gateContext, makeProject } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

const security = join(fixturesDir, 'security');
const lockfile = (name: string) => join(security, 'lockfiles', name);
const osvOnly = (allowlist?: string) => ({
  gates: {
    thresholds: {
      security: {
        dependencies: {
          source: 'osv',
          osvDir: join(security, 'osv'),
          ...(allowlist === undefined ? {} : { allowlist }),
        },
      },
    },
  },
});
/** The judged rows of a run: critical and high against their maxima, undocumented mediums against 0. */
const counted = (critical: number, high: number, undocumented: number, maxHigh = 0) => [
  { name: 'critical', value: critical, threshold: 0, comparison: '<=', passed: critical <= 0 },
  { name: 'high', value: high, threshold: maxHigh, comparison: '<=', passed: high <= maxHigh },
  {
    name: 'medium not documented',
    value: undocumented,
    threshold: 0,
    comparison: '==',
    passed: undocumented === 0,
  },
];
const daysFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('security.dependencies with the offline OSV database', () => {
  it('passes a lockfile without known vulnerabilities', async () => {
    const outcome = await dependenciesGate.run(gateContext({ cwd: lockfile('clean'), config: osvOnly() }));
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^no critical or high vulnerabilities, 0 mediums documented \(OSV database/,
    );
    expect(judged(outcome)).toEqual(counted(0, 0, 0));
  });

  it('fails naming a high vulnerability', async () => {
    const outcome = await dependenciesGate.run(
      gateContext({ cwd: lockfile('vulnerable'), config: osvOnly() }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe('0 critical, 1 high: GHSA-p6mc-m468-83gw (lodash@4.17.15)');
    // lodash 4.17.15 also carries the undocumented medium; the high alone decides the failure.
    expect(judged(outcome)).toEqual(counted(0, 1, 1));
  });

  it('does not fail on the same high vulnerability when maxHigh allows one', async () => {
    const config = osvOnly();
    const outcome = await dependenciesGate.run(
      gateContext({
        cwd: lockfile('vulnerable'),
        config: {
          gates: {
            thresholds: {
              security: { dependencies: { ...config.gates.thresholds.security.dependencies, maxHigh: 1 } },
            },
          },
        },
      }),
    );
    // Only the undocumented medium is left to report.
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toMatch(/^1 medium vulnerability not documented/);
    expect(judged(outcome)).toEqual(counted(0, 1, 1, 1));
  });

  it('warns about a medium vulnerability missing from the allow-list', async () => {
    const outcome = await dependenciesGate.run(
      gateContext({ cwd: lockfile('medium-only'), config: osvOnly() }),
    );
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('GHSA-29mw-wpgm-hmr9 (lodash@4.17.20), not in the allow-list');
    expect(judged(outcome)).toEqual(counted(0, 0, 1));
  });

  it('passes a medium vulnerability documented in the allow-list, and warns once the entry expired', async () => {
    const entry = (expires: string) =>
      `- id: GHSA-29mw-wpgm-hmr9\n  package: lodash\n  reason: only build tooling calls the affected function\n  expires: ${expires}\n`;
    const current = makeProject({ 'allow.yaml': entry(daysFromNow(30)) });
    const expired = makeProject({ 'allow.yaml': entry(daysFromNow(-1)) });
    const documented = await dependenciesGate.run(
      gateContext({ cwd: lockfile('medium-only'), config: osvOnly(join(current.dir, 'allow.yaml')) }),
    );
    const lapsed = await dependenciesGate.run(
      gateContext({ cwd: lockfile('medium-only'), config: osvOnly(join(expired.dir, 'allow.yaml')) }),
    );
    current.remove();
    expired.remove();
    expect(documented.status, documented.summary).toBe('pass');
    expect(documented.summary).toMatch(/1 medium documented/);
    expect(judged(documented)).toEqual(counted(0, 0, 0));
    expect(lapsed.status).toBe('warn');
    expect(lapsed.summary).toContain(`allow-list entry expired ${daysFromNow(-1)}`);
    expect(judged(lapsed)).toEqual(counted(0, 0, 1));
  });

  it('is an error naming the field of an invalid allow-list', async () => {
    const bad = makeProject({ 'allow.yaml': '- id: GHSA-29mw-wpgm-hmr9\n  reason: ok\n' });
    const outcome = await dependenciesGate.run(
      gateContext({ cwd: lockfile('medium-only'), config: osvOnly(join(bad.dir, 'allow.yaml')) }),
    );
    bad.remove();
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toContain('0.reason: expected a reason of at least 10 characters');
    expect(outcome.reason).toContain('0.expires');
  });

  it('is an error, never a pass, when no advisory source can be consulted', async () => {
    const outcome = await dependenciesGate.run(
      gateContext({
        cwd: lockfile('clean'),
        env: { npm_config_registry: 'http://127.0.0.1:1/' },
        config: {
          gates: {
            thresholds: { security: { dependencies: { osvDir: 'no/such/dir', auditTimeoutMs: 30_000 } } },
          },
        },
      }),
    );
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/^npm audit: .*; no OSV database at no\/such\/dir$/);
  });
});

describe('security.dependencies with npm audit', () => {
  // A registry on the loopback that answers npm's bulk advisory request as the public one does.
  let registry: Server;
  let registryUrl: string;
  beforeAll(async () => {
    registry = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.method === 'POST' && req.url?.endsWith('/-/npm/v1/security/advisories/bulk')) {
          res.setHeader('content-type', 'application/json');
          res.end(
            JSON.stringify({
              lodash: [
                {
                  id: 1523,
                  url: 'https://github.com/advisories/GHSA-p6mc-m468-83gw',
                  title: 'Prototype Pollution in lodash',
                  severity: 'high',
                  vulnerable_versions: '>=3.7.0 <4.17.19',
                  cwe: ['CWE-770'],
                  cvss: { score: 7.4, vectorString: null },
                },
              ],
            }),
          );
          return;
        }
        res.statusCode = 404;
        res.end('{}');
      });
    });
    registry.listen(0, '127.0.0.1');
    await once(registry, 'listening');
    registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
  });
  afterAll(() => {
    registry.close();
  });

  it('fails naming the high vulnerability npm audit reports', async () => {
    const outcome = await dependenciesGate.run(
      gateContext({
        cwd: lockfile('vulnerable'),
        env: { npm_config_registry: registryUrl },
        config: { gates: { thresholds: { security: { dependencies: { source: 'npm-audit' } } } } },
      }),
    );
    expect(outcome.status, outcome.reason).toBe('fail');
    expect(outcome.summary).toBe('0 critical, 1 high: GHSA-p6mc-m468-83gw (lodash@4.17.15)');
    expect(outcome.evidence?.[0]?.content).toBe('npm audit');
    expect(judged(outcome)).toEqual(counted(0, 1, 0));
  });
});

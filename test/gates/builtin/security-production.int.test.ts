import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { securityProductionGate } from '../../../src/gates/builtin/security/production/production.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { startServe, type ServeProcess } from '../../support/serve-process.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';

// security.production against a real release (`hermes serve` on a migrated database), each fault
// planted by a proxy in front of it; TLS by an https proxy with a throwaway CA made by openssl.

// The release's admin guard would lock 127.0.0.1 out after 10 refusals per 15 minutes, and this
// file scans it many times: both the release and the gate are given a larger budget.
// The https proxy says X-Forwarded-Proto: https, which the release honours from a trusted proxy (HSTS).
const hermesYaml = 'admin:\n  rateLimit:\n    refusedMax: 100000\nserver:\n  trustProxy: 1\n';

let db: TestDatabase;
let release: ServeProcess;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hermes-security-production-'));
  writeFileSync(join(dir, 'hermes.yaml'), hermesYaml);
  db = await createTestDatabase({ migrate: true });
  release = await startServe({
    DATABASE_URL: db.url,
    PORT: '0',
    LOG_LEVEL: 'warn',
    HERMES_CONFIG: join(dir, 'hermes.yaml'),
    HERMES_RATE_LIMIT: 'off',
  });
}, 60_000);
afterAll(async () => {
  release.child.kill('SIGTERM');
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.pool.query('DELETE FROM hermes_ops.gate_runs');
  await db.pool.query('DELETE FROM hermes_ops.deployments');
});

function run(
  url: string,
  production: Record<string, unknown> = {},
  refusedMax = 100_000,
): Promise<GateOutcome> {
  const ctx = gateContext({
    databaseUrl: db.url,
    config: {
      admin: { rateLimit: { refusedMax } },
      gates: { thresholds: { security: { production } } },
    },
  });
  return securityProductionGate.run({ ...ctx, releaseUrl: url });
}

interface Rows {
  id: string;
  severity: string;
  package?: string;
}

/** A security.dependencies result as record-gate-run.ts stores it, in a run of its own. */
async function recordDependencies(
  startedAt: string,
  vulnerabilities: Rows[],
  options: { deploymentId?: string; consulted?: boolean } = {},
): Promise<void> {
  const runId = randomUUID();
  const consulted = options.consulted ?? true;
  await db.pool.query(
    `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
       gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped,
       environment, hermes_version, host, deployment_id)
     VALUES ($1, 'pre-deploy', 'passed', 0, $2, $2, 10, 1, 1, 0, 0, 0, 0, 'test', '0.0.0', 'test', $3)`,
    [runId, startedAt, options.deploymentId ?? null],
  );
  const evidence = consulted
    ? [
        { kind: 'text', title: 'advisory source', content: 'npm audit' },
        {
          kind: 'rows',
          title: 'vulnerabilities',
          content: vulnerabilities.map((v) => ({
            package: 'pkg',
            version: '1.0.0',
            title: 't',
            allowlist: '',
            ...v,
          })),
        },
      ]
    : [];
  await db.pool.query(
    `INSERT INTO hermes_ops.gate_results (run_id, gate_id, title, status, outcome_status, blocking, summary, reason,
       started_at, duration_ms, measurements, evidence)
     VALUES ($1, 'security.dependencies', 'Dependency vulnerabilities', $2, $2, true, 's', $3, $4, 5, '[]', $5)`,
    [
      runId,
      consulted ? 'pass' : 'error',
      consulted ? null : 'no advisory source',
      startedAt,
      JSON.stringify(evidence),
    ],
  );
}

async function recordDeployment(
  version: string,
  startedAt: string,
  previous: string | null,
): Promise<string> {
  const id = randomUUID();
  await db.pool.query(
    `INSERT INTO hermes_ops.deployments (id, version, source, previous_deployment_id, target, status,
       started_at, finished_at, duration_ms, runner_pid, runner_host, hermes_version)
     VALUES ($1, $2, '.', $3, 'local', 'succeeded', $4, $4, 1, 1, 'test', '0.0.0')`,
    [id, version, previous, startedAt],
  );
  return id;
}

/** An earlier security.production scan that sent `refused` refused admin requests, `minutesAgo`. */
async function recordScan(minutesAgo: number, refused: number): Promise<void> {
  const runId = randomUUID();
  const startedAt = new Date(Date.now() - minutesAgo * 60_000).toISOString();
  await db.pool.query(
    `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
       gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped,
       environment, hermes_version, host)
     VALUES ($1, 'post-deploy', 'passed', 0, $2, $2, 10, 1, 1, 0, 0, 0, 0, 'test', '0.0.0', 'test')`,
    [runId, startedAt],
  );
  await db.pool.query(
    `INSERT INTO hermes_ops.gate_results (run_id, gate_id, title, status, outcome_status, blocking, summary,
       started_at, duration_ms, measurements)
     VALUES ($1, 'security.production', 'Production security scan', 'pass', 'pass', true, 's', $2, 5, $3)`,
    [runId, startedAt, JSON.stringify([{ name: 'admin requests refused', value: refused, unit: 'count' }])],
  );
}

const healthyDependencies = async () => {
  await recordDependencies('2026-11-01T00:00:00Z', [{ id: 'GHSA-old', severity: 'high' }]);
  await recordDependencies('2026-11-02T00:00:00Z', [{ id: 'GHSA-old', severity: 'high' }]);
};

type Intercept = (req: IncomingMessage, body: Buffer) => { status: number } | { body: Buffer } | undefined;

interface Proxy {
  url: string;
  close(): Promise<void>;
}

/** A proxy to the release that may strip a response header, or answer or rewrite a request itself. */
async function startProxy(
  options: { strip?: string; intercept?: Intercept; tls?: ServerOptions; host?: string } = {},
): Promise<Proxy> {
  const target = new URL(release.url);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Buffer = Buffer.concat(chunks);
      const answer = options.intercept?.(req, body);
      if (answer && 'status' in answer) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      if (answer) body = answer.body;
      const headers = {
        ...req.headers,
        host: target.host,
        'content-length': String(body.length),
        'x-forwarded-proto': options.tls ? 'https' : 'http',
      };
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers },
        (up) => {
          const stripped = options.strip?.toLowerCase();
          const out = Object.fromEntries(Object.entries(up.headers).filter(([name]) => name !== stripped));
          res.writeHead(up.statusCode ?? 502, out);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = options.tls ? 'https' : 'http';
  return {
    url: `${scheme}://${options.host ?? '127.0.0.1'}:${String(port)}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function withProxy(
  options: Parameters<typeof startProxy>[0],
  scan: (url: string) => Promise<void>,
): Promise<void> {
  const proxy = await startProxy(options);
  try {
    await scan(proxy.url);
  } finally {
    await proxy.close();
  }
}

const findings = (outcome: GateOutcome) =>
  (outcome.evidence?.find((e) => e.title === 'findings')?.content ?? []) as {
    criterion: string;
    level: string;
    finding: string;
  }[];

describe('security.production on a healthy release', () => {
  it('passes over loopback http, the plain-HTTP line a note, every admin route refused, no submission stored', async () => {
    await healthyDependencies();
    const before = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hermes_leads');
    const outcome = await run(release.url);
    expect(outcome.status, outcome.summary).toBe('pass');
    const lines = findings(outcome);
    expect(lines).toContainEqual({
      criterion: 'SSL/TLS configuration',
      level: 'note',
      finding: 'served over plain HTTP on this machine: TLS not judged',
    });
    expect(lines.filter((l) => l.level === 'fail' || l.level === 'warn')).toEqual([]);
    const probes = outcome.evidence?.find((e) => e.title === 'admin route probes')?.content as unknown[];
    expect(probes.length).toBeGreaterThanOrEqual(16);
    expect(outcome.measurements).toContainEqual(
      expect.objectContaining({ name: 'malformed submissions stored', value: 0, passed: true }),
    );
    const after = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hermes_leads');
    expect(after.rows[0]?.n).toBe(before.rows[0]?.n);
  }, 60_000);

  it('warns, never passes, with no dependency results to compare', async () => {
    const outcome = await run(release.url);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('no new vulnerabilities: no recorded security.dependencies result');
  }, 60_000);

  it('fails a high advisory new since the previous deployment, naming it', async () => {
    const first = await recordDeployment('1.0.0', '2026-11-01T00:00:00Z', null);
    const second = await recordDeployment('1.1.0', '2026-11-02T00:00:00Z', first);
    await recordDependencies('2026-11-01T00:00:00Z', [{ id: 'GHSA-old', severity: 'high' }], {
      deploymentId: first,
    });
    await recordDependencies(
      '2026-11-02T00:00:00Z',
      [
        { id: 'GHSA-old', severity: 'high' },
        { id: 'GHSA-new1', severity: 'critical', package: 'evil' },
        { id: 'GHSA-med', severity: 'medium' },
      ],
      { deploymentId: second },
    );
    // A later run of no deployment is not this release's.
    await recordDependencies('2026-11-03T00:00:00Z', [{ id: 'GHSA-other', severity: 'high' }]);
    const outcome = await run(release.url);
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^no new vulnerabilities: 1 new high\/critical vulnerability: GHSA-new1 \(evil\)/,
    );
  }, 60_000);

  it('warns when the latest run could not consult an advisory source', async () => {
    await recordDependencies('2026-11-01T00:00:00Z', []);
    await recordDependencies('2026-11-02T00:00:00Z', [], { consulted: false });
    const outcome = await run(release.url);
    expect(outcome.status).toBe('warn');
    expect(outcome.summary).toContain('could not consult an advisory source');
  }, 60_000);

  it('fails plain HTTP with requireHttps', async () => {
    await healthyDependencies();
    // (The warning for another host's plain HTTP is a judge's unit test: here every address is loopback.)
    const required = await run(release.url, { requireHttps: true });
    expect(required.status).toBe('fail');
    expect(required.summary).toContain('served over plain HTTP (requireHttps is set)');
  }, 60_000);

  it('holds back wrong-key probes beyond the refused-requests budget, and says so', async () => {
    await healthyDependencies();
    const outcome = await run(release.url, { maxRefusedProbes: 9 });
    expect(outcome.status, outcome.summary).toBe('pass');
    const probes = outcome.evidence?.find((e) => e.title === 'admin route probes')?.content as unknown[];
    expect(probes).toHaveLength(9);
    expect(
      findings(outcome).some(
        (l) =>
          l.level === 'note' &&
          l.finding.startsWith("not sent, to stay within the admin guard's refused-attempts budget") &&
          l.finding.includes('with a wrong Bearer key'),
      ),
    ).toBe(true);
  }, 60_000);
});

describe("security.production and the admin guard's budget across scans", () => {
  // The gate is given the default budget (10 refusals per 15 min); the release keeps its large one.
  const probesOf = (outcome: GateOutcome) =>
    outcome.evidence?.find((e) => e.title === 'admin route probes')?.content as unknown[] | undefined;

  it('sends only what an earlier scan of the window left, and says so', async () => {
    await healthyDependencies();
    await recordScan(1, 5);
    const outcome = await run(release.url, {}, 10);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(probesOf(outcome)).toHaveLength(4);
    expect(
      findings(outcome).some(
        (l) =>
          l.level === 'note' &&
          l.finding.includes('sent 5 refused admin requests, of the 10') &&
          l.finding.endsWith('this scan sent at most 4'),
      ),
    ).toBe(true);
  }, 60_000);

  it('probes nothing once the window is spent, warning with when to scan again', async () => {
    await healthyDependencies();
    await recordScan(2, 9);
    const outcome = await run(release.url, {}, 10);
    expect(outcome.status).toBe('warn');
    expect(probesOf(outcome)).toBeUndefined();
    expect(outcome.summary).toMatch(
      /authentication mechanisms: not probed: the scans since \S+ sent 9 refused admin requests, of the 10 the guard allows an address per 15 min; one more would lock this address out .* Scan again after \d{4}-/,
    );
  }, 60_000);

  it('does not count a scan older than the window', async () => {
    await healthyDependencies();
    await recordScan(20, 9);
    const outcome = await run(release.url, {}, 10);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(probesOf(outcome)).toHaveLength(9);
  }, 60_000);
});

describe('security.production on planted faults', () => {
  beforeEach(healthyDependencies);

  it('fails a missing security header, naming it', async () => {
    await withProxy({ strip: 'Referrer-Policy' }, async (url) => {
      const outcome = await run(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('security headers: Referrer-Policy missing on GET /');
    });
  }, 60_000);

  it('fails an admin route left open, naming the route and the status', async () => {
    const intercept: Intercept = (req) => (req.url === '/api/admin/deliveries' ? { status: 200 } : undefined);
    await withProxy({ intercept }, async (url) => {
      const outcome = await run(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(
        'GET /api/admin/deliveries with no Authorization answered 200, not 401',
      );
      expect(outcome.summary).toContain(
        'GET /api/admin/deliveries with a wrong Bearer key answered 200, not 401',
      );
    });
  }, 60_000);

  it('fails a malformed submission accepted, naming it', async () => {
    const intercept: Intercept = (req, body) =>
      req.url === '/api/contact' && body.includes('scan_unknown_field') ? { status: 201 } : undefined;
    await withProxy({ intercept }, async (url) => {
      const outcome = await run(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toBe('input validation: unknown field answered 201, not 4xx');
    });
  }, 60_000);

  it('fails a malformed submission stored: the proxy repairs one case, the release stores it', async () => {
    // The proxy drops the unknown field, so the release stores a real row with the corpus's markers.
    const intercept: Intercept = (req, body) => {
      if (req.url !== '/api/contact' || !body.includes('scan_unknown_field')) return undefined;
      const lead = JSON.parse(body.toString()) as Record<string, unknown>;
      delete lead.scan_unknown_field;
      return { body: Buffer.from(JSON.stringify(lead)) };
    };
    await withProxy({ intercept }, async (url) => {
      const outcome = await run(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('unknown field answered 201, not 4xx');
      expect(outcome.summary).toContain('1 row stored from the malformed submissions');
    });
    await db.pool.query(`DELETE FROM hermes_leads WHERE email LIKE 'e2e-scan-%@deployment-test.invalid'`);
  }, 60_000);
});

describe('security.production over TLS', () => {
  let pki: string;
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: pki, stdio: 'pipe' });

  function leaf(name: string, ca: string, days: number): ServerOptions {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-subj',
      '/CN=localhost',
      '-out',
      `${name}.csr`,
    );
    writeFileSync(join(pki, `${name}.ext`), 'subjectAltName=DNS:localhost\n');
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-days',
      String(days),
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.crt`,
    );
    return { key: readFileSync(join(pki, `${name}.key`)), cert: readFileSync(join(pki, `${name}.crt`)) };
  }

  beforeAll(() => {
    pki = mkdtempSync(join(tmpdir(), 'hermes-scan-pki-'));
    for (const ca of ['ca', 'other-ca'])
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        `${ca}.key`,
        '-subj',
        `/CN=Hermes test ${ca}`,
        '-days',
        '2',
        '-out',
        `${ca}.crt`,
      );
  });
  afterAll(() => rmSync(pki, { recursive: true, force: true }));
  beforeEach(healthyDependencies);

  const tlsRun = (url: string) => run(url, { extraCaFile: join(pki, 'ca.crt') });

  it('passes a trusted, long-valid certificate with HSTS', async () => {
    await withProxy({ tls: leaf('good', 'ca', 365), host: 'localhost' }, async (url) => {
      const outcome = await tlsRun(url);
      expect(outcome.status, outcome.summary).toBe('pass');
      const tls = findings(outcome).filter((l) => l.criterion === 'SSL/TLS configuration');
      expect(tls.map((l) => l.level)).toEqual(['pass', 'pass', 'pass', 'pass']);
      expect(tls[0]?.finding).toMatch(/^negotiated TLSv1\.[23]$/);
    });
  }, 60_000);

  it('fails a certificate expiring within certExpiryDays', async () => {
    await withProxy({ tls: leaf('soon', 'ca', 3), host: 'localhost' }, async (url) => {
      const outcome = await tlsRun(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toMatch(
        /^SSL\/TLS configuration: certificate expires in [23] days .*within 14$/,
      );
    });
  }, 60_000);

  it('fails a chain the trusted CA did not sign', async () => {
    await withProxy({ tls: leaf('stranger', 'other-ca', 365), host: 'localhost' }, async (url) => {
      const outcome = await tlsRun(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('SSL/TLS configuration: certificate chain not trusted');
    });
  }, 60_000);

  it('fails a server that speaks only TLS 1.1', async () => {
    const tls: ServerOptions = {
      ...leaf('old', 'ca', 365),
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.1',
      ciphers: 'DEFAULT@SECLEVEL=0',
    };
    await withProxy({ tls, host: 'localhost' }, async (url) => {
      const outcome = await tlsRun(url);
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('SSL/TLS configuration: negotiated TLSv1.1, older than TLSv1.2');
    });
  }, 60_000);
});

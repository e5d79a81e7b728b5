import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Measurement } from '../../../../src/gates/gate.ts';

/**
 * A stand-in release: GET /metrics answers `metrics(n)` for its n-th scrape (0 first), any other
 * path 200; for faults a real release cannot be made to show on demand.
 */
export async function standInRelease(
  metrics: (scrape: number) => string,
): Promise<{ url: string; scrapes: () => number; close: () => Promise<void> }> {
  let scrapes = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics(scrapes));
      scrapes += 1;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${String(port)}`,
    scrapes: () => scrapes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A deployment (default succeeded) started `daysAgo` days ago whose run of `gateId` recorded
 * `measurements`, as hermes deploy records them (hermes_ops.deployments, gate_runs with its
 * deployment_id, gate_results); a running one has not finished.
 */
export async function recordDeploymentResult(
  pool: Pool,
  gateId: string,
  daysAgo: number,
  measurements: readonly Measurement[],
  status: 'succeeded' | 'failed' | 'running' = 'succeeded',
): Promise<string> {
  const id = randomUUID();
  const runId = randomUUID();
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  await pool.query(
    `INSERT INTO hermes_ops.deployments (id, version, source, previous_deployment_id, target, status,
       failed_step, failure_reason, started_at, finished_at, duration_ms, runner_pid, runner_host, hermes_version)
     VALUES ($1, $2, '.', NULL, 'local', $3, $4, $5, $6, $7, $8, 1, 'test', '0.0.0')`,
    [
      id,
      `1.0.${String(daysAgo)}`,
      status,
      status === 'failed' ? 'perf.response-times' : null,
      status === 'failed' ? 'planted' : null,
      at,
      status === 'running' ? null : at,
      status === 'running' ? null : 1,
    ],
  );
  await pool.query(
    `INSERT INTO hermes_ops.gate_runs (id, stage, status, exit_code, started_at, finished_at, duration_ms,
       gates_total, gates_passed, gates_warned, gates_failed, gates_errored, gates_skipped,
       environment, hermes_version, host, deployment_id)
     VALUES ($1, 'post-deploy', 'passed', 0, $2, $2, 10, 1, 1, 0, 0, 0, 0, 'test', '0.0.0', 'test', $3)`,
    [runId, at, id],
  );
  await pool.query(
    `INSERT INTO hermes_ops.gate_results (run_id, gate_id, title, status, outcome_status, blocking, summary, reason,
       started_at, duration_ms, measurements, evidence)
     VALUES ($1, $2, 't', 'pass', 'pass', true, 's', NULL, $3, 5, $4, '[]')`,
    [runId, gateId, at, JSON.stringify(measurements)],
  );
  return id;
}

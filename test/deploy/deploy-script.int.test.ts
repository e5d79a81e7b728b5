import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startN8nReceiver, type N8nReceiver } from '../support/n8n-receiver.ts';
import { cleanEnv, runCli, type CliResult } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createDeploySource, type DeploySource } from './support/deploy-source.ts';
import { deployAdminKey } from './support/deploy-fixture.ts';

/**
 * scripts/deploy.sh (spec §5.2) end to end, as the spec writes it: each `npm run` step on its own
 * in a source checkout (real nginx, a real `hermes serve` colour from the production build, real
 * PostgreSQL), stopping at the first step that fails.
 */

const deployScript = fileURLToPath(new URL('../../scripts/deploy.sh', import.meta.url));
const validationScript = fileURLToPath(
  new URL('../../scripts/post-deployment-validation.sh', import.meta.url),
);

const started = '🚀 Starting deployment...';
const migrating = '🗄️ Deploying database migrations...';
const deployingApi = '🔌 Deploying API endpoints...';
const checkingHealth = '🏥 Running health checks...';
const loadTesting = '⚡ Running load tests...';
const completed = '✅ Deployment completed successfully!';

let source: DeploySource;
let db: TestDatabase;
let receiver: N8nReceiver;

function environment(): NodeJS.ProcessEnv {
  return {
    ...cleanEnv(),
    CI: '',
    DATABASE_URL: db.url,
    HERMES_N8N_WEBHOOK_URL: receiver.url,
    HERMES_ADMIN_API_KEYS: deployAdminKey,
    HERMES_RATE_LIMIT: 'off',
    HERMES_MIN_FILL_MS: '0',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
  };
}

/** `command ...args` in the source, with the deploying environment; its exit code and output. */
function inSource(command: string, args: readonly string[], timeoutMs = 300_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: source.dir,
      env: environment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const output = (result: CliResult) => `${result.stdout}\n${result.stderr}`;

/** The script's own lines, in the order printed. */
const scriptLines = (result: CliResult) =>
  result.stdout
    .split('\n')
    .filter((line) =>
      [started, migrating, deployingApi, checkingHealth, loadTesting, completed].includes(line),
    );

async function served(): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${source.publicUrl}/health`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** `hermes deploy status --json`: which colour is live, and each colour's release. */
async function targetStatus(): Promise<unknown> {
  const status = await runCli(['--json', 'deploy', 'status'], { cwd: source.dir, env: environment() });
  expect(status.code, status.stderr).toBe(0);
  return JSON.parse(status.stdout);
}

async function schemaVersion(): Promise<string | null> {
  const { rows } = await db.pool.query<{ version: string | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? null;
}

async function gateRuns(): Promise<{ only: string[] | null; status: string }[]> {
  const { rows } = await db.pool.query<{ only: string[] | null; status: string }>(
    'SELECT only_gates AS only, status FROM hermes_ops.gate_runs ORDER BY started_at',
  );
  return rows;
}

/** What beforeAll made, for afterAll to undo even when it stopped half-way. */
const made: { source?: DeploySource; db?: TestDatabase; receiver?: N8nReceiver } = {};

beforeAll(async () => {
  await Promise.all([
    createDeploySource('1.0.0', { npmScripts: true }).then((created) => (made.source = source = created)),
    createTestDatabase({ migrate: true }).then((created) => (made.db = db = created)),
    startN8nReceiver().then((created) => (made.receiver = receiver = created)),
  ]);
}, 60_000);

afterAll(async () => {
  if (made.source) {
    // Whatever happened above: no nginx or colour left running.
    const stopped = await runCli(['deploy', 'stop'], { cwd: made.source.dir });
    expect(stopped.code, stopped.stderr).toBe(0);
    made.source.cleanup();
  }
  await made.receiver?.close();
  await made.db?.drop();
}, 60_000);

describe('scripts/deploy.sh', { concurrent: false }, () => {
  let live: unknown;

  it('runs every step on its own and ends with the public URL serving the production build', async () => {
    const build = await inSource('node', [
      'bin/hermes.js',
      'gates',
      'run',
      'deploy',
      '--only',
      'build.production',
    ]);
    expect(build.code, output(build)).toBe(0);

    const result = await inSource('bash', [deployScript]);
    expect(result.code, output(result)).toBe(0);
    expect(scriptLines(result)).toEqual([
      started,
      migrating,
      deployingApi,
      checkingHealth,
      loadTesting,
      completed,
    ]);
    // Each line is one real step: the gate it names ran, alone, and passed (after the build).
    expect(await gateRuns()).toEqual([
      { only: ['build.production'], status: 'passed' },
      { only: ['db.migrate.production'], status: 'passed' },
      { only: ['deploy.api'], status: 'passed' },
      { only: ['health.deployment'], status: 'passed' },
      { only: ['load.deployment'], status: 'passed' },
    ]);
    const health = await served();
    expect(health.status).toBe(200);
    // The bundle deploy:api released, not the sources; run on its own, it belongs to no deployment.
    expect(health.body).toMatchObject({ status: 'ok', build: 'production', deployment_id: null });
    live = await targetStatus();
    expect(live).toMatchObject({ live: 'blue', colours: [{ colour: 'blue', live: true, running: true }] });
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_ops.deployments',
    );
    expect(rows).toEqual([{ n: 0 }]);
  }, 300_000);

  it('scripts/post-deployment-validation.sh (§5.3) runs each post-deploy check on its own against the live release', async () => {
    expect(live, 'the first deployment must have run').toBeDefined();
    const runsBefore = (await gateRuns()).length;
    // Every post-deploy gate, the browser's and the monitors' included (short windows).
    source.writeConfig({ postDeploy: 'all' });
    let result: CliResult;
    try {
      result = await inSource('bash', [validationScript]);
    } finally {
      source.writeConfig();
    }
    expect(result.code, output(result)).toBe(0);
    const lines = [
      '🔍 Starting post-deployment validation...',
      '🧪 Running functional tests...',
      '📊 Monitoring performance...',
      '🔒 Running security validation...',
      '📊 Validating data integrity...',
      '✅ Post-deployment validation completed!',
    ];
    expect(result.stdout.split('\n').filter((line) => lines.includes(line))).toEqual(lines);
    // Each line ran its gate alone, against the live release, and none failed.
    expect((await gateRuns()).slice(runsBefore)).toEqual([
      { only: ['e2e.contact-form'], status: 'passed' },
      { only: ['perf.response-times'], status: 'passed' },
      { only: ['security.production'], status: 'passed' },
      { only: ['db.validate-data'], status: 'passed' },
    ]);
    expect(output(result)).toContain('e2e.contact-form  PASS');
    expect(await targetStatus()).toEqual(live);
  }, 300_000);

  it('stops at a failing migration: no later step runs, the release live before keeps serving', async () => {
    expect(live, 'the first deployment must have run').toBeDefined();
    const schemaBefore = await schemaVersion();
    const runsBefore = (await gateRuns()).length;
    source.commit('migrations/0099_break.up.sql', 'SELECT 1/0;\n', 'a broken migration');
    source.commit('migrations/0099_break.down.sql', 'SELECT 1;\n', 'its down');

    const result = await inSource('bash', [deployScript]);
    expect(result.code, output(result)).not.toBe(0);
    expect(scriptLines(result)).toEqual([started, migrating]);
    for (const later of [deployingApi, checkingHealth, loadTesting, completed])
      expect(result.stdout).not.toContain(later);
    expect(output(result)).toContain('db.migrate.production');
    expect(output(result)).toContain('division by zero');
    // Only the migration step ran (and failed); nothing migrated, nothing switched.
    expect((await gateRuns()).slice(runsBefore)).toEqual([
      { only: ['db.migrate.production'], status: 'failed' },
    ]);
    expect(await schemaVersion()).toBe(schemaBefore);
    expect((await served()).status).toBe(200);
    expect(await targetStatus()).toEqual(live);
  }, 300_000);
});

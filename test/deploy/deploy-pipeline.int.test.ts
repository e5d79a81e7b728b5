import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validLead } from '../intake/support/valid-lead.ts';
import { latestMigrationVersion } from '../support/latest-migration.ts';
import type { CliResult } from '../support/run-cli.ts';
import { useDeployFixture } from './support/deploy-fixture.ts';
import type { AssetManifest } from '../../src/intake/asset-manifest.ts';

/**
 * `hermes deploy` end to end on the local target: real nginx, two real `hermes serve` colours
 * from production builds, a real PostgreSQL, the n8n-like receiver. One source, deployed in turn.
 */

const fx = useDeployFixture();

interface DeployJson {
  deploymentId: string;
  version: string;
  status: string;
  success: boolean;
  qualityGatesPassed: number;
  qualityGatesTotal: number;
  url: string;
  failedStep: string | null;
  failureReason: string | null;
  switchedBack: boolean | null;
}

interface LedgerRow {
  id: string;
  status: string;
  failed_step: string | null;
  backup_name: string | null;
  schema_version_before: string | null;
  schema_version_after: string | null;
  previous_deployment_id: string | null;
  release_handle: string | null;
  skipped_stages: string[];
  skip_reason: string | null;
}

const hermes = (args: string[]) => fx.hermes(args);

const deploy = (...extra: string[]) =>
  hermes(['--json', 'deploy', '--skip', 'pre-deploy', '--reason', 'pipeline test', '--no-reports', ...extra]);

function parsed(result: CliResult): DeployJson {
  return JSON.parse(result.stdout) as DeployJson;
}

async function ledger(id: string): Promise<LedgerRow> {
  const { rows } = await fx.db.pool.query<LedgerRow>('SELECT * FROM hermes_ops.deployments WHERE id = $1', [
    id,
  ]);
  const [row] = rows;
  if (!row) throw new Error(`no ledger row ${id}`);
  return row;
}

async function servedDeployment(): Promise<unknown> {
  const response = await fetch(`${fx.source.publicUrl}/health`);
  return ((await response.json()) as { deployment_id?: unknown }).deployment_id;
}

async function schemaVersion(): Promise<string> {
  const { rows } = await fx.db.pool.query<{ version: string }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? '';
}

/** What --dry-run must leave exactly as it was. */
async function snapshot() {
  const count = async (table: string) =>
    Number((await fx.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  const stateFile = join(fx.source.stateDir, 'local-target.json');
  return {
    deployments: await count('hermes_ops.deployments'),
    gateRuns: await count('hermes_ops.gate_runs'),
    leads: await count('hermes_leads'),
    schema: await schemaVersion(),
    state: existsSync(stateFile) ? readFileSync(stateFile, 'utf8') : null,
    served: await servedDeployment().catch(() => 'nothing listening'),
  };
}

async function migrateMeasurements(deploymentId: string): Promise<Record<string, number>> {
  const { rows } = await fx.db.pool.query<{ measurements: { name: string; value: number }[] }>(
    `SELECT r.measurements FROM hermes_ops.gate_results r JOIN hermes_ops.gate_runs g ON g.id = r.run_id
     WHERE g.deployment_id = $1 AND r.gate_id = 'db.migrate.production'`,
    [deploymentId],
  );
  return Object.fromEntries((rows[0]?.measurements ?? []).map((m) => [m.name, m.value]));
}

describe('hermes deploy on the local target', () => {
  let v1: DeployJson;
  let v2: DeployJson;

  it('--dry-run prints the plan and changes nothing', async () => {
    const before = await snapshot();
    const result = await hermes([
      '--json',
      'deploy',
      '--dry-run',
      '--skip',
      'pre-deploy',
      '--reason',
      'plan',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      steps: { step: string; actions: string[] }[];
      publicUrl: string;
    };
    expect(plan.steps.map((s) => s.step)).toEqual([
      'pre-deploy',
      'build.production',
      'assets.validate',
      'db.backup',
      'db.migrate.production',
      'deploy.api',
      'health.deployment',
      'load.deployment',
      'post-deploy',
    ]);
    expect(plan.publicUrl).toBe(fx.source.publicUrl);
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('deploys v1: every step passes, the ledger records it, the public URL serves it', async () => {
    // The one deploy of the suite that runs every post-deploy gate (the others leave the slow ones out).
    fx.source.writeConfig({ postDeploy: 'all' });
    const result = await deploy();
    fx.source.writeConfig();
    expect(result.code, result.stderr).toBe(0);
    v1 = parsed(result);
    expect(v1).toMatchObject({
      status: 'succeeded',
      success: true,
      url: fx.source.publicUrl,
      failedStep: null,
    });
    expect(v1.version).toMatch(/^1\.0\.0\+[0-9a-f]{7}$/);
    // The deploy stage's 8 steps and the post-deploy stage's 7 gates, the browser's submission among them.
    expect(v1.qualityGatesTotal).toBe(15);
    expect(v1.qualityGatesPassed).toBe(15);
    const { rows: postDeploy } = await fx.db.pool.query<{ gate_id: string; status: string }>(
      `SELECT r.gate_id, r.status FROM hermes_ops.gate_results r JOIN hermes_ops.gate_runs g ON g.id = r.run_id
       WHERE g.deployment_id = $1 AND g.stage = 'post-deploy' ORDER BY r.gate_id`,
      [v1.deploymentId],
    );
    // The two read-only data gates see no lead (warn: no data) unless the browser's is there yet.
    const passOrNoData = expect.stringMatching(/^(pass|warn)$/) as unknown;
    expect(postDeploy).toEqual([
      { gate_id: 'db.data-protection', status: passOrNoData },
      { gate_id: 'db.smoke', status: 'pass' },
      { gate_id: 'db.validate-data', status: passOrNoData },
      { gate_id: 'e2e.contact-form', status: 'pass' },
      { gate_id: 'perf.resources', status: 'pass' },
      // The first deployment has no baseline, and the probe makes no lead: warn (no data).
      { gate_id: 'perf.response-times', status: 'warn' },
      // pre-deploy is skipped here: no security.dependencies result to compare, so a warning.
      { gate_id: 'security.production', status: 'warn' },
    ]);
    // The browser's lead reached n8n flagged, and is gone from the database.
    expect(fx.receiver.received.filter((d) => d.body.synthetic === true)).toHaveLength(1);
    const { rows: synthetic } = await fx.db.pool.query(
      `SELECT lead_id FROM hermes_leads WHERE source = 'deployment-test'`,
    );
    expect(synthetic).toEqual([]);
    expect(await servedDeployment()).toBe(v1.deploymentId);
    const row = await ledger(v1.deploymentId);
    expect(row).toMatchObject({
      status: 'succeeded',
      release_handle: 'blue',
      schema_version_before: latestMigrationVersion,
      schema_version_after: latestMigrationVersion,
      previous_deployment_id: null,
      skipped_stages: ['pre-deploy'],
      skip_reason: 'pipeline test',
    });
    expect(row.backup_name?.slice(0, 16)).toMatch(/^\d{4}-\d\d-\d\d-\d\d-\d\d$/);
    expect(existsSync(join(fx.source.backupsDir, `${row.backup_name ?? ''}.dump`))).toBe(true);
    // assets.validate: the manifest beside the build, the versioned files in nginx's directory,
    // and the live form page loading them by those names.
    const build = join(fx.source.dir, 'dist', 'production');
    const manifest = JSON.parse(readFileSync(join(build, 'assets-manifest.json'), 'utf8')) as AssetManifest;
    expect(manifest.version).toBe(v1.version);
    const page = await (await fetch(`${fx.source.publicUrl}/`)).text();
    for (const asset of manifest.assets) {
      const uploaded = readFileSync(join(fx.source.stateDir, 'public', 'assets', asset.file));
      expect(uploaded).toEqual(readFileSync(join(build, 'assets', asset.name)));
      if (asset.name === 'contact-form.js') expect(page).toContain(`src="/assets/${asset.file}"`);
    }
  }, 240_000);

  it('serves leads through nginx and delivers them from the live colour', async () => {
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${fx.source.publicUrl}/api/contact`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(validLead()),
      });
      expect(response.status).toBe(201);
    }
    await fx.receiver.waitForDelivered(3, 20_000);
  }, 60_000);

  it('--dry-run of v2 lists its migration and its SQL, and changes nothing', async () => {
    fx.source.commit(
      'migrations/0090_add_hermes_leads_test_note.up.sql',
      'ALTER TABLE hermes_leads ADD COLUMN test_note text;\n',
      'v2: a column',
    );
    fx.source.commit(
      'migrations/0090_add_hermes_leads_test_note.down.sql',
      'ALTER TABLE hermes_leads DROP COLUMN test_note;\n',
      'v2: its down',
    );
    const before = await snapshot();
    const result = await hermes(['deploy', '--dry-run', '--skip', 'pre-deploy', '--reason', 'plan']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('0090_add_hermes_leads_test_note');
    expect(result.stdout).toContain('ALTER TABLE hermes_leads ADD COLUMN test_note text;');
    expect(result.stdout).toContain('COUNT(DISTINCT lead_id) as unique_leads');
    expect(result.stdout).toContain(`live now: ${v1.version} (deployment ${v1.deploymentId})`);
    expect(await snapshot()).toEqual(before);
  }, 60_000);

  it('deploys v2 with its migration: figures before and after, the old colour kept as standby', async () => {
    const result = await deploy();
    expect(result.code, result.stderr).toBe(0);
    v2 = parsed(result);
    expect(v2.status).toBe('succeeded');
    expect(await servedDeployment()).toBe(v2.deploymentId);
    expect(await ledger(v2.deploymentId)).toMatchObject({
      release_handle: 'green',
      schema_version_before: latestMigrationVersion,
      schema_version_after: '0090',
      previous_deployment_id: v1.deploymentId,
    });
    const figures = await migrateMeasurements(v2.deploymentId);
    expect(figures).toMatchObject({ 'records before': 3, 'records after': 3 });
    const status = await hermes(['--json', 'deploy', 'status']);
    const colours = (
      JSON.parse(status.stdout) as { colours: { colour: string; live: boolean; running: boolean }[] }
    ).colours;
    expect(colours).toEqual([
      expect.objectContaining({ colour: 'blue', live: false, running: true }),
      expect.objectContaining({ colour: 'green', live: true, running: true }),
    ]);
  }, 240_000);

  it('a failing migration stops the deployment before the switch: v2 keeps serving', async () => {
    fx.source.commit('migrations/0091_break.up.sql', 'SELECT 1 / 0;\n', 'v3: broken');
    fx.source.commit('migrations/0091_break.down.sql', 'SELECT 1;\n', 'v3: its down');
    const result = await deploy();
    expect(result.code).toBe(1);
    const failed = JSON.parse(result.stdout) as DeployJson;
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'db.migrate.production' });
    expect(result.stderr).toContain('failed at db.migrate.production');
    expect(await ledger(failed.deploymentId)).toMatchObject({
      status: 'failed',
      failed_step: 'db.migrate.production',
    });
    expect(await servedDeployment()).toBe(v2.deploymentId);
    expect(await schemaVersion()).toBe('0090');
    fx.source.remove('migrations/0091_break.up.sql', 'v3: unbroken');
    fx.source.remove('migrations/0091_break.down.sql', 'v3: unbroken');
  }, 240_000);

  it('a release that misses the load SLA is switched back: v2 serves again, the failed one is let go', async () => {
    fx.source.writeConfig({ load: '{ duration: 2s, connections: 2, p95Ms: 0, maxHeapGrowthMb: 500 }' });
    const result = await deploy();
    fx.source.writeConfig();
    expect(result.code).toBe(1);
    const failed = JSON.parse(result.stdout) as DeployJson;
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'load.deployment', switchedBack: true });
    expect(await servedDeployment()).toBe(v2.deploymentId);
    const status = JSON.parse((await hermes(['--json', 'deploy', 'status'])).stdout) as {
      colours: { colour: string; deploymentId: string | null }[];
    };
    expect(status.colours.map((c) => c.deploymentId)).toEqual([v2.deploymentId]);
  }, 240_000);

  it('deploy stop stops both colours and nginx', async () => {
    const stopped = await hermes(['--json', 'deploy', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ nginx: true });
    await expect(fetch(`${fx.source.publicUrl}/health`)).rejects.toThrow();
  }, 60_000);
});

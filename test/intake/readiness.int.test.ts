import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { judgeReadiness } from '../../src/intake/plugins/readiness.ts';
import { loadMigrationFiles } from '../../src/migrations/migration-file.ts';
import { hermesVersion } from '../../src/observability/version.ts';
import { afterThisTest } from '../support/after-this-test.ts';
import { migrationsDir } from '../support/test-database.ts';
import { startIntake, type IntakeUnderTest } from './support/start-intake.ts';

const versions = loadMigrationFiles(migrationsDir).map((f) => f.version);
const newest = versions.at(-1) ?? '';
const deploymentId = randomUUID();

async function intake(): Promise<IntakeUnderTest> {
  const started = await startIntake({ config: { server: { deploymentId } } });
  afterThisTest(async () => {
    await started.close();
    await started.database.drop();
  });
  return started;
}

async function readyz(base: string): Promise<{ status: number; retryAfter: string | null; body: unknown }> {
  const response = await fetch(`${base}/readyz`);
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: await response.json(),
  };
}

const release = { version: hermesVersion, deployment_id: deploymentId, schema_version: newest };

describe('/readyz', () => {
  it('is ready when every migration of this release is applied, naming the release', async () => {
    const { base } = await intake();
    expect(await readyz(base)).toEqual({
      status: 200,
      retryAfter: null,
      body: { status: 'ready', ...release },
    });
    const health = (await (await fetch(`${base}/health`)).json()) as Record<string, unknown>;
    // Run from the sources: no bundle's environment.
    expect(health).toMatchObject({
      status: 'ok',
      version: hermesVersion,
      deployment_id: deploymentId,
      build: null,
    });
  });

  it('is not ready, naming the missing migrations, while this release’s schema is not applied', async () => {
    const { base, database } = await intake();
    await database.pool.query('DELETE FROM schema_migrations WHERE version = $1', [newest]);
    expect(await readyz(base)).toEqual({
      status: 503,
      retryAfter: '5',
      body: { status: 'not_ready', reason: 'schema_behind', missing: [newest], ...release },
    });
    await database.pool.query('DROP TABLE schema_migrations');
    expect((await readyz(base)).body).toMatchObject({ reason: 'schema_behind', missing: versions });
  });

  it('stays ready on a newer schema (the next release’s migrations applied before it switches)', async () => {
    const { base, database } = await intake();
    await database.pool.query(
      `INSERT INTO schema_migrations (version, migration_name, checksum, execution_ms, applied_by)
       VALUES ('9999', '9999_next_release', 'x', 1, 'test')`,
    );
    expect((await readyz(base)).status).toBe(200);
  });

  it('is not ready, with the kind only, when the database refuses connections', async () => {
    const { base, database, pool } = await intake();
    // From another database: a session cannot close its own database to connections.
    const admin = new pg.Client({ connectionString: database.url.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    afterThisTest(async () => {
      await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
      await admin.end();
    });
    await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS false`);
    // The server's connections are closed too, so its next probe must open one and is refused.
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
      database.name,
    ]);
    await pool.query('SELECT 1').catch(() => undefined);
    const answer = await readyz(base);
    expect(answer.status).toBe(503);
    expect(answer.retryAfter).toBe('5');
    expect(answer.body).toMatchObject({ status: 'not_ready', reason: 'database_unavailable', ...release });
    expect(JSON.stringify(answer.body)).not.toContain(database.name);
  });
});

describe('judgeReadiness', () => {
  it('needs every expected version, in their order, and ignores the others', () => {
    expect(judgeReadiness(['0001', '0002'], new Set(['0001', '0002', '0003']))).toEqual({ ready: true });
    expect(judgeReadiness(['0001', '0002', '0003'], new Set(['0002']))).toEqual({
      ready: false,
      reason: 'schema_behind',
      missing: ['0001', '0003'],
    });
  });
});

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsAppliedGate } from '../../../src/gates/builtin/db/migrations-applied.ts';
import { migrationsLintGate } from '../../../src/gates/builtin/db/migrations-lint.ts';
import { migrationsReversibleGate } from '../../../src/gates/builtin/db/migrations-reversible.ts';
import { schemaBreakingGate } from '../../../src/gates/builtin/db/schema-breaking.ts';
import { createTestDatabase, type TestDatabase, useTestDatabase } from '../../support/test-database.ts';
import { fixturesDir, gateContext, makeProject, unreachableUrl } from './support/gate-context.ts';
import { testMigrator } from '../../support/migration-dir.ts';
import { judged } from '../support/judged.ts';

const fixture = (name: string) => join(fixturesDir, 'migrations', name);

describe('db.migrations.* and db.schema.breaking', () => {
  const db = useTestDatabase();

  it('db.migrations.reversible passes on the project migrations', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await migrationsReversibleGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/up, down and up again/);
    expect(judged(outcome)).toEqual([
      { name: 'irreversible migrations', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'rows lost by undeclared downs', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
  });

  it('db.migrations.reversible fails naming a migration without a working down', async () => {
    const ctx = gateContext({
      databaseUrl: db.url,
      config: { migrations: { dir: fixture('irreversible') } },
    });
    const outcome = await migrationsReversibleGate.run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('0001_create_widgets');
    expect(JSON.stringify(outcome.evidence)).toMatch(/down failed/);
    expect(outcome.measurements?.find((m) => m.name === 'irreversible migrations')).toMatchObject({
      value: 1,
      passed: false,
    });
  });

  it('db.migrations.reversible is an error when the database is unreachable', async () => {
    const ctx = gateContext({ databaseUrl: unreachableUrl });
    const outcome = await migrationsReversibleGate.run(ctx);
    expect(outcome.status).toBe('error');
    expect(outcome.reason).toMatch(/connect|ECONNREFUSED/i);
  });

  it('db.migrations.lint passes the project migrations without blocking findings', async () => {
    const outcome = await migrationsLintGate.run(gateContext());
    expect(['pass', 'warn'], outcome.summary).toContain(outcome.status);
    expect(outcome.measurements?.find((m) => m.name === 'blocking findings')?.value).toBe(0);
  });

  it('db.migrations.lint fails naming a non-concurrent index on an existing table', async () => {
    const outcome = await migrationsLintGate.run(
      gateContext({ config: { migrations: { dir: fixture('unsafe-index') } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('0002_index_widget_names.up.sql:2 require-concurrent-index-creation');
  });

  it('db.migrations.lint reports a missing lock_timeout when the migrator sets none', async () => {
    const outcome = await migrationsLintGate.run(
      gateContext({ config: { migrations: { dir: fixture('unsafe-index'), lockTimeoutMs: 0 } } }),
    );
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('require-lock-timeout');
  });

  it('db.migrations.applied passes on a fully migrated database and shows the spec query rows', async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await migrationsAppliedGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    const rows = outcome.evidence?.[0]?.content;
    if (rows === undefined || typeof rows === 'string') throw new Error('expected rows as evidence');
    const first = rows[0] ?? {};
    expect(Object.keys(first)).toEqual(['migration_name', 'checksum', 'applied_at']);
    expect(judged(outcome).every((m) => m.passed === true && m.value === 0)).toBe(true);
    expect(judged(outcome).map((m) => m.name)).toEqual([
      'pending out of order',
      'checksum mismatches',
      'unknown or missing files',
    ]);
  });

  it('db.migrations.applied fails naming a tampered checksum', async () => {
    const tampered = await createTestDatabase({ migrate: true });
    await tampered.pool.query(`UPDATE schema_migrations SET checksum = 'tampered' WHERE version = '0001'`);
    const ctx = gateContext({ databaseUrl: tampered.url });
    const outcome = await migrationsAppliedGate.run(ctx);
    await ctx.close();
    await tampered.drop();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain('0001_create_hermes_leads: checksum mismatch');
    expect(outcome.measurements?.find((m) => m.name === 'checksum mismatches')).toMatchObject({
      value: 1,
      threshold: 0,
      comparison: '==',
      passed: false,
    });
  });

  it('db.migrations.applied reports a pending newest migration as applied by the deploy', async () => {
    const partial = await createTestDatabase();
    const migrator = testMigrator(partial.pool, fixture('breaking'));
    await migrator.up('0001');
    const ctx = gateContext({
      databaseUrl: partial.url,
      config: { migrations: { dir: fixture('breaking') } },
    });
    const outcome = await migrationsAppliedGate.run(ctx);
    await ctx.close();
    await partial.drop();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('1 pending, applied by the deploy: 0002_drop_widget_colour');
    expect(outcome.summary).toContain('schema version 0001 (code 0002)');
  });

  describe('db.schema.breaking', () => {
    let deployed: TestDatabase;
    beforeAll(async () => {
      // The deployed database is at 0001; 0002 (dropping a column) is pending.
      deployed = await createTestDatabase();
      const run = await testMigrator(deployed.pool, fixture('breaking')).up('0001');
      if (run.error) throw run.error;
    });
    afterAll(async () => {
      await deployed.drop();
    });

    it('passes when no migration is pending', async () => {
      const ctx = gateContext({ databaseUrl: db.url });
      const outcome = await schemaBreakingGate.run(ctx);
      await ctx.close();
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toMatch(/^no migration since /);
      expect(outcome.measurements).toEqual([
        { name: 'migrations since the baseline', value: 0, unit: 'count' },
      ]);
    });

    it('passes when the pending migrations only add things', async () => {
      const fresh = await createTestDatabase();
      const ctx = gateContext({ databaseUrl: fresh.url });
      const outcome = await schemaBreakingGate.run(ctx);
      await ctx.close();
      await fresh.drop();
      expect(outcome.status, outcome.summary).toBe('pass');
      expect(outcome.summary).toMatch(/migrations? since baseline 0 .*, no breaking change/);
    });

    /** The gate on the deployed database, judging a project at `version` with `migrations`. */
    async function judge(version: string, migrations: string, baselineVersion?: string) {
      const project = makeProject({ 'package.json': JSON.stringify({ name: 'p', version }) });
      const ctx = gateContext({
        databaseUrl: deployed.url,
        cwd: project.dir,
        config: {
          migrations: { dir: fixture(migrations) },
          ...(baselineVersion === undefined
            ? {}
            : { gates: { thresholds: { db: { schemaBreaking: { baselineVersion } } } } }),
        },
      });
      try {
        return await schemaBreakingGate.run(ctx);
      } finally {
        await ctx.close();
        project.remove();
      }
    }

    it('fails naming a dropped column without the marker and a major version bump', async () => {
      const outcome = await judge('1.4.0', 'breaking', '1.3.0');
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain(
        '0002_drop_widget_colour: dropped or renamed column public.widgets.colour',
      );
      expect(outcome.summary).toContain('not marked -- hermes:breaking, major version not bumped');
    });

    it('fails a marked breaking change when the major version was not bumped', async () => {
      const outcome = await judge('1.4.0', 'breaking-marked', '1.3.0');
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toContain('major version not bumped');
      expect(outcome.summary).toContain('deployed 1.3.0');
    });

    it('accepts (with a warning) a marked breaking change released as a new major version', async () => {
      const outcome = await judge('2.0.0', 'breaking-marked', '1.3.0');
      expect(outcome.status, outcome.summary).toBe('warn');
      expect(outcome.summary).toContain('0002_drop_widget_colour');
    });

    it('fails when the deployed version cannot be determined', async () => {
      const outcome = await judge('2.0.0', 'breaking-marked');
      expect(outcome.status).toBe('fail');
      expect(outcome.summary).toMatch(/deployed version unknown/);
    });
  });
});

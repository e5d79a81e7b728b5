import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateProductionGate } from '../../../../src/gates/builtin/deploy/migrate-production.ts';
import { takeSchemaSnapshot } from '../../../../src/migrations/schema-snapshot.ts';
import { createTestDatabase, migrationsDir } from '../../../support/test-database.ts';
import { gateContext, unreachableUrl } from '../support/gate-context.ts';
import {
  appliedVersion,
  evidence,
  liveDatabase,
  measurement,
  migrateContext,
  migrationsWith,
} from './support/migrate-fixture.ts';
import { newestVersion } from './support/newest-version.ts';
import { recordingHooks } from './support/recording-step-hooks.ts';

// db.migrate.production's §2.2.1 steps: the plan, the rollback test before the live database is
// touched, the migration under the lock, and what is recorded on the deployment each time.

const addFlag = {
  up: 'ALTER TABLE hermes_leads ADD COLUMN flag boolean;',
  down: 'ALTER TABLE hermes_leads DROP COLUMN flag;',
};

// Each test migrates a scratch database three times and a live one once: seconds on a busy machine.
describe('db.migrate.production: plan, rollback test, migration', { timeout: 90_000 }, () => {
  it('passes with "schema up to date" when nothing is pending, still comparing the data', async () => {
    const live = await liveDatabase();
    const hooks = recordingHooks();
    const ctx = migrateContext(live, migrationsDir);
    const outcome = await migrateProductionGate(hooks).run(ctx);
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      `schema up to date (version ${newestVersion}); records 3 → 3, unique leads 3 → 3, lead ids unchanged, types preserved`,
    );
    expect(evidence(outcome, /^migration plan$/)).toBe(
      `nothing pending: the schema is at version ${newestVersion}`,
    );
    expect(ctx.logs).toEqual(['plan: nothing pending']);
    expect(measurement(outcome, 'migrations applied')).toBe(0);
    expect(hooks.patches).toEqual([
      { schemaVersionBefore: newestVersion, schemaVersionAfter: newestVersion },
    ]);

    // The embedded database serves one session: the step migrates through the shared pool. The
    // step goes by the Database's flag; nothing pending, so no scratch database is started.
    const embedded = { ...ctx, database: async () => ({ ...(await ctx.database()), embedded: true }) };
    expect((await migrateProductionGate(recordingHooks()).run(embedded)).status).toBe('pass');

    const cancelled = await migrateProductionGate(recordingHooks()).run({
      ...ctx,
      signal: AbortSignal.abort(),
    });
    expect(cancelled).toMatchObject({ status: 'error', summary: 'cancelled' });
    await ctx.close();
  });

  it('fails before the live database is touched when a pending migration’s down fails on the scratch database', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_add_flag': { up: addFlag.up, down: 'ALTER TABLE hermes_leads DROP COLUMN no_such_column;' },
    });
    const schemaBefore = await takeSchemaSnapshot(live.pool);
    const hooks = recordingHooks();
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^rollback test failed \(down\) on 0050_add_flag: column "no_such_column" of relation "hermes_leads" does not exist .*; the live database was not touched$/,
    );
    expect(await takeSchemaSnapshot(live.pool)).toEqual(schemaBefore);
    expect(await appliedVersion(live)).toBe(newestVersion);
    expect(hooks.patches).toEqual([
      { schemaVersionBefore: newestVersion, schemaVersionAfter: newestVersion },
    ]);
  });

  it('fails naming the migrations whose downs leave another schema, and one without a down', async () => {
    const live = await liveDatabase();
    const leaky = migrationsWith({
      '0050_add_extra_table': {
        up: 'CREATE TABLE hermes_extra (id integer);\nALTER TABLE hermes_leads ADD COLUMN extra text;',
        down: 'ALTER TABLE hermes_leads DROP COLUMN extra;',
      },
    });
    const ctx = migrateContext(live, leaky);
    const outcome = await migrateProductionGate(recordingHooks()).run(ctx);
    await ctx.close();
    expect(outcome.summary).toBe(
      'rollback test failed (down) on 0050_add_extra_table: the downs do not restore the schema the ups replaced; the live database was not touched',
    );
    expect(evidence(outcome, /^rollback test/)).toContain('+ relation public.hermes_extra r');

    const noDown = migrateContext(live, migrationsWith({ '0050_add_flag': { up: addFlag.up } }));
    const refused = await migrateProductionGate(recordingHooks()).run(noDown);
    await noDown.close();
    expect(refused.summary).toBe(
      'rollback test failed (down) on 0050_add_flag: migrate down refused; the live database was not touched',
    );
    expect(evidence(refused, /^rollback test/)).toBe('0050_add_flag: no down migration');
    expect(await appliedVersion(live)).toBe(newestVersion);
  });

  it('fails naming a migration whose up fails on the scratch database, first time or second', async () => {
    const live = await liveDatabase();
    const broken = migrateContext(
      live,
      migrationsWith({ '0050_broken': { up: 'SELECT * FROM no_such_table;', down: 'SELECT 1;' } }),
    );
    const outcome = await migrateProductionGate(recordingHooks()).run(broken);
    await broken.close();
    expect(outcome.summary).toMatch(
      /^rollback test failed \(up\) on 0050_broken: relation "no_such_table" does not exist .*; the live database was not touched$/,
    );
    // Its down leaves the lead it inserted: the second up trips over it.
    const once = migrateContext(
      live,
      migrationsWith({
        '0050_insert_once': {
          up: `INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
  problem_description, service_urgency, agree_to_terms, privacy_consent)
VALUES ('HS-ONCE', 'A', 'B', 'a@example.com', 'GB', '+44 20 7946 0958', 'help', 'soon', true, true);`,
          down: 'SELECT 1;',
        },
      }),
    );
    const again = await migrateProductionGate(recordingHooks()).run(once);
    await once.close();
    expect(again.summary).toMatch(
      /^rollback test failed \(up again\) on 0050_insert_once: duplicate key value violates unique constraint "hermes_leads_lead_id_key"/,
    );
    expect(await appliedVersion(live)).toBe(newestVersion);
  });

  it('fails naming a migration that fails on the live database, and says the data is unchanged', async () => {
    const live = await liveDatabase();
    await live.pool.query(`UPDATE hermes_leads SET first_name = 'Live' WHERE lead_id = 'HS-SYNTH-00000001'`);
    const dir = migrationsWith({
      '0050_guarded_column': {
        // Only the live data trips it: the scratch database's rows are synthetic.
        up: `ALTER TABLE hermes_leads ADD COLUMN guarded text;
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM hermes_leads WHERE first_name = 'Live') THEN RAISE EXCEPTION 'refusing live data'; END IF;
END $$;`,
        down: 'ALTER TABLE hermes_leads DROP COLUMN guarded;',
      },
    });
    const hooks = recordingHooks();
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^migration 0050_guarded_column failed: refusing live data \(SQLSTATE P0001.*\); data unchanged$/,
    );
    expect(measurement(outcome, 'migrations applied')).toBe(0);
    expect(measurement(outcome, 'records after')).toBe(3);
    expect(hooks.patches).toEqual([
      { schemaVersionBefore: newestVersion, schemaVersionAfter: newestVersion },
    ]);
  });

  it('fails before anything runs when the files no longer match what was applied', async () => {
    const live = await liveDatabase();
    await live.pool.query(`UPDATE schema_migrations SET checksum = 'tampered' WHERE version = '0001'`);
    const hooks = recordingHooks();
    const ctx = migrateContext(live, migrationsWith({ '0050_add_flag': addFlag }));
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'migrations refused: 0001_create_hermes_leads: checksum mismatch (the applied up file was changed)',
    );
    expect(await appliedVersion(live)).toBe(newestVersion);
    expect(hooks.patches).toEqual([
      { schemaVersionBefore: newestVersion, schemaVersionAfter: newestVersion },
    ]);
  });

  it('is an error, leaving the database as it was, when another migration holds the lock', async () => {
    const live = await liveDatabase();
    const holder = new pg.Client({ connectionString: live.url });
    await holder.connect();
    await holder.query('SELECT pg_advisory_lock(7284391113004)');
    const hooks = recordingHooks();
    const ctx = migrateContext(live, migrationsWith({ '0050_add_flag': addFlag }), { lockWait: '200ms' });
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    await holder.end();
    expect(outcome).toMatchObject({ status: 'error', summary: 'the migrations did not start' });
    expect(outcome.reason).toBe('another migration held the migration lock for more than 200 ms');
    expect(await appliedVersion(live)).toBe(newestVersion);
    expect(hooks.patches).toEqual([
      { schemaVersionBefore: newestVersion, schemaVersionAfter: newestVersion },
    ]);
  });

  it('migrates an empty database from nothing, the records table created', async () => {
    const empty = await createTestDatabase();
    const hooks = recordingHooks();
    const ctx = gateContext({ databaseUrl: empty.url });
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(
      /^\d+ migrations applied \(version none → \d{4}\); records 0, unique leads 0$/,
    );
    expect(outcome.summary).toContain(`→ ${newestVersion})`);
    expect(evidence(outcome, /^changes to/)).toBe('table hermes_leads created');
    expect(measurement(outcome, 'records before')).toBeUndefined();
    expect(hooks.patches).toEqual([{ schemaVersionBefore: null, schemaVersionAfter: newestVersion }]);
  });

  it('is an error when the database cannot be reached, and describes its thresholds', async () => {
    const ctx = gateContext({ databaseUrl: unreachableUrl });
    const gate = migrateProductionGate(recordingHooks());
    const outcome = await gate.run(ctx);
    expect(outcome).toMatchObject({ status: 'error', summary: 'could not migrate the database' });
    expect(gate.thresholds?.(ctx.config).map((t) => [t.key, t.value, t.source])).toEqual([
      ['gates.thresholds.deploy.migrate.typeChanges', [], 'default'],
      ['gates.thresholds.deploy.migrate.lockWait', 120_000, 'default'],
      ['gates.thresholds.deploy.migrate.snapshotTimeout', 300_000, 'default'],
    ]);
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { migrateProductionGate } from '../../../../src/gates/builtin/deploy/migrate-production.ts';
import { judged } from '../../support/judged.ts';
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

// db.migrate.production's §2.2.2 checks: each test migrates its own live database (3 leads, at the
// project's newest migration, newestVersion) with one more migration, 0050.

// Each test migrates a scratch database three times and a live one once: seconds on a busy machine.
describe('db.migrate.production: data migration validation', { timeout: 90_000 }, () => {
  it('passes a migration that only adds, with the figures before and after, and records the versions', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_add_lead_note': {
        up: `ALTER TABLE hermes_leads ADD COLUMN note text;
ALTER TABLE hermes_leads ADD CONSTRAINT hermes_leads_note_length CHECK (length(note) <= 500);`,
        down: 'ALTER TABLE hermes_leads DROP COLUMN note;',
      },
    });
    const hooks = recordingHooks();
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      `1 migration applied (version ${newestVersion} → 0050); records 3 → 3, unique leads 3 → 3, lead ids unchanged, types preserved, 1 constraint added and validated`,
    );
    expect(hooks.patches).toEqual([{ schemaVersionBefore: newestVersion, schemaVersionAfter: '0050' }]);
    expect(judged(outcome)).toEqual([
      { name: 'migrations applied', value: 1, threshold: 1, comparison: '==', passed: true },
      { name: 'records after', value: 3, threshold: 3, comparison: '>=', passed: true },
      { name: 'lead ids lost or changed', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'columns gone or retyped undeclared', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'constraints not validated', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
    expect(measurement(outcome, 'records before')).toBe(3);
    expect(measurement(outcome, 'unique leads before')).toBe(3);
    expect(measurement(outcome, 'unique leads after')).toBe(3);
    expect(measurement(outcome, 'constraints added')).toBe(1);
    expect(outcome.evidence?.[0]).toMatchObject({ kind: 'plan', title: 'migration plan' });
    expect(evidence(outcome, /^migration plan$/)).toMatch(
      /^0050_add_lead_note: \S*0050_add_lead_note\.up\.sql \(down \S*0050_add_lead_note\.down\.sql\)$/,
    );
    expect(ctx.logs.slice(0, 2)).toEqual([
      'plan: 1 pending migration',
      `  ${evidence(outcome, /^migration plan$/)}`,
    ]);
    expect(evidence(outcome, /^changes to hermes_leads$/).split('\n')).toEqual([
      'column note added (text)',
      'constraint hermes_leads_note_length added and validated',
    ]);
    expect(evidence(outcome, /^§2\.2\.2/)).toContain('"snapshot":"after","total_records":3,"unique_leads":3');
    // Applied for real, with the release that applied it.
    const { rows } = await live.pool.query<{ release: string | null }>(
      `SELECT release FROM schema_migrations WHERE version = '0050'`,
    );
    expect(rows[0]?.release).toMatch(/^\d+\.\d+\.\d+/);
    const note = await live.pool.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'hermes_leads' AND column_name = 'note'`,
    );
    expect(note.rowCount).toBe(1);
  });

  it('does not count leads the intake commits while the migration runs as a change', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_slow_add_column': {
        up: 'SELECT pg_sleep(1.5);\nALTER TABLE hermes_leads ADD COLUMN slow text;',
        down: 'ALTER TABLE hermes_leads DROP COLUMN slow;',
      },
    });
    const ctx = migrateContext(live, dir);
    const running = migrateProductionGate(recordingHooks()).run(ctx);
    while (!ctx.logs.some((line) => line.startsWith('applying'))) await sleep(20);
    await live.pool
      .query(`INSERT INTO hermes_leads (lead_id, first_name, last_name, email, country, phone_number,
        problem_description, service_urgency, agree_to_terms, privacy_consent)
      VALUES ('HS-20250101-MEANWH', 'Ada', 'L', 'ada@example.com', 'GB', '+44 20 7946 0958', 'help', 'urgent', true, true)`);
    const outcome = await running;
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('records 3 → 4, unique leads 3 → 4');
    expect(measurement(outcome, 'records added meanwhile')).toBe(1);
  });

  it('fails naming the records when a migration deletes a lead', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_purge_oldest_lead': {
        up: 'DELETE FROM hermes_leads WHERE lead_id = (SELECT min(lead_id) FROM hermes_leads);',
        down: 'SELECT 1;',
      },
    });
    const hooks = recordingHooks();
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(hooks).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      "data migration check failed: records went down: 3 → 2, unique leads changed: 3 → 2, lead ids lost or changed (the checksum of hermes_leads's ids differs)",
    );
    expect(judged(outcome).find((m) => m.name === 'records after')).toEqual({
      name: 'records after',
      value: 2,
      threshold: 3,
      comparison: '>=',
      passed: false,
    });
    expect(measurement(outcome, 'lead ids lost or changed')).toBe(1);
    expect(hooks.patches).toEqual([{ schemaVersionBefore: newestVersion, schemaVersionAfter: '0050' }]);
  });

  it('fails when a migration rewrites a lead id or an earliest created_at, even with the count unchanged', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_rewrite_lead': {
        up: `UPDATE hermes_leads SET lead_id = 'HS-REWRITTEN', created_at = created_at + interval '1 second'
  WHERE created_at = (SELECT min(created_at) FROM hermes_leads);`,
        down: 'SELECT 1;',
      },
    });
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(recordingHooks()).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^data migration check failed: lead ids lost or changed .*, earliest record changed: \S+ \S+ → \S+ \S+$/,
    );
  });

  it('fails naming a column whose type changed, unless the conversion is declared', async () => {
    const widen = {
      '0050_widen_spam_reason': {
        up: 'ALTER TABLE hermes_leads ALTER COLUMN spam_reason TYPE varchar(200);',
        down: 'ALTER TABLE hermes_leads ALTER COLUMN spam_reason TYPE text;',
      },
    };
    const undeclared = await liveDatabase();
    const ctx = migrateContext(undeclared, migrationsWith(widen));
    const outcome = await migrateProductionGate(recordingHooks()).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'data migration check failed: column spam_reason: text → character varying(200) changed type (not declared in gates.thresholds.deploy.migrate.typeChanges)',
    );
    expect(measurement(outcome, 'columns gone or retyped undeclared')).toBe(1);

    const declared = await liveDatabase();
    const allowed = migrateContext(declared, migrationsWith(widen), {
      typeChanges: [{ column: 'spam_reason', from: 'TEXT', to: 'varchar(200)' }],
    });
    const passed = await migrateProductionGate(recordingHooks()).run(allowed);
    await allowed.close();
    expect(passed.status, passed.summary).toBe('pass');
    expect(evidence(passed, /^changes to/)).toBe(
      'column spam_reason: text → character varying(200) (declared)',
    );
  });

  it('fails when a column disappears or a constraint is added without being validated', async () => {
    const live = await liveDatabase();
    const dir = migrationsWith({
      '0050_drop_review_reason': {
        up: `ALTER TABLE hermes_leads DROP COLUMN review_reason;
ALTER TABLE hermes_leads ADD CONSTRAINT hermes_leads_email_lower CHECK (email = lower(email)) NOT VALID;`,
        down: `ALTER TABLE hermes_leads DROP CONSTRAINT hermes_leads_email_lower;
ALTER TABLE hermes_leads ADD COLUMN review_reason text;`,
      },
    });
    const ctx = migrateContext(live, dir);
    const outcome = await migrateProductionGate(recordingHooks()).run(ctx);
    await ctx.close();
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toBe(
      'data migration check failed: column review_reason disappeared, constraint hermes_leads_email_lower added but not validated (NOT VALID)',
    );
    expect(measurement(outcome, 'constraints not validated')).toBe(1);
    expect(await appliedVersion(live)).toBe('0050');
  });
});

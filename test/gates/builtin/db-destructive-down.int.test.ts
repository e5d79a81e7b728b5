import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrationsReversibleGate } from '../../../src/gates/builtin/db/migrations-reversible.ts';
import { migrationsDir, useTestDatabase } from '../../support/test-database.ts';
import { gateContext } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

const purge = '0099_add_hermes_leads_purge_flag';

/** A temp copy of the project's migrations plus one whose down deletes every lead. */
function withPurgingDown(downPrefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-destructive-gate-'));
  cpSync(migrationsDir, dir, { recursive: true });
  writeFileSync(join(dir, `${purge}.up.sql`), 'ALTER TABLE hermes_leads ADD COLUMN purge_flag boolean;\n');
  writeFileSync(
    join(dir, `${purge}.down.sql`),
    `${downPrefix}DELETE FROM hermes_leads;\nALTER TABLE hermes_leads DROP COLUMN purge_flag;\n`,
  );
  return dir;
}

describe('db.migrations.reversible and a down that destroys data', () => {
  const db = useTestDatabase();
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const run = async (dir: string) => {
    dirs.push(dir);
    const ctx = gateContext({ databaseUrl: db.url, config: { migrations: { dir } } });
    try {
      return await migrationsReversibleGate.run(ctx);
    } finally {
      await ctx.close();
    }
  };

  it('fails naming the migration, the table and the number of rows lost', async () => {
    const outcome = await run(withPurgingDown(''));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`not reversible: ${purge} (down loses `);
    expect(outcome.summary).toContain(`3 rows of public.hermes_leads`);
    // 3 leads, and with them (ON DELETE CASCADE) 1 outbox row and 1 delivery: 5 rows in all.
    expect(outcome.summary).toContain('1 row of public.hermes_outbox');
    expect(judged(outcome)).toEqual([
      { name: 'irreversible migrations', value: 1, threshold: 0, comparison: '==', passed: false },
      { name: 'rows lost by undeclared downs', value: 5, threshold: 0, comparison: '==', passed: false },
    ]);
    expect(JSON.stringify(outcome.evidence)).toContain(
      'public.hermes_leads: 3 of 3 rows present before the up',
    );
  });

  it('warns naming the migration and the reason when the down declares itself destructive', async () => {
    const outcome = await run(
      withPurgingDown('-- hermes:destructive reason=leads are re-imported from the CRM\n'),
    );
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain(
      `${purge}: down declared destructive (reason: leads are re-imported from the CRM)`,
    );
    // Declared, the lost rows are not counted against the gate: it warns, it does not fail.
    expect(judged(outcome)).toEqual([
      { name: 'irreversible migrations', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'rows lost by undeclared downs', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
  });

  it('fails naming the file of a destructive marker without a reason', async () => {
    const outcome = await run(withPurgingDown('-- hermes:destructive\n'));
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toContain(`${purge}.down.sql: -- hermes:destructive without reason=`);
  });

  it("passes on the project's own migrations with every table seeded", async () => {
    const ctx = gateContext({ databaseUrl: db.url });
    const outcome = await migrationsReversibleGate.run(ctx);
    await ctx.close();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/no rows lost/);
    expect(outcome.measurements?.find((m) => m.name === 'tables not seeded')?.value).toBe(0);
    expect(judged(outcome)).toEqual([
      { name: 'irreversible migrations', value: 0, threshold: 0, comparison: '==', passed: true },
      { name: 'rows lost by undeclared downs', value: 0, threshold: 0, comparison: '==', passed: true },
    ]);
  });
});

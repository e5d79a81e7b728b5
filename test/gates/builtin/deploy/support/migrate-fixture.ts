import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GateOutcome } from '../../../../../src/gates/gate.ts';
import { insertSyntheticLeads } from '../../../../../src/leads/insert-synthetic-leads.ts';
import { afterThisTest } from '../../../../support/after-this-test.ts';
import type { MigrationSource } from '../../../../support/migration-dir.ts';
import { createTestDatabase, migrationsDir, type TestDatabase } from '../../../../support/test-database.ts';
import { gateContext, type TestGateContext } from '../../support/gate-context.ts';

/** The project's migrations plus `extra` (`{ '0050_name': { up, down } }`), in a directory removed after the test. */
export function migrationsWith(extra: Record<string, MigrationSource>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-deploy-migrations-'));
  cpSync(migrationsDir, dir, { recursive: true });
  for (const [name, source] of Object.entries(extra)) {
    writeFileSync(join(dir, `${name}.up.sql`), source.up);
    if (source.down !== undefined) writeFileSync(join(dir, `${name}.down.sql`), source.down);
  }
  afterThisTest(() => {
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  });
  return dir;
}

/** A live database at the project's newest migration holding `leads` synthetic leads. */
export async function liveDatabase(leads = 3): Promise<TestDatabase> {
  const live = await createTestDatabase({ migrate: true });
  await insertSyntheticLeads(live.pool, leads);
  return live;
}

/** The context a deploy run gives the step: the live database, the migrations, the step's thresholds. */
export function migrateContext(
  live: TestDatabase,
  dir: string,
  migrate: Record<string, unknown> = {},
): TestGateContext {
  return gateContext({
    databaseUrl: live.url,
    config: { migrations: { dir }, gates: { thresholds: { deploy: { migrate } } } },
  });
}

/** The newest version schema_migrations holds. */
export async function appliedVersion(live: TestDatabase): Promise<string | null> {
  const { rows } = await live.pool.query<{ version: string | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? null;
}

export function evidence(outcome: GateOutcome, title: RegExp): string {
  const found = outcome.evidence?.find((e) => title.test(e.title));
  if (found === undefined) return '';
  return typeof found.content === 'string' ? found.content : JSON.stringify(found.content);
}

export function measurement(outcome: GateOutcome, name: string): number | undefined {
  return outcome.measurements?.find((m) => m.name === name)?.value;
}

import { describe, expect, it } from 'vitest';
import { initOpsSchema } from '../../src/ops/init-ops-schema.ts';
import { createTestDatabase } from '../support/test-database.ts';

// `hermes ops init` on another project's database: one transaction, all or nothing, and it
// creates no schema the database already has.

const options = { dryRun: false, owners: [], lockWaitMs: 5_000 };

async function relations(pool: import('pg').Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'hermes_ops' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

describe('hermes ops init', () => {
  it('plans no CREATE SCHEMA when hermes_ops exists, and leaves nothing behind when a statement fails', async () => {
    const db = await createTestDatabase({ migrate: false });
    await db.pool.query('CREATE SCHEMA hermes_ops');
    // A relation with the name of the index migration 0041 makes: its CREATE INDEX fails, last.
    await db.pool.query('CREATE VIEW hermes_ops.gate_runs_deployment_id_idx AS SELECT 1 AS x');

    const planned = await initOpsSchema(db.pool, { ...options, dryRun: true });
    expect(planned.applied).toBe(false);
    expect(planned.plan.kind).toBe('apply');
    if (planned.plan.kind !== 'apply') return;
    expect(planned.plan.statements.map((s) => s.creates)).toEqual([
      'table hermes_ops.schema_version',
      "table hermes_ops.gate_runs (Hermes's migration 0030_create_hermes_ops_gate_runs)",
      "table hermes_ops.gate_results (Hermes's migration 0031_create_hermes_ops_gate_results)",
      "table hermes_ops.deployments (Hermes's migration 0040_create_hermes_ops_deployments)",
      "columns hermes_ops.gate_runs.deployment_id and git_commit (Hermes's migration 0041_add_hermes_ops_gate_runs_deployment)",
    ]);

    await expect(initOpsSchema(db.pool, options)).rejects.toThrow(/already exists/);
    // Rolled back: not the version table, not the first table, though they ran before the failure.
    expect(await relations(db.pool)).toEqual(['gate_runs_deployment_id_idx']);
  });

  it('creates the schema, its tables and their version records on an empty database', async () => {
    const db = await createTestDatabase({ migrate: false });
    const result = await initOpsSchema(db.pool, options);
    expect(result.applied).toBe(true);
    const { rows } = await db.pool.query<{ migration_name: string }>(
      'SELECT migration_name FROM hermes_ops.schema_version ORDER BY version',
    );
    expect(rows.map((row) => row.migration_name)).toEqual([
      '0030_create_hermes_ops_gate_runs',
      '0031_create_hermes_ops_gate_results',
      '0040_create_hermes_ops_deployments',
      '0041_add_hermes_ops_gate_runs_deployment',
    ]);
    expect(await relations(db.pool)).toEqual(
      expect.arrayContaining(['gate_runs', 'gate_results', 'deployments', 'schema_version']),
    );
    // The very shape Hermes's own migrations make: the gate runs point to their deployment.
    const { rows: columns } = await db.pool.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'hermes_ops' AND table_name = 'gate_runs'
          AND column_name IN ('deployment_id', 'git_commit') ORDER BY 1`,
    );
    expect(columns.map((c) => c.column_name)).toEqual(['deployment_id', 'git_commit']);
  });
});

import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { type TestDatabase, useTestDatabase } from '../support/test-database.ts';

// `hermes ops init` run in Hermes's own repository, whose migrations make hermes_ops themselves.
describe('hermes ops init on Hermes’s own database', () => {
  const migrated = useTestDatabase();
  const fresh = useTestDatabase({ migrate: false });
  const hermes = (db: TestDatabase, args: string[]) => runCli(args, { env: { DATABASE_URL: db.url } });

  it('is a no-op that says so on a migrated database', async () => {
    const result = await hermes(migrated, ['ops', 'init']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "hermes_ops.gate_runs, hermes_ops.gate_results and hermes_ops.deployments already exist, made by this database's own migrations (`hermes migrate up`): nothing to do",
    );
    const { rows } = await migrated.pool.query(
      `SELECT to_regclass('hermes_ops.schema_version') IS NULL AS absent`,
    );
    expect(rows).toEqual([{ absent: true }]);
  });

  it('refuses before the migrations have run, so that `hermes migrate up` still can', async () => {
    const refused = await hermes(fresh, ['ops', 'init']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(
      "this project's own migrations create hermes_ops: run `hermes migrate up` instead",
    );
    expect(refused.stdout).toContain('0003_create_hermes_ops_schema.up.sql mentions hermes_ops');
    const { rows } = await fresh.pool.query(
      `SELECT count(*)::int AS n FROM pg_namespace WHERE nspname = 'hermes_ops'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
    const up = await hermes(fresh, ['migrate', 'up']);
    expect(up.code, up.stderr).toBe(0);
  });

  it('exits 2 on an unknown option, before touching the database', async () => {
    const result = await runCli(['ops', 'init', '--apply'], {
      env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--apply'");
  });
});

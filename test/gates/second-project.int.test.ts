import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { builtinGates } from '../../src/gates/builtin/index.ts';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { runCli } from '../support/run-cli.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

// A small project that is not Hermes: its own package.json, its own migrations of its own
// `customers` table, and a hermes.yaml that names them. Hermes runs in it as a user would.
// No ESLint, TypeScript or Prettier config and no dependencies: the code gates must say so.
const customersUp = `CREATE TABLE customers (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_ref text,
  email        text        NOT NULL,
  phone        text,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX customers_email_key ON customers (email);
CREATE INDEX customers_created_at_idx ON customers (created_at);
INSERT INTO customers (customer_ref, email) VALUES ('C-1', 'a@example.test'), ('C-2', 'b@example.test');
`;
const packageJson = (version: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ name: 'shop', version, private: true, ...extra })}\n`;

const config = {
  migrations: { dir: 'db/migrations' },
  gates: {
    thresholds: {
      db: {
        records: {
          table: 'customers',
          idColumn: 'customer_ref',
          emailColumn: 'email',
          createdAtColumn: 'created_at',
          outboxTable: null,
        },
      },
    },
  },
};

/** The fixture's hermes.yaml with more gate thresholds beside db.records. */
function withThresholds(more: Record<string, unknown>) {
  const { db: records, ...rest } = more as { db?: Record<string, unknown> };
  return {
    ...config,
    gates: { thresholds: { ...rest, db: { ...config.gates.thresholds.db, ...records } } },
  };
}

let db: TestDatabase;
let dir: string;
const hermes = (args: string[]) =>
  runCli(args, { cwd: dir, env: { DATABASE_URL: db.url, CI: '1' }, timeoutMs: 120_000 });

/** `only` null: the whole stage, every built-in gate. */
async function runGates(only: string | null): Promise<StageRun> {
  const select = only === null ? [] : ['--only', only];
  const result = await hermes(['--json', 'gates', 'run', 'pre-deploy', ...select, '--no-reports']);
  expect([0, 1], result.stderr).toContain(result.code);
  return JSON.parse(result.stdout) as StageRun;
}

const resultOf = (run: StageRun, id: string) => run.results.find((r) => r.id === id);
const statuses = (run: StageRun) => Object.fromEntries(run.results.map((r) => [r.id, r.status]));

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'hermes-second-project-'));
  await mkdir(join(dir, 'db', 'migrations'), { recursive: true });
  await writeFile(join(dir, 'package.json'), packageJson('1.0.0'));
  await writeFile(join(dir, 'db/migrations/0001_create_customers.up.sql'), customersUp);
  await writeFile(join(dir, 'db/migrations/0001_create_customers.down.sql'), 'DROP TABLE customers;\n');
  await writeFile(join(dir, 'hermes.yaml'), stringify(config));
  const migrated = await hermes(['migrate', 'up']);
  expect(migrated.code, migrated.stderr).toBe(0);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await db.drop();
});

describe('the gates on a second project, which is not Hermes', () => {
  it('without `hermes ops init`, the run is not recorded and the note says how to create the tables', async () => {
    const run = await runGates('db.integrity');
    expect(run.history).toEqual({
      recorded: false,
      reason:
        'hermes_ops.gate_runs does not exist: run `hermes migrate up` (Hermes) or `hermes ops init` (another project)',
    });
    const history = await hermes(['gates', 'history']);
    expect(history.code).toBe(2);
    expect(history.stderr).toContain('`hermes ops init` (another project)');
  });

  it('`hermes ops init` creates only hermes_ops, outside the project’s schema_migrations, once', async () => {
    const dry = await hermes(['ops', 'init', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('would create schema hermes_ops');
    expect(dry.stdout).toContain('CREATE TABLE hermes_ops.gate_runs');
    const before = await db.pool.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'hermes_ops'`);
    expect(before.rowCount).toBe(0);

    const init = await hermes(['ops', 'init']);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('recorded 0030, 0031, 0040, 0041 in hermes_ops.schema_version');
    const again = await hermes(['ops', 'init']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("Hermes's ops tables are up to date");

    const { rows: tables } = await db.pool.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'hermes_ops.deployments',
      'hermes_ops.gate_results',
      'hermes_ops.gate_runs',
      'hermes_ops.schema_version',
      'public.customers',
      'public.schema_migrations',
    ]);
    const { rows: applied } = await db.pool.query('SELECT version FROM schema_migrations');
    expect(applied).toEqual([{ version: '0001' }]);
    const status = await hermes(['migrate', 'validate']);
    expect(status.code, status.stdout + status.stderr).toBe(0);
  });

  it('runs the whole pre-deploy stage: every gate judges the project or skips naming the key to set', async () => {
    const run = await runGates(null);
    const preDeploy = builtinGates().filter((g) => g.stage === 'pre-deploy');
    expect(run.results.map((r) => r.id).sort()).toEqual(preDeploy.map((g) => g.id).sort());
    for (const result of run.results) {
      const text = `${result.id}: ${result.status} ${result.summary} | ${result.reason ?? ''}`;
      expect(result.status, text).not.toBe('error');
      // Nothing of Hermes's own schema or layout leaks into a judgement of this project.
      expect(text).not.toMatch(/hermes_leads|hermes_outbox|lead_id|relation ".*" does not exist|TS5058/);
      if (result.status === 'skip')
        expect(result.reason, text).toMatch(/set gates\.(thresholds|overrides)\.\S+/);
    }
    expect(statuses(run)).toEqual({
      'code.lint': 'skip',
      'code.types': 'skip',
      'code.format': 'skip',
      'security.dependencies': 'pass',
      'security.code': 'pass',
      'db.connectivity': 'pass',
      'db.migrations.reversible': 'pass',
      'db.migrations.lint': 'pass',
      'db.schema.breaking': 'pass',
      'db.schema.foreign-keys': 'pass',
      'db.schema.indexes': 'pass',
      'db.migrations.applied': 'pass',
      'db.schema.drift': 'pass',
      'db.integrity': 'pass',
      'db.query-plans': 'pass',
      'tests.unit': 'skip',
      'tests.coverage': 'skip',
      'tests.integration': 'skip',
      'tests.performance': 'skip',
      'env.variables': 'pass',
    });
    expect(resultOf(run, 'code.lint')?.reason).toContain('set gates.thresholds.code.lint.config');
    expect(resultOf(run, 'code.types')?.reason).toBe(
      'no tsconfig.json; set gates.thresholds.code.types.project to the tsconfig to check',
    );
    expect(resultOf(run, 'code.format')?.reason).toContain('set gates.thresholds.code.format.config');
    expect(resultOf(run, 'security.dependencies')?.summary).toBe(
      'package.json declares no dependencies: nothing to audit',
    );
    // No SSL on a database on this machine is a note, not a warning; the probe names the project's table.
    expect(resultOf(run, 'db.connectivity')?.summary).toBe(
      'connected, pool healthy, read/write verified on a temporary table, customers read and rolled back, no SSL (fine here: the database is on this machine)',
    );
    expect(resultOf(run, 'db.integrity')).toMatchObject({
      status: 'pass',
      summary:
        '2 rows in customers: no orphaned records, no duplicate customer_refs in customers, 0 duplicate emails; outbox not checked (no outboxTable)',
    });
    expect(resultOf(run, 'tests.performance')?.reason).toContain(
      'set gates.thresholds.tests.performance.command (and requests)',
    );
    expect(run.history).toEqual({ recorded: true });

    const history = await hermes(['--json', 'gates', 'history', '--limit', '5']);
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as { id: string }[]).map((r) => r.id)).toContain(run.id);
  });

  it('judges a release that drops a column: fails without the marker and a major bump, warns with both', async () => {
    const drop = join(dir, 'db/migrations/0002_drop_phone.up.sql');
    const restore = join(dir, 'db/migrations/0002_drop_phone.down.sql');
    await writeFile(drop, 'ALTER TABLE customers DROP COLUMN phone;\n');
    await writeFile(restore, 'ALTER TABLE customers ADD COLUMN phone text;\n');
    await writeFile(join(dir, 'package.json'), packageJson('1.1.0'));
    try {
      const run = await runGates(null);
      for (const result of run.results)
        expect(result.status, `${result.id}: ${result.summary} ${result.reason ?? ''}`).not.toBe('error');
      const breaking = resultOf(run, 'db.schema.breaking');
      expect(breaking?.status).toBe('fail');
      expect(breaking?.summary).toContain(
        '0002_drop_phone: dropped or renamed column public.customers.phone (not marked -- hermes:breaking, major version not bumped)',
      );
      // Pending before the deploy, as expected; the drift gate leaves it out.
      const applied = resultOf(run, 'db.migrations.applied');
      expect(applied?.status).toBe('pass');
      expect(applied?.summary).toContain('1 pending, applied by the deploy: 0002_drop_phone');
      expect(resultOf(run, 'db.schema.drift')?.status).toBe('pass');
      expect(resultOf(run, 'db.migrations.lint')?.summary).toContain(
        '0002_drop_phone.up.sql:1 ban-drop-column',
      );

      // No git tag here: the deployed version must be told, else no bump can be shown.
      expect(breaking?.summary).toContain(
        'deployed version unknown (no git tag, and gates.thresholds.db.schemaBreaking.baselineVersion not set)',
      );

      await writeFile(drop, '-- hermes:breaking\nALTER TABLE customers DROP COLUMN phone;\n');
      await writeFile(join(dir, 'package.json'), packageJson('2.0.0'));
      await writeFile(
        join(dir, 'hermes.yaml'),
        stringify(withThresholds({ db: { schemaBreaking: { baselineVersion: '1.0.0' } } })),
      );
      const marked = await runGates('db.schema.breaking');
      // Declared and released as a major version: reported, not blocking.
      const declared = resultOf(marked, 'db.schema.breaking');
      expect(declared).toMatchObject({ status: 'warn' });
      expect(declared?.summary).toMatch(
        /^breaking changes marked and released as a major version: 0002_drop_phone \(version 2\.0\.0 vs deployed 1\.0\.0/,
      );
    } finally {
      await rm(drop);
      await rm(restore);
      await writeFile(join(dir, 'package.json'), packageJson('1.0.0'));
      await writeFile(join(dir, 'hermes.yaml'), stringify(config));
    }
  });

  it('judges the project’s code once it configures ESLint, TypeScript and Prettier where it keeps them', async () => {
    const files = {
      'tools/eslint.config.js':
        "export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error' } }];\n",
      'tools/prettier.json': '{ "singleQuote": true }\n',
      'tools/tsconfig.json': `${JSON.stringify({
        compilerOptions: { strict: true, noEmit: true, types: [], target: 'ES2022', module: 'ES2022' },
        include: ['../src/**/*.ts'],
      })}\n`,
      'src/unused.js': 'const unused = 1;\n',
      'src/price.ts': 'export const price: number = "free";\n',
    };
    const configured = withThresholds({
      code: {
        lint: { config: 'tools/eslint.config.js', patterns: ['src'] },
        types: { project: 'tools/tsconfig.json' },
        format: { config: 'tools/prettier.json', patterns: ['src'] },
      },
    });
    await mkdir(join(dir, 'tools'), { recursive: true });
    await mkdir(join(dir, 'src'), { recursive: true });
    for (const [path, content] of Object.entries(files)) await writeFile(join(dir, path), content);
    await writeFile(join(dir, 'hermes.yaml'), stringify(configured));
    try {
      const run = await runGates('code.lint,code.types,code.format');
      expect(resultOf(run, 'code.lint')).toMatchObject({
        status: 'fail',
        summary: '1 ESLint error: src/unused.js:1:7 no-unused-vars',
      });
      expect(resultOf(run, 'code.types')).toMatchObject({ status: 'fail' });
      expect(resultOf(run, 'code.types')?.summary).toMatch(/^1 TypeScript error: .*src\/price\.ts:1 TS2322$/);
      // Prettier's defaults take double quotes: only the project's singleQuote finds this file.
      expect(resultOf(run, 'code.format')).toMatchObject({
        status: 'fail',
        summary: '1 file not formatted: src/price.ts',
      });
    } finally {
      await writeFile(join(dir, 'hermes.yaml'), stringify(config));
      await rm(join(dir, 'tools'), { recursive: true });
      await rm(join(dir, 'src'), { recursive: true });
    }
  });

  it('fails security.dependencies when package.json declares dependencies and nothing locks them', async () => {
    await writeFile(
      join(dir, 'package.json'),
      packageJson('1.0.0', { dependencies: { 'left-pad': '^1.3.0' } }),
    );
    try {
      const run = await runGates('security.dependencies');
      expect(resultOf(run, 'security.dependencies')).toMatchObject({
        status: 'fail',
        summary: '1 dependency of package.json not locked (no package-lock.json): left-pad',
      });
    } finally {
      await writeFile(join(dir, 'package.json'), packageJson('1.0.0'));
    }
  });

  it('fails db.integrity naming the column of a customer without its reference', async () => {
    await db.pool.query(`INSERT INTO customers (customer_ref, email) VALUES (NULL, 'c@example.test')`);
    const run = await runGates('db.integrity');
    expect(resultOf(run, 'db.integrity')).toMatchObject({
      status: 'fail',
      summary: '1 orphaned records (customers.customer_ref IS NULL); outbox not checked (no outboxTable)',
    });
  });
});

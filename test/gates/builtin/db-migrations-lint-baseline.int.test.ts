import { afterEach, describe, expect, it } from 'vitest';
import { migrationsLintGate } from '../../../src/gates/builtin/db/migrations-lint.ts';
import type { GateOutcome } from '../../../src/gates/gate.ts';
import { gateContext, makeProject } from './support/gate-context.ts';
import { judged } from '../support/judged.ts';

/**
 * Old migrations with findings a team has accepted: an int counter (prefer-bigint-over-int,
 * a warning) and a non-concurrent index on an existing table (require-concurrent-index-creation,
 * which fails the gate by default, and its down's non-concurrent DROP INDEX).
 */
const oldMigrations = {
  'migrations/0001_create_widgets.up.sql':
    'CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL, hits integer NOT NULL DEFAULT 0);\n',
  'migrations/0001_create_widgets.down.sql': 'DROP TABLE widgets;\n',
  'migrations/0002_index_widget_names.up.sql': 'CREATE INDEX widgets_name_idx ON widgets (name);\n',
  'migrations/0002_index_widget_names.down.sql': 'DROP INDEX widgets_name_idx;\n',
};

const baseline = `# accepted squawk findings
- rule: prefer-bigint-over-int
  file: 0001_create_widgets.up.sql
  reason: a hit counter reset daily, never near 2^31
- rule: require-concurrent-index-creation
  file: 0002_index_widget_names.up.sql
  reason: widgets was empty when this ran
- rule: require-concurrent-index-deletion
  file: 0002_index_widget_names.down.sql
  reason: a rollback of 0002 only ever runs on the empty widgets table
`;

/** The new migrations: a dropped column, and a table with three int columns (four new findings). */
const newMigrations = {
  'migrations/0003_drop_widget_name.up.sql':
    '-- name moved to widget_labels\nALTER TABLE widgets DROP COLUMN name;\n',
  'migrations/0003_drop_widget_name.down.sql': 'ALTER TABLE widgets ADD COLUMN name text;\n',
  'migrations/0004_create_gadgets.up.sql':
    'CREATE TABLE gadgets (id bigint PRIMARY KEY, a integer, b integer, c integer);\n',
  'migrations/0004_create_gadgets.down.sql': 'DROP TABLE gadgets;\n',
};

let remove: (() => void) | undefined;
afterEach(() => {
  remove?.();
  remove = undefined;
});

async function lintProject(files: Record<string, string>, config: Record<string, unknown> = {}) {
  const project = makeProject(files);
  remove = project.remove;
  return migrationsLintGate.run(gateContext({ cwd: project.dir, config }));
}

const measured = (outcome: GateOutcome, name: string) =>
  outcome.measurements?.find((m) => m.name === name)?.value;

/** The judged counts (each must be 0): blocking findings fail, other new ones and stale entries warn. */
const lintRows = (blocking: number, other: number, stale: number) =>
  (
    [
      ['blocking findings', blocking],
      ['other findings', other],
      ['stale baseline entries', stale],
    ] as const
  ).map(([name, value]) => ({ name, value, threshold: 0, comparison: '==', passed: value === 0 }));

describe('db.migrations.lint with a baseline of accepted findings', () => {
  it('warns naming every new finding first and in full, and counts the accepted ones', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      ...newMigrations,
      'migrations/lint-baseline.yaml': baseline,
    });
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toMatch(
      /^4 new squawk warnings: 0003_drop_widget_name\.up\.sql:2 ban-drop-column, /,
    );
    for (const line of ['0004_create_gadgets.up.sql:1 prefer-bigint-over-int'])
      expect(outcome.summary).toContain(line);
    expect(outcome.summary.match(/0004_create_gadgets\.up\.sql:1 prefer-bigint-over-int/g)).toHaveLength(3);
    expect(outcome.summary).not.toMatch(/and \d+ more/);
    expect(outcome.summary).toContain('3 accepted in migrations/lint-baseline.yaml');
    expect(measured(outcome, 'accepted findings')).toBe(3);
    expect(measured(outcome, 'blocking findings')).toBe(0);
    expect(judged(outcome)).toEqual(lintRows(0, 4, 0));
    const first = outcome.evidence?.[0];
    expect(first?.title).toBe('new squawk findings');
    expect(JSON.stringify(first?.content)).toContain('ban-drop-column');
  });

  it('without the baseline the accepted index fails the gate, as it does today', async () => {
    const outcome = await lintProject({ ...oldMigrations, ...newMigrations });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^2 unsafe migration statements: 0002_index_widget_names\.up\.sql:1 require-concurrent-index-creation, 0002_index_widget_names\.down\.sql:1/,
    );
    // The new warnings are listed in full after the failure.
    expect(outcome.summary).toContain('0003_drop_widget_name.up.sql:2 ban-drop-column');
    expect(outcome.summary).not.toMatch(/and \d+ more/);
    // Without the baseline, 0001's int counter is a fifth warning.
    expect(judged(outcome)).toEqual(lintRows(2, 5, 0));
  });

  it('fails on a new blocking finding even when the baseline accepts the same rule elsewhere', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/0003_index_widget_hits.up.sql': 'CREATE INDEX widgets_hits_idx ON widgets (hits);\n',
      'migrations/lint-baseline.yaml': baseline,
    });
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(
      /^1 unsafe migration statement: 0003_index_widget_hits\.up\.sql:1 require-concurrent-index-creation/,
    );
  });

  it('passes with everything baselined and says how many findings are accepted', async () => {
    const outcome = await lintProject({ ...oldMigrations, 'migrations/lint-baseline.yaml': baseline });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toBe(
      '2 migrations lint clean, 3 accepted findings in migrations/lint-baseline.yaml',
    );
    expect(measured(outcome, 'accepted findings')).toBe(3);
    expect(judged(outcome)).toEqual(lintRows(0, 0, 0));
  });

  it('matches on rule and file, not line: an edit above the finding keeps it accepted', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/0001_create_widgets.up.sql': `-- widgets\n\n${oldMigrations['migrations/0001_create_widgets.up.sql']}`,
      'migrations/lint-baseline.yaml': baseline,
    });
    expect(outcome.status, outcome.summary).toBe('pass');
  });

  it('an entry accepts one finding: a second int column in a baselined file is new', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/0001_create_widgets.up.sql':
        'CREATE TABLE widgets (id bigint PRIMARY KEY, name text NOT NULL, hits integer NOT NULL DEFAULT 0,\n  misses integer);\n',
      'migrations/lint-baseline.yaml': baseline,
    });
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toMatch(
      /^1 new squawk warning: 0001_create_widgets\.up\.sql:2 prefer-bigint-over-int; 3 accepted/,
    );
  });

  it('reads the baseline from the configured path', async () => {
    const outcome = await lintProject(
      { ...oldMigrations, 'lint/accepted.yaml': baseline },
      { gates: { thresholds: { db: { migrationsLint: { baseline: 'lint/accepted.yaml' } } } } },
    );
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toContain('3 accepted findings in lint/accepted.yaml');
  });

  it('reports an entry that matches nothing any more as stale', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/lint-baseline.yaml': `${baseline}- rule: ban-drop-column
  file: 0009_drop_widget_colour.up.sql
  reason: the column was never read
`,
    });
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain(
      '1 stale baseline entry in migrations/lint-baseline.yaml: entry 4 ban-drop-column 0009_drop_widget_colour.up.sql',
    );
    expect(measured(outcome, 'stale baseline entries')).toBe(1);
    expect(judged(outcome)).toEqual(lintRows(0, 0, 1));
  });

  it('is an error naming the entry and key of a malformed baseline', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/lint-baseline.yaml': `- rule: prefer-bigint-over-int
  file: 0001_create_widgets.up.sql
  reason: a hit counter reset daily, never near 2^31
- rule: require-concurrent-index-creation
  file: 0002_index_widget_names.up.sql
`,
    });
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toContain('migrations/lint-baseline.yaml');
    expect(outcome.summary).toContain(
      'entry 2 (require-concurrent-index-creation 0002_index_widget_names.up.sql): reason',
    );
  });

  it('is an error when the baseline is not YAML', async () => {
    const outcome = await lintProject({
      ...oldMigrations,
      'migrations/lint-baseline.yaml': '- rule: [unclosed\n',
    });
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toContain('migrations/lint-baseline.yaml');
  });
});

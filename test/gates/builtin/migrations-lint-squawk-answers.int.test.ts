import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrationsLintGate } from '../../../src/gates/builtin/db/migrations-lint.ts';
import { gateContext, makeProject } from './support/gate-context.ts';

const made: Array<{ remove: () => void }> = [];
afterEach(() => {
  for (const project of made.splice(0)) project.remove();
});

const migrations = {
  'migrations/0001_create_widgets.up.sql': 'CREATE TABLE widgets (id bigint PRIMARY KEY);\n',
  'migrations/0001_create_widgets.down.sql': 'DROP TABLE widgets;\n',
  'migrations/0002_index_widgets.up.sql':
    '-- hermes:no-transaction\nCREATE INDEX CONCURRENTLY widgets_id_idx ON widgets (id);\n',
  'migrations/0002_index_widgets.down.sql': 'DROP INDEX CONCURRENTLY widgets_id_idx;\n',
};

/**
 * A project whose own node_modules/.bin/squawk (found before Hermes's) logs its arguments, one
 * call a line, and then runs `answer` (sh): how the gate reads a squawk that misbehaves.
 */
function withFakeSquawk(answer: string, files: Record<string, string> = migrations) {
  const project = makeProject({
    ...files,
    'node_modules/.bin/squawk': `#!/bin/sh\necho "$*" >> "$(dirname "$0")/calls.log"\n${answer}\n`,
  });
  made.push(project);
  chmodSync(join(project.dir, 'node_modules', '.bin', 'squawk'), 0o755);
  const calls = () =>
    readFileSync(join(project.dir, 'node_modules', '.bin', 'calls.log'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => line.replaceAll(`${project.dir}/migrations/`, ''));
  return { dir: project.dir, calls };
}

const run = (cwd: string, config: Record<string, unknown> = {}) =>
  migrationsLintGate.run(gateContext({ cwd, config }));

describe('db.migrations.lint: how it asks squawk', () => {
  it('lints ups and downs apart, in a transaction unless the file says no-transaction, excluding what the migrator satisfies', async () => {
    // Silent and 0: squawk found nothing.
    const squawk = withFakeSquawk('exit 0');
    const outcome = await run(squawk.dir, {
      migrations: { lockTimeoutMs: 1_000, statementTimeoutMs: 0 },
      gates: { thresholds: { db: { migrationsLint: { ignoreRules: ['prefer-text-field'] } } } },
    });
    expect(outcome.status, outcome.summary).toBe('pass');
    const exclude = '--exclude=prefer-text-field,require-lock-timeout';
    const downsExclude = `${exclude},ban-drop-table,ban-drop-column`;
    expect(squawk.calls()).toEqual([
      `--reporter json --assume-in-transaction ${exclude} 0001_create_widgets.up.sql`,
      `--reporter json ${exclude} 0002_index_widgets.up.sql`,
      `--reporter json --assume-in-transaction ${downsExclude} 0001_create_widgets.down.sql`,
      `--reporter json ${downsExclude} 0002_index_widgets.down.sql`,
    ]);
  });

  it('does not call squawk for a group without files, and passes no --exclude when nothing is excluded', async () => {
    const squawk = withFakeSquawk('exit 0', {
      'migrations/0001_create_widgets.up.sql': 'CREATE TABLE widgets (id bigint PRIMARY KEY);\n',
    });
    const outcome = await run(squawk.dir, { migrations: { lockTimeoutMs: 0, statementTimeoutMs: 0 } });
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(squawk.calls()).toEqual(['--reporter json --assume-in-transaction 0001_create_widgets.up.sql']);
  });
});

describe('db.migrations.lint: a squawk it cannot read is an error, never a pass', () => {
  it('gives the tail of what squawk printed when it exits neither 0 nor 1', async () => {
    const squawk = withFakeSquawk("echo 'parsing 0001' ; echo 'error: unsupported syntax' >&2 ; exit 2");
    expect(await run(squawk.dir)).toEqual({
      status: 'error',
      summary: 'squawk could not lint the migrations',
      reason: 'parsing 0001\n\nerror: unsupported syntax',
    });
  });

  it('says "unexpected squawk output" for output that is not JSON, or JSON that is not its report', async () => {
    const notJson = withFakeSquawk("echo 'Found 1 issue in 1 file' ; exit 1");
    expect(await run(notJson.dir)).toEqual({
      status: 'error',
      summary: 'squawk could not lint the migrations',
      reason: 'unexpected squawk output: Found 1 issue in 1 file',
    });
    const wrongShape = withFakeSquawk(`echo '[{"file":"x.sql","line":"one"}]' ; exit 1`);
    expect(await run(wrongShape.dir)).toEqual({
      status: 'error',
      summary: 'squawk could not lint the migrations',
      reason: 'unexpected squawk output: [{"file":"x.sql","line":"one"}]',
    });
  });

  it('is an error naming the migrations when they cannot be read, before squawk runs', async () => {
    const squawk = withFakeSquawk('exit 0', { ...migrations, 'migrations/notes.sql': 'stray\n' });
    const outcome = await run(squawk.dir);
    expect(outcome.status).toBe('error');
    expect(outcome.summary).toBe('could not read the migrations');
    expect(outcome.reason).toContain('notes.sql: expected NNNN_name.up.sql or NNNN_name.down.sql');
    expect(() => squawk.calls()).toThrow(/ENOENT/);
  });
});

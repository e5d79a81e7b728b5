import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { runCliInProcess } from './in-process-cli.ts';

let db: TestDatabase;
let dir: string;
let config: string;

beforeAll(async () => {
  db = await createTestDatabase({ migrate: true });
  dir = mkdtempSync(join(tmpdir(), 'hermes-gates-output-'));
  config = join(dir, 'hermes.yaml');
  writeFileSync(
    config,
    stringify({
      gates: {
        concurrency: 4,
        noData: 'pass',
        custom: [
          { id: 'shell.first', kind: 'shell', stage: 'deploy', command: 'true' },
          {
            id: 'shell.second',
            kind: 'shell',
            stage: 'deploy',
            command: 'exit 1',
            dependsOn: ['shell.first'],
          },
          { id: 'shell.off', kind: 'shell', stage: 'deploy', command: 'true' },
          { id: 'shell.nap1', kind: 'shell', stage: 'deploy', command: 'sleep 0.3' },
          { id: 'shell.nap2', kind: 'shell', stage: 'deploy', command: 'sleep 0.3' },
        ],
        overrides: { 'shell.off': { enabled: false, advisory: true, timeoutMs: 1000, noData: 'fail' } },
      },
    }),
  );
});

/** `hermes ...args` in process, on the migrated database, with the config above (CI: plain progress). */
const cli = (...args: string[]) =>
  runCliInProcess(args, { env: { DATABASE_URL: db.url, HERMES_CONFIG: config, CI: '1' } });

describe('hermes gates list and explain: the text a reader gets', () => {
  it('lists a stage with each gate flagged custom, disabled, advisory, after its dependencies', async () => {
    expect(await cli('gates', 'list', '--stage', 'deploy')).toEqual({
      code: 0,
      stdout: [
        'build.staging          deploy       Build (staging) (§2.1.1)',
        'deploy.pre-deploy      deploy       Pre-deployment gates passed (§5.1)',
        'build.production       deploy       Build (production) (§2.1.1)  [after deploy.pre-deploy]',
        'assets.validate        deploy       Asset validation (§2.1.2)  [after build.production]',
        'db.backup              deploy       Database backup (§2.2.1)  [after assets.validate]',
        'db.migrate.production  deploy       Migrations deployed (§2.2.1)  [after db.backup]',
        'deploy.api             deploy       Deploy the API (deploy:api) (§2.3.1)  [after db.migrate.production]',
        'health.deployment      deploy       Deployment health checks (§2.3.1)  [after deploy.api]',
        'load.deployment        deploy       Deployment load test (§2.3.2)  [after health.deployment]',
        'shell.first            deploy       true  [custom]',
        'shell.second           deploy       exit 1  [custom; after shell.first]',
        'shell.off              deploy       true  [custom; disabled; advisory]',
        'shell.nap1             deploy       sleep 0.3  [custom]',
        'shell.nap2             deploy       sleep 0.3  [custom]',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(await cli('gates', 'list', '--stage', 'post-deploy')).toEqual({
      code: 0,
      stdout: [
        'security.production  post-deploy  Production security scan (§3.3.1)',
        'db.smoke             post-deploy  Database operations smoke test (§3.1.2)',
        'db.validate-data     post-deploy  Live data integrity (§4.2.1)',
        'db.data-protection   post-deploy  Data protection (§3.3.2)',
        'e2e.contact-form     post-deploy  Contact form end to end (§3.1.1)',
        'perf.response-times  post-deploy  Response times (§3.2.1)',
        'perf.resources       post-deploy  Resource utilization (§3.2.2)',
        '',
      ].join('\n'),
      stderr: '',
    });
    expect(await cli('gates', 'list', '--stage', 'rollback')).toEqual({
      code: 0,
      stdout: 'no gates\n',
      stderr: '',
    });
    // A built-in gate carries its spec section; a built-in is not flagged custom.
    const pre = await cli('gates', 'list', '--stage', 'pre-deploy');
    expect(pre.stdout).toMatch(/^code\.lint {17}pre-deploy {3}ESLint \(§1\.1\.1\)$/m);
  });

  it('explains where every setting comes from: the file, a default, an override', async () => {
    const off = await cli('gates', 'explain', 'shell.off');
    expect(off).toEqual({
      code: 0,
      stdout: [
        'shell.off: true',
        'stage: deploy · custom (gates.custom.2, shell)',
        '',
        'Runs `true`; passes when it exits with 0.',
        '',
        'thresholds:',
        '  gates.custom[shell.off].expectExitCode = 0  (file)  the exit code that passes',
        '',
        'settings:',
        `  gates.overrides.shell.off.enabled = false  (${config})  runs at all`,
        `  gates.overrides.shell.off.advisory = true  (${config})  an advisory gate reports fail as warn and never blocks`,
        `  gates.overrides.shell.off.timeoutMs = 1000  (${config})  timeout (ms)`,
        '  gates.overrides.shell.off.errorAs = "error"  (default)  what an error (could not judge) counts as',
        `  gates.overrides.shell.off.noData = "fail"  (${config})  status when there is nothing to judge`,
        '',
      ].join('\n'),
      stderr: '',
    });
    const second = await cli('gates', 'explain', 'shell.second');
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n').slice(0, 3)).toEqual([
      'shell.second: exit 1',
      'stage: deploy · custom (gates.custom.1, shell)',
      'runs after: shell.first',
    ]);
    // Not overridden: the stage-wide settings, with their own sources.
    expect(second.stdout).toContain('\n  gates.defaultTimeoutMs = 600000  (default)  timeout (ms)\n');
    expect(second.stdout).toContain(
      `\n  gates.noData = "pass"  (${config})  status when there is nothing to judge\n`,
    );
    const lint = await cli('gates', 'explain', 'code.lint');
    expect(lint.stdout.split('\n').slice(0, 2)).toEqual([
      'code.lint: ESLint (spec §1.1.1)',
      'stage: pre-deploy · built-in',
    ]);

    expect(await cli('gates', 'explain', 'nope')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'hermes: no gate nope [gates_unknown]\n  - see hermes gates list\n',
    });
  });
});

describe('hermes gates run and history', () => {
  it('history: none yet, then each run newest first, a failed one with the gates that blocked it', async () => {
    expect(await cli('gates', 'history')).toEqual({ code: 0, stdout: 'no gate runs recorded\n', stderr: '' });

    const failed = await cli('gates', 'run', 'deploy', '--only', 'shell.first,shell.second', '--no-reports');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('hermes: 1 blocking gate did not pass: shell.second [gates_failed]\n');
    const passed = await cli('gates', 'run', 'deploy', '--only', 'shell.first', '--no-reports');
    expect(passed.code, passed.stderr).toBe(0);

    const { rows } = await db.pool.query<{ id: string; status: string }>(
      'SELECT id::text, status FROM hermes_ops.gate_runs ORDER BY started_at DESC',
    );
    expect(rows.map((r) => r.status)).toEqual(['passed', 'failed']);
    const history = await cli('gates', 'history');
    expect(history.code).toBe(0);
    const lines = history.stdout.trimEnd().split('\n');
    // The start time and the duration vary: the rest of each line is exact.
    const shape = (line: string) =>
      line
        .replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>')
        .replace(/ {2}[\d.]+ (?:ms|s|min) {2}/, '  <took>  ');
    expect(lines.map(shape)).toEqual([
      `<time>  deploy       passed  1/1 passed, 0 warned, 0 failed, 0 errors, 0 skipped  <took>  ${rows[0]?.id ?? '?'}`,
      `<time>  deploy       failed  1/2 passed, 0 warned, 1 failed, 0 errors, 0 skipped  <took>  ${rows[1]?.id ?? '?'}  blocked by shell.second`,
    ]);
  });

  it('history on a database without hermes_ops says which command makes it (exit 2)', async () => {
    const empty = await createTestDatabase();
    const result = await runCliInProcess(['gates', 'history'], {
      env: { DATABASE_URL: empty.url, HERMES_CONFIG: config },
    });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'hermes: hermes_ops.gate_runs does not exist [gates_history_missing]\n' +
        '  - run `hermes migrate up` (Hermes) or `hermes ops init` (another project) first\n',
    });
  });

  it('--concurrency 1 runs one gate at a time, whatever gates.concurrency says', async () => {
    const result = await cli(
      '--json',
      'gates',
      'run',
      'deploy',
      '--only',
      'shell.nap1,shell.nap2',
      '--no-reports',
      '--concurrency',
      '1',
    );
    expect(result.code, result.stderr).toBe(0);
    const run = JSON.parse(result.stdout) as {
      results: { id: string; startedAt: string; durationMs: number }[];
    };
    const [a, b] = [...run.results].sort((x, y) => Date.parse(x.startedAt) - Date.parse(y.startedAt));
    // With 4 at once the two naps overlap; one at a time, the second starts after the first ends.
    expect(a && b && Date.parse(b.startedAt) >= Date.parse(a.startedAt) + a.durationMs).toBe(true);
  });

  it('on a terminal (and not under CI) the progress is the live display, the summary after it', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
    Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true });
    try {
      const result = await runCliInProcess(
        ['gates', 'run', 'deploy', '--only', 'shell.first', '--no-reports'],
        {
          // Not under CI, whatever runs this test (.ci/run sets CI=true).
          env: { DATABASE_URL: db.url, HERMES_CONFIG: config, CI: '' },
        },
      );
      expect(result.code, result.stderr).toBe(0);
      const screen = stripVTControlCharacters(result.stdout);
      // listr2's title (id and summary), not the plain line with its status word.
      expect(screen).toMatch(/✔ shell\.first {2}`true` exited with 0 \([\d.]+ m?s\)/);
      expect(screen).not.toContain('shell.first  PASS');
      expect(screen).toMatch(/\ndeploy: PASSED: 1 gate, 1 passed, /);
    } finally {
      if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
      else delete (process.stdout as { isTTY?: boolean }).isTTY;
    }
  });

  it('a report directory that cannot be made: the run is printed and recorded, then exit 2', async () => {
    const result = await cli('gates', 'run', 'deploy', '--only', 'shell.first', '--report-dir', config);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/\ndeploy: PASSED: 1 gate, 1 passed, .*\nhistory: recorded as run \S+\n$/);
    expect(result.stderr).toBe(
      `hermes: cannot write the reports to ${config} [gates_report_unwritable]\n` +
        `  - EEXIST: file already exists, mkdir '${config}'\n`,
    );
  });
});

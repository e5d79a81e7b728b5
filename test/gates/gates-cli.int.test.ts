import { deploySteps } from '../../src/gates/builtin/deploy/index.ts';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseJunit } from 'junit2json';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { ReportFormat } from '../../src/config/sections/gates.ts';
import {
  latestReportName,
  reportFileName,
  runStamp,
  stampOf,
} from '../../src/gates/reporters/report-names.ts';
import type { StageRun } from '../../src/gates/stage-run-result.ts';
import { runCli } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';

// The CLI as a user runs it, with the team's own gates (shell, SQL, HTTP) in the `deploy` stage.

const db = useTestDatabase();
let dir: string;
let server: Server;
let configPath: string;

function customGates(base: string) {
  return [
    { id: 'shell.ok', kind: 'shell', stage: 'deploy', command: 'echo "all good"', outputMatches: 'good' },
    { id: 'shell.exit', kind: 'shell', stage: 'deploy', command: 'echo "disk full" >&2; exit 3' },
    {
      id: 'shell.pattern',
      kind: 'shell',
      stage: 'deploy',
      command: 'echo "WARNING: deprecated"',
      outputNotMatches: 'WARN\\w*',
    },
    { id: 'shell.slow', kind: 'shell', stage: 'deploy', command: 'sleep 30', timeoutMs: 300 },
    {
      id: 'sql.orphans',
      kind: 'sql',
      stage: 'deploy',
      query: 'SELECT count(*) AS orphans FROM hermes_leads WHERE lead_id IS NULL',
      expect: 'value == 0',
    },
    {
      id: 'sql.late',
      kind: 'sql',
      stage: 'deploy',
      query: 'SELECT 2 AS late, 10 AS total',
      expect: 'late < 1 and total > 0',
    },
    { id: 'sql.empty', kind: 'sql', stage: 'deploy', query: 'SELECT 1 WHERE false', expect: 'value == 1' },
    {
      id: 'http.ok',
      kind: 'http',
      stage: 'deploy',
      url: `${base}/health`,
      bodyMatches: '"status":"ok"',
      maxLatencyMs: 10_000,
    },
    { id: 'http.down', kind: 'http', stage: 'deploy', url: `${base}/broken` },
    { id: 'after.down', kind: 'shell', stage: 'deploy', command: 'true', dependsOn: ['http.down'] },
  ];
}

/** A deploy report's `latest` pointer: the name to read the newest run from. */
const latest = (format: ReportFormat): string => latestReportName('deploy', format);
/** The files one run's reports in `formats` leave: one per format named by its stamp, and its `latest`. */
const reportsOf = (stamp: string, formats: ReportFormat[]): string[] =>
  formats.flatMap((format) => [reportFileName('deploy', stamp, format), latest(format)]).sort();

async function writeConfig(path: string, gates: Record<string, unknown>): Promise<void> {
  await writeFile(path, stringify({ gates }));
}

const env = (): NodeJS.ProcessEnv => ({ DATABASE_URL: db.url, HERMES_CONFIG: configPath, CI: '1' });
const gates = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  runCli(['gates', ...args], { env: { ...env(), ...extraEnv }, cwd: dir, timeoutMs: 120_000 });
/** `hermes gates run deploy --only <only> <options>`. */
const runDeploy = (only: string, options: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
  gates(['run', 'deploy', '--only', only, ...options], extraEnv);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hermes-gates-cli-'));
  server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    } else res.writeHead(503).end('maintenance');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  configPath = join(dir, 'hermes.yaml');
  await writeConfig(configPath, { concurrency: 3, custom: customGates(base) });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('hermes gates run', () => {
  it('passes with custom gates of all three kinds, writes every report and records the run', async () => {
    const reports = join(dir, 'reports-ok');
    const result = await runDeploy('shell.ok,sql.orphans,http.ok', ['--report-dir', reports]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^✔ shell\.ok {2}PASS {2}`echo "all good"` exited with 0/m);
    expect(result.stdout).toMatch(/^✔ sql\.orphans {2}PASS {2}value = 0 \(value == 0\)/m);
    expect(result.stdout).toMatch(
      /^✔ http\.ok {2}PASS {2}GET http:\/\/127\.0\.0\.1:\d+\/health answered 200 in \d+ ms/m,
    );
    expect(result.stdout).toContain('deploy: PASSED: 3 gates, 3 passed');

    const run = JSON.parse(await readFile(join(reports, latest('json')), 'utf8')) as StageRun;
    expect((await readdir(reports)).sort()).toEqual(
      reportsOf(runStamp(run.startedAt), ['html', 'json', 'junit', 'md']),
    );
    expect(run).toMatchObject({ stage: 'deploy', exitCode: 0, history: { recorded: true } });
    expect(result.stdout).toContain(`history: recorded as run ${run.id}`);

    const { rows } = await db.pool.query<{ gate_id: string; status: string }>(
      'SELECT gate_id, status FROM hermes_ops.gate_results WHERE run_id = $1 ORDER BY gate_id',
      [run.id],
    );
    expect(rows).toEqual([
      { gate_id: 'http.ok', status: 'pass' },
      { gate_id: 'shell.ok', status: 'pass' },
      { gate_id: 'sql.orphans', status: 'pass' },
    ]);

    const history = await gates(['history', '--limit', '50', '--json']);
    expect(history.code).toBe(0);
    const listed = JSON.parse(history.stdout) as { id: string; status: string; total: number }[];
    expect(listed.find((r) => r.id === run.id)).toMatchObject({ status: 'passed', total: 3 });
  });

  it('exits 1 naming the culprit of each kind of failure, skipping what depends on it', async () => {
    const reports = join(dir, 'reports-fail');
    const result = await runDeploy('shell.exit,shell.pattern,sql.late,http.down,after.down', [
      '--report-dir',
      reports,
      '--format',
      'junit,md',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '✘ shell.exit  FAIL  `echo "disk full" >&2; exit 3` exited with 3, expected 0',
    );
    expect(result.stdout).toContain('✘ shell.pattern  FAIL  the output matches /WARN\\w*/: WARNING');
    expect(result.stdout).toContain(
      '✘ sql.late  FAIL  expected late < 1 and total > 0, got late = 2, total = 10',
    );
    expect(result.stdout).toMatch(
      /✘ http\.down {2}FAIL {2}GET http:\/\/127\.0\.0\.1:\d+\/broken answered 503, expected 200/,
    );
    expect(result.stdout).toContain('↓ after.down  SKIP  skipped: depends on http.down, which failed');
    expect(result.stderr).toContain(
      'hermes: 4 blocking gates did not pass: shell.exit, shell.pattern, sql.late, http.down [gates_failed]',
    );
    // One run: each format named by it, beside its `latest` pointer.
    const files = await readdir(reports);
    const stamps = new Set(
      files.map((name) => stampOf('deploy', name)).filter((stamp) => stamp !== undefined),
    );
    expect(stamps.size).toBe(1);
    expect(files.sort()).toEqual(reportsOf([...stamps].join(''), ['junit', 'md']));

    const junit = await parseJunit(await readFile(join(reports, latest('junit')), 'utf8'));
    if (!junit || !('testsuite' in junit)) throw new Error('expected <testsuites>');
    expect(junit.testsuite?.[0]).toMatchObject({ tests: 5, failures: 4, skipped: 1 });
    const md = await readFile(join(reports, latest('md')), 'utf8');
    expect(md).toContain('disk full');
  });

  it('ends a gate at its timeout, and an advisory gate does not block', async () => {
    const result = await runDeploy('shell.slow', ['--no-reports']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✘ shell.slow  ERROR  timed out after 300 ms');

    const advisoryConfig = join(dir, 'advisory.yaml');
    await writeConfig(advisoryConfig, {
      custom: [{ id: 'shell.slow', kind: 'shell', stage: 'deploy', command: 'exit 1' }],
      overrides: { 'shell.slow': { advisory: true } },
    });
    const advisory = await gates(['run', 'deploy', '--only', 'shell.slow', '--no-reports'], {
      HERMES_CONFIG: advisoryConfig,
    });
    expect(advisory.code).toBe(0);
    expect(advisory.stdout).toContain('⚠ shell.slow  WARN (advisory)');
  });

  it('applies the no-data policy to a query that returns nothing', async () => {
    const result = await runDeploy('sql.empty', ['--no-reports', '--json']);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as StageRun;
    expect(run.results[0]).toMatchObject({ status: 'warn', summary: 'no data: the query returned no rows' });
  });

  it('exits 2 when the database is unreachable, still reporting, and says history was not recorded', async () => {
    const reports = join(dir, 'reports-down');
    const result = await runDeploy('sql.orphans,shell.ok', ['--report-dir', reports], {
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/hermes_unreachable',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('✘ sql.orphans  ERROR');
    expect(result.stdout).toContain('✔ shell.ok  PASS');
    expect(result.stdout).toMatch(/history: not recorded \(database unreachable: /);
    expect(result.stderr).toContain('[gates_database_unreachable]');
    const run = JSON.parse(await readFile(join(reports, latest('json')), 'utf8')) as StageRun;
    expect(run).toMatchObject({ exitCode: 2, status: 'error', history: { recorded: false } });
  });

  it('exits 2 for an unknown stage or gate', async () => {
    const stage = await gates(['run', 'predeploy']);
    expect(stage.code).toBe(2);
    expect(stage.stderr).toContain(
      'stage: expected one of pre-deploy, deploy, post-deploy, rollback, got "predeploy"',
    );
    const only = await runDeploy('shell.nope', []);
    expect(only.code).toBe(2);
    expect(only.stderr).toContain('--only shell.nope: no such gate');
  });
});

describe('hermes gates run: a stage that would judge nothing', () => {
  const deployRuns = async (): Promise<number> => {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM hermes_ops.gate_runs WHERE stage = 'deploy'`,
    );
    return rows[0]?.n ?? 0;
  };
  const refused = /^hermes: .*nothing would be judged, so (it|stage deploy) cannot pass \[stage_empty\]$/m;

  it('exits 2 for `gates run deploy` with no gate to run, recording and reporting nothing', async () => {
    // Without custom gates, deploy has no gate today. When built-in deploy gates arrive, they are
    // disabled here, so the stage still has nothing to run (the message then names them).
    const bare = join(dir, 'bare.yaml');
    await writeConfig(bare, {});
    const listed = await gates(['list', '--stage', 'deploy', '--json'], { HERMES_CONFIG: bare });
    expect(listed.code, listed.stderr).toBe(0);
    const ids = (JSON.parse(listed.stdout) as { id: string }[]).map((r) => r.id);
    await writeConfig(bare, { overrides: Object.fromEntries(ids.map((id) => [id, { enabled: false }])) });

    const before = await deployRuns();
    const reports = join(dir, 'reports-empty');
    const result = await gates(['run', 'deploy', '--report-dir', reports], { HERMES_CONFIG: bare });
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain('PASSED');
    expect(result.stderr).toMatch(refused);
    expect(result.stderr).toContain('`hermes gates list --stage deploy`');
    expect(await deployRuns()).toBe(before);
    await expect(readdir(reports)).rejects.toThrow(/ENOENT/);
  });

  it('exits 2 when every gate --only selects is disabled', async () => {
    const off = join(dir, 'off.yaml');
    await writeConfig(off, {
      custom: [{ id: 'shell.off', kind: 'shell', stage: 'deploy', command: 'true' }],
      overrides: { 'shell.off': { enabled: false } },
    });
    const before = await deployRuns();
    const result = await gates(['run', 'deploy', '--only', 'shell.off', '--no-reports'], {
      HERMES_CONFIG: off,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'hermes: every gate --only selected is disabled: nothing would be judged, so stage deploy cannot pass [stage_empty]',
    );
    expect(result.stderr).toContain('disabled by gates.overrides.<id>.enabled: false: shell.off');
    expect(await deployRuns()).toBe(before);
  });
});

describe('hermes gates list, explain, validate', () => {
  it('lists the custom gates of a stage', async () => {
    const result = await gates(['list', '--stage', 'deploy', '--json']);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { id: string; kind: string; dependsOn: string[] }[];
    // The deploy stage's gates, and only those: its built-in steps and the custom gates, no
    // pre-deploy gate.
    expect(rows.map((r) => r.id).sort()).toEqual(
      [...customGates('http://x').map((g) => g.id), 'build.staging', ...deploySteps].sort(),
    );
    expect(rows.find((r) => r.id === 'after.down')).toMatchObject({
      kind: 'custom',
      dependsOn: ['http.down'],
    });
  });

  it('explains a gate: what it checks, its thresholds and where its settings come from', async () => {
    const result = await gates(['explain', 'sql.late']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Runs a read-only query and expects late < 1 and total > 0.');
    expect(result.stdout).toContain('column late must be < 1');
    expect(result.stdout).toMatch(/gates\.defaultTimeoutMs = 600000 {2}\(default\)/);
    expect(result.stdout).toMatch(/gates\.overrides\.sql\.late\.advisory = false {2}\(default\)/);

    // A threshold set in the file is shown with the file as its source; the others as defaults.
    const tuned = join(dir, 'tuned.yaml');
    await writeConfig(tuned, {
      thresholds: { code: { lint: { maxErrors: 3 } } },
      overrides: { 'code.lint': { advisory: true } },
    });
    const lint = await gates(['explain', 'code.lint', '--json'], { HERMES_CONFIG: tuned });
    expect(lint.code).toBe(0);
    const explained = JSON.parse(lint.stdout) as {
      thresholds: { key: string; value: unknown; source: string }[];
      settings: { key: string; value: unknown; source: string }[];
    };
    expect(explained.thresholds).toContainEqual(
      expect.objectContaining({ key: 'gates.thresholds.code.lint.maxErrors', value: 3, source: tuned }),
    );
    expect(explained.settings).toContainEqual(
      expect.objectContaining({ key: 'gates.overrides.code.lint.advisory', value: true, source: tuned }),
    );
    expect(explained.settings).toContainEqual(
      expect.objectContaining({ key: 'gates.noData', source: 'default' }),
    );
  });

  it('validate: exit 2 naming each key at fault', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeConfig(bad, {
      concurrency: 0,
      custom: [
        { id: 'sql.bad', kind: 'sql', query: 'SELECT 1', expect: 'value ~ 1' },
        { id: 'shell.bad', kind: 'shell', command: 'true', outputMatches: '([' },
      ],
    });
    const result = await gates(['validate'], { HERMES_CONFIG: bad });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('gates.concurrency: expected number >= 1, got 0');
    expect(result.stderr).toContain('gates.custom.0.expect: expected comparisons like "value == 0"');
    expect(result.stderr).toContain('gates.custom.1.outputMatches: expected a valid regular expression');

    const unknown = join(dir, 'unknown.yaml');
    await writeConfig(unknown, {
      overrides: { 'no.such-gate': { advisory: true } },
      custom: [{ id: 'shell.x', kind: 'shell', command: 'true', dependsOn: ['shell.y'] }],
    });
    const refs = await gates(['validate'], { HERMES_CONFIG: unknown });
    expect(refs.code).toBe(2);
    expect(refs.stderr).toContain('gates.overrides.no.such-gate: no such gate');
    expect(refs.stderr).toContain('gates.custom.0 (shell.x): depends on shell.y, which is no gate');
    // The same config refuses to run.
    const run = await gates(['run', 'pre-deploy', '--only', 'shell.x'], { HERMES_CONFIG: unknown });
    expect(run.code).toBe(2);
  });

  it('validate: the project configuration is valid', async () => {
    const result = await gates(['validate']);
    expect(result.stdout).toMatch(/^gates valid: \d+ gates \(\d+ built-in, 10 custom\)/);
    expect(result.code).toBe(0);
  });
});

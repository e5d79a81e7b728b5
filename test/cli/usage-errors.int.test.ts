import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { adminUrl } from '../support/admin-url.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';

/** A database on the real test server that is never created: reaching it fails, but differently. */
function absentDatabaseUrl(): string {
  const url = new URL(adminUrl());
  url.pathname = `/hermes_test_${inject('testRunId')}_never_created_${randomBytes(3).toString('hex')}`;
  return url.toString();
}

const workDirs: string[] = [];

interface Call {
  args: readonly string[];
  /** The option or argument the message must name, and the value it must quote. */
  field: string;
  got: string;
}

interface Run {
  call: Call;
  cwd: string;
  result: CliResult;
}

/**
 * Each call runs in its own empty working directory (the embedded database would go to
 * `.hermes/pgdata` there), with DATABASE_URL on a database that does not exist: a command that
 * opened anything before checking its arguments leaves a file or fails on the connection instead.
 */
async function runAll(calls: readonly Call[], concurrency = 4): Promise<Run[]> {
  const databaseUrl = absentDatabaseUrl();
  const runs: Run[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < calls.length; i = next++) {
      const call = calls[i];
      if (!call) continue;
      const cwd = mkdtempSync(join(tmpdir(), 'hermes-usage-'));
      workDirs.push(cwd);
      // serve and worker without DATABASE_URL: they would start the embedded database in cwd.
      const embedded = call.args.includes('serve') || call.args.includes('worker');
      const env = embedded ? {} : { DATABASE_URL: databaseUrl };
      runs[i] = { call, cwd, result: await runCli(call.args, { cwd, env }) };
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return runs;
}

const badValues: Call[] = [
  { args: ['serve', '--port', '-1'], field: '--port', got: '-1' },
  { args: ['serve', '--port', '80x'], field: '--port', got: '80x' },
  { args: ['worker', '--concurrency', '0'], field: '--concurrency', got: '0' },
  { args: ['migrate', 'down', '--to', 'abc'], field: '--to', got: 'abc' },
  { args: ['migrate', 'up', '--to', '1.5'], field: '--to', got: '1.5' },
  { args: ['migrate', 'plan', '--to', '-2'], field: '--to', got: '-2' },
  { args: ['gates', 'run', 'predeploy'], field: 'stage', got: 'predeploy' },
  { args: ['gates', 'run', 'deploy', '--format', 'junit,xml'], field: '--format', got: 'junit,xml' },
  { args: ['gates', 'run', 'deploy', '--concurrency', '0'], field: '--concurrency', got: '0' },
  { args: ['gates', 'run', 'post-deploy', '--url', 'ftp://host/x'], field: '--url', got: 'ftp://host/x' },
  { args: ['gates', 'run', 'post-deploy', '--url', 'not a url'], field: '--url', got: 'not a url' },
  // Echoed without the credentials, which would land in reports and the history.
  {
    args: ['gates', 'run', 'post-deploy', '--url', 'https://ops:pw@h.example/'],
    field: '--url',
    got: 'https://h.example/ (with credentials)',
  },
  { args: ['gates', 'list', '--stage', 'nope'], field: '--stage', got: 'nope' },
  { args: ['gates', 'history', '--limit', '0'], field: '--limit', got: '0' },
  { args: ['deployments', 'list', '--limit', '1e3'], field: '--limit', got: '1e3' },
  { args: ['deployments', 'show', 'abc'], field: 'id', got: 'abc' },
  { args: ['deliveries', 'list', '--status', 'lost'], field: '--status', got: 'lost' },
  { args: ['deliveries', 'list', '--limit', 'many'], field: '--limit', got: 'many' },
  { args: ['deliveries', 'list', '--since', 'yesterday'], field: '--since', got: 'yesterday' },
  { args: ['deliveries', 'show', 'nope'], field: 'lead_id', got: 'nope' },
  { args: ['deliveries', 'replay', 'HS-20250101-ZZZZZZ', 'HS-1'], field: 'lead_id', got: 'HS-1' },
  { args: ['leads', 'show', 'nope'], field: 'lead_id', got: 'nope' },
  { args: ['keys', 'rotate', '--batch-size', '0'], field: '--batch-size', got: '0' },
  {
    args: ['leads', 'export', '--email', 'not-an-email', '--out', 'export.json'],
    field: '--email',
    got: 'not-an-email',
  },
  { args: ['leads', 'erase', '--email', 'nobody', '--yes'], field: '--email', got: 'nobody' },
  { args: ['leads', 'retention', '--older-than-days', 'soon'], field: '--older-than-days', got: 'soon' },
  { args: ['--config', '', 'config', 'print'], field: '--config', got: '' },
];

/** Commander's own refusals, each with the one line Hermes prints for it. */
const commanderRefusals: readonly (readonly [readonly string[], string])[] = [
  [['serve', '--bogus'], "unknown option '--bogus'"],
  [['serve', '--port'], "option '--port <port>' argument missing"],
  [['migrate', 'down'], "required option '--to <version>' not specified"],
  [['leads', 'show'], "missing required argument 'lead_id'"],
  [
    ['leads', 'show', 'HS-20250101-ZZZZZZ', 'HS-20250101-YYYYYY'],
    "too many arguments for 'show'. Expected 1 argument but got 2",
  ],
  [['bogus'], "unknown command 'bogus'"],
  [['serv'], "unknown command 'serv' (did you mean serve?)"],
  [['gates', 'bogus'], "unknown command 'bogus'"],
  [['help', 'bogus'], "unknown command 'bogus'"],
  [['gates'], 'gates needs a command: list, run, explain, validate, history'],
  [
    [],
    'a command is needed: serve, migrate, config, gates, deploy, assets, deployments, leads, worker, deliveries, keys, ops, completion',
  ],
];

function expectTouchedNothing(run: Run): void {
  const what = run.call.args.join(' ');
  expect(readdirSync(run.cwd), `${what}: created files`).toEqual([]);
  expect(run.result.stderr, what).not.toMatch(/cannot connect|\[db_|\[migration/);
}

describe('hermes: bad usage exits 2 before anything is opened', () => {
  afterAll(() => {
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'names the option, what was expected and what was got, for every command',
    { timeout: 120_000 },
    async () => {
      const runs = await runAll(badValues);
      for (const run of runs) {
        const { call, result } = run;
        const what = `${call.args.join(' ')}\n${result.stderr}`;
        expect(result.code, what).toBe(2);
        expect(result.stderr, what).toContain(`hermes: ${call.field}: expected `);
        expect(result.stderr, what).toContain(`got ${JSON.stringify(call.got)}`);
        expect(result.stderr, what).toContain('[usage_invalid]');
        expect(result.stdout, what).toBe('');
        expectTouchedNothing(run);
      }
    },
  );

  it(
    'checks combinations of options before connecting, and keeps commander usage errors at 2',
    { timeout: 60_000 },
    async () => {
      const runs = await runAll([
        { args: ['deliveries', 'replay'], field: '', got: '' },
        { args: ['deliveries', 'replay', 'HS-20250101-ZZZZZZ', '--dead'], field: '', got: '' },
        { args: ['migrate', 'plan', '--down'], field: '', got: '' },
        { args: ['migrate', 'up', '--to', '0'], field: '', got: '' },
        { args: ['serve', '--bogus'], field: '', got: '' },
        { args: ['migrate', 'down'], field: '', got: '' },
      ]);
      const [nothing, both, planDown, upToZero, unknownOption, missingOption] = runs.map((r) => r.result);
      expect(nothing?.stderr).toContain('nothing to replay');
      expect(both?.stderr).toContain('not both');
      expect(planDown?.stderr).toContain('--down needs --to');
      expect(upToZero?.stderr).toContain('--to: expected a migration version');
      for (const r of [nothing, both, planDown, upToZero]) expect(r?.stderr).toContain('[usage_invalid]');
      expect(unknownOption?.stderr).toContain("unknown option '--bogus'");
      expect(missingOption?.stderr).toContain("required option '--to <version>' not specified");
      for (const run of runs) {
        expect(run.result.code, run.call.args.join(' ')).toBe(2);
        expectTouchedNothing(run);
      }
    },
  );

  it(
    "every kind of usage error is one line in Hermes's format (plus a hint), never commander's help",
    { timeout: 60_000 },
    async () => {
      const runs = await runAll(commanderRefusals.map(([args]) => ({ args, field: '', got: '' })));
      runs.forEach((run, i) => {
        const { result } = run;
        const what = `${run.call.args.join(' ')}\n${result.stderr}`;
        expect(result.code, what).toBe(2);
        expect(result.stdout, what).toBe('');
        expect(result.stderr, what).not.toMatch(/^error:|Usage:|Options:/m);
        const [line, hint, ...rest] = result.stderr.trimEnd().split('\n');
        expect(line, what).toBe(`hermes: ${commanderRefusals[i]?.[1] ?? ''} [usage_invalid]`);
        expect(hint, what).toMatch(/^ {4}run `hermes[a-z ]*--help` for the usage$/);
        expect(rest, what).toEqual([]);
        expectTouchedNothing(run);
      });
    },
  );

  it(
    'with --json anywhere, any usage error is one JSON line on stderr, nothing on stdout, exit 2',
    { timeout: 60_000 },
    async () => {
      const calls: Call[] = [
        { args: ['--json', 'serve', '--port', '-1'], field: '--port', got: '-1' },
        { args: ['serve', '--port', '-1', '--json'], field: '--port', got: '-1' },
        // --config's parser refuses '' before commander has read --json.
        { args: ['--config', '', '--json', 'config', 'print'], field: '--config', got: '' },
        ...commanderRefusals.map(([args]) => ({ args: [...args, '--json'], field: '', got: '' })),
      ];
      const runs = await runAll(calls);
      const documents = runs.map((run) => {
        const what = `${run.call.args.join(' ')}\n${run.result.stderr}`;
        expect(run.result.code, what).toBe(2);
        expect(run.result.stdout, what).toBe('');
        expect(run.result.stderr.endsWith('\n'), what).toBe(true);
        expect(run.result.stderr.trimEnd().split('\n'), what).toHaveLength(1);
        expectTouchedNothing(run);
        return JSON.parse(run.result.stderr) as { error: Record<string, unknown> };
      });
      const [portFirst, portLast, config, ...refusals] = documents;
      const port = {
        code: 'usage_invalid',
        message: '--port: expected an integer from 0 to 65535, got "-1"',
        fields: [{ field: '--port', expected: 'an integer from 0 to 65535', got: '-1' }],
        details: ['run `hermes serve --help` for the usage'],
      };
      expect(portFirst).toEqual({ error: port });
      expect(portLast).toEqual({ error: port });
      expect(config?.error).toMatchObject({
        code: 'usage_invalid',
        fields: [{ field: '--config', expected: 'a file path', got: '' }],
      });
      refusals.forEach((document, i) => {
        expect(document.error).toMatchObject({
          code: 'usage_invalid',
          message: commanderRefusals[i]?.[1],
          fields: [],
        });
      });
    },
  );

  it('--help still prints the help on stdout and exits 0, for groups declared on demand too', async () => {
    const runs = await runAll(
      [
        ['--help'],
        ['serve', '--help'],
        ['gates', '--help'],
        ['leads', 'export', '--help'],
        ['help', 'gates'],
      ].map((args) => ({ args, field: '', got: '' })),
    );
    for (const run of runs) {
      const what = run.call.args.join(' ');
      expect(run.result.code, what).toBe(0);
      expect(run.result.stdout, what).toMatch(/^Usage: hermes/);
      expect(run.result.stderr, what).toBe('');
    }
  });

  it('a runtime error with --json is one JSON line on stderr, with its own exit code', async () => {
    const [control] = await runAll([
      { args: ['--json', 'migrate', 'down', '--to', '0'], field: '', got: '' },
    ]);
    expect(control?.result.code).toBe(2);
    expect(control?.result.stdout).toBe('');
    expect(control?.result.stderr.trimEnd().split('\n')).toHaveLength(1);
    const document = JSON.parse(control?.result.stderr ?? '') as { error: { code: string; message: string } };
    expect(document.error.code).toMatch(/^db_/);
    expect(document.error.message).toContain('cannot connect to the database');
  });

  it('a valid call with the same environment does reach the database (the check above means something)', async () => {
    const [control] = await runAll([{ args: ['migrate', 'down', '--to', '0'], field: '', got: '' }]);
    expect(control?.result.code).toBe(2);
    expect(control?.result.stderr).toContain('cannot connect to the database');
  });
});

import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { adminUrl } from '../support/admin-url.ts';
import { freePort } from '../support/free-port.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { createTestDatabase } from '../support/test-database.ts';

/**
 * `hermes deploy` as a user types it (a subprocess): the usage it refuses before touching
 * anything, `--version` as the release's, the local target's refusal of the embedded database,
 * and `deploy status` / `deploy stop` on a target that never ran.
 */

const repoRoot = new URL('../..', import.meta.url).pathname;
const packageVersion = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }
).version;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-deploy-cli-'));
  dirs.push(dir);
  return dir;
}

/** A database on the test server that was never created: anything that connects fails. */
function absentDatabaseUrl(): string {
  const url = new URL(adminUrl());
  url.pathname = `/hermes_test_${inject('testRunId')}_never_created_${randomBytes(3).toString('hex')}`;
  return url.toString();
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

describe('hermes deploy: usage it refuses, exit 2, before anything is touched', () => {
  const refused: { args: string[]; message: RegExp }[] = [
    {
      args: ['deploy', '--skip', 'pre-deploy'],
      message: /^hermes: --skip pre-deploy needs --reason: .+ \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--reason', 'x'],
      message: /^hermes: --reason goes with --skip: .+ \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--skip', 'post-deploy', '--reason', 'x'],
      message: /^hermes: --skip: expected one of pre-deploy, got "post-deploy" \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--env', 'NOEQUALS'],
      message:
        /^hermes: --env: expected KEY=VALUE with a variable name such as HERMES_X, got "NOEQUALS" \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--env', '1BAD=x'],
      message: /^hermes: --env: expected KEY=VALUE .+, got "1BAD=…" \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--source', '/no/such/dir'],
      message: /^hermes: --source \/no\/such\/dir: no such directory \[usage_invalid\]$/,
    },
    {
      args: ['deploy', '--target', 'vercel'],
      message: /^hermes: --target: expected one of local, command, got "vercel" \[usage_invalid\]$/,
    },
  ];

  it.each(refused.map((call) => ({ ...call, line: call.args.join(' ') })))(
    '$line',
    async ({ args, message }) => {
      // An empty working directory (the source, and where the embedded database would go), and a
      // database that does not exist: a command that went further would leave a file or fail on it.
      const cwd = tempDir();
      const dataDir = join(cwd, 'pgdata');
      const result = await runCli(args, {
        cwd,
        env: { DATABASE_URL: absentDatabaseUrl(), HERMES_DATA_DIR: dataDir },
      });
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr)[0]).toMatch(message);
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it('never echoes the value of a refused --env pair, nor of the pairs beside it', async () => {
    const args = ['deploy', '--env', 'SECRET_TOKEN=hunter2', '--env', '9SECRET=hunter2'];
    const cwd = tempDir();
    const plain = await runCli(args, { cwd, env: { DATABASE_URL: absentDatabaseUrl() } });
    const json = await runCli(['--json', ...args], { cwd, env: { DATABASE_URL: absentDatabaseUrl() } });
    for (const result of [plain, json]) {
      expect(result.code, result.stderr).toBe(2);
      expect(`${result.stdout}${result.stderr}`).not.toContain('hunter2');
    }
    expect(lines(plain.stderr)[0]).toBe(
      'hermes: --env: expected KEY=VALUE with a variable name such as HERMES_X, got "9SECRET=…" [usage_invalid]',
    );
    expect(JSON.parse(json.stderr)).toMatchObject({
      error: {
        code: 'usage_invalid',
        fields: [
          { field: '--env', expected: 'KEY=VALUE with a variable name such as HERMES_X', got: '9SECRET=…' },
        ],
      },
    });
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('--version', () => {
  it("after deploy is the release's version: the plan says release 1.2.3", async () => {
    const db = await createTestDatabase({ migrate: true });
    const cwd = tempDir();
    const config = join(cwd, 'hermes.yaml');
    writeFileSync(
      config,
      `deploy:\n  local:\n    dir: ${join(cwd, 'state')}\n    port: ${String(await freePort())}\n`,
    );
    const env = { DATABASE_URL: db.url, HERMES_CONFIG: config };
    const deploy = ['deploy', '--version', '1.2.3', '--dry-run', '--source', repoRoot];
    const text = await runCli(deploy, { cwd, env });
    expect(text.code, text.stderr).toBe(0);
    expect(lines(text.stdout)[0]).toBe('hermes deploy --dry-run: nothing is changed');
    expect(text.stdout).toMatch(/^release: 1\.2\.3 \(commit [0-9a-f]{40}\) from /m);
    const json = await runCli(['--json', ...deploy], { cwd, env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: '1.2.3', target: 'local' });
    // A dry run: no ledger row, no target state.
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM hermes_ops.deployments',
    );
    expect(rows).toEqual([{ n: 0 }]);
    expect(existsSync(join(cwd, 'state'))).toBe(false);
  }, 60_000);

  it('alone still prints the version of Hermes', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], { cwd: tempDir() });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${packageVersion}\n`);
    }
  });
});

describe('hermes deploy on the embedded database', () => {
  it('refuses the local target in one line: it needs a real PostgreSQL', async () => {
    const cwd = tempDir();
    const result = await runCli(['deploy', '--skip', 'pre-deploy', '--reason', 'x'], {
      cwd,
      env: { HERMES_DATA_DIR: join(tempDir(), 'pgdata') },
      timeoutMs: 120_000,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stdout).toBe('');
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^hermes: the local target needs a real PostgreSQL .*\[deploy_target_unsupported\]$/,
      ),
    ]);
    // Nothing of the target was set up in the source.
    expect(readdirSync(cwd)).toEqual([]);
  }, 150_000);
});

describe('hermes deploy status and stop on a target that never ran', () => {
  async function fresh(): Promise<{ cwd: string; env: NodeJS.ProcessEnv; state: string; port: number }> {
    const cwd = tempDir();
    const state = join(cwd, 'local-target');
    const port = await freePort();
    const config = join(cwd, 'hermes.yaml');
    writeFileSync(config, `deploy:\n  local:\n    dir: ${state}\n    port: ${String(port)}\n`);
    return { cwd, env: { HERMES_CONFIG: config }, state, port };
  }

  it('status: live nothing; --json: no live colour, no colours', async () => {
    const { cwd, env, port } = await fresh();
    const text = await runCli(['deploy', 'status'], { cwd, env });
    expect(text.code, text.stderr).toBe(0);
    expect(lines(text.stdout)).toEqual([
      `public URL: http://127.0.0.1:${String(port)} (nginx stopped)`,
      'live: nothing',
    ]);
    const json: CliResult = await runCli(['--json', 'deploy', 'status'], { cwd, env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({
      publicUrl: `http://127.0.0.1:${String(port)}`,
      nginxRunning: false,
      live: null,
      colours: [],
    });
  });

  it('stop: nginx was not running, nothing stopped, exit 0', async () => {
    const { cwd, env } = await fresh();
    const text = await runCli(['deploy', 'stop'], { cwd, env });
    expect(text.code, text.stderr).toBe(0);
    expect(lines(text.stdout)).toEqual(['nginx: was not running', 'releases stopped: none was running']);
    const json = await runCli(['--json', 'deploy', 'stop'], { cwd, env });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ nginx: false, colours: [] });
  });
});

import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, hermesBin } from '../support/run-cli.ts';
import { useTestDatabase } from '../support/test-database.ts';

const database = useTestDatabase();
const noKeys = 'the admin API has no keys: every /api/admin/* request is answered 401';
const running: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

/** `hermes serve --port 0 ...args` on the file's database; resolves once it listens, stdout and stderr apart. */
async function serve(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [hermesBin, 'serve', '--port', '0', ...args], {
    env: { ...cleanEnv(), LOG_LEVEL: 'warn', ...env, DATABASE_URL: database.url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = () => {
    child.kill('SIGTERM');
    return exited;
  };
  running.push(stop);
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /Hermes listening on (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`serve exited with ${String(code)}:\n${stdout}\n${stderr}`)));
  });
  return { base, stdout: () => stdout, stderr: () => stderr, stop };
}

/** Waits (up to 10 s) for `read()` to match. */
async function eventually(read: () => string, pattern: RegExp): Promise<string> {
  for (let waited = 0; !pattern.test(read()) && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return read();
}

describe('hermes serve start-up and logs', () => {
  it('warns once on stderr and in the log that the admin API answers 401 without keys', async () => {
    const server = await serve([]);
    const warnings = server
      .stderr()
      .split('\n')
      .filter((line) => line.includes(noKeys));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^hermes: warning: .*HERMES_ADMIN_API_KEYS/);
    // Not a terminal: JSON lines, the warning among them at level warn.
    const logged = server
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(logged.filter((line) => line.level === 40 && line.msg.includes(noKeys))).toHaveLength(1);
    const refused = await fetch(`${server.base}/api/admin/leads/x`);
    expect(refused.status).toBe(401);
    await refused.arrayBuffer();
  });

  it('says nothing about admin keys when some are set', async () => {
    const server = await serve([], { HERMES_ADMIN_API_KEYS: 'a-key-of-sixteen-chars-or-more' });
    expect(server.stderr()).not.toContain('admin API');
    expect(server.stdout()).not.toContain('admin API');
  });

  it('logs readable lines with --pretty (or log.format), masking personal data there too', async () => {
    const server = await serve(['--pretty'], { LOG_LEVEL: 'info' });
    const answer = await fetch(`${server.base}/ada.lovelace@example.com/07700900123`);
    await answer.arrayBuffer();
    const out = await eventually(server.stdout, /a\*\*\*@example\.com/);
    expect(out).toMatch(/WARN.*: the admin API has no keys/);
    // Said once: the pretty log is what the terminal shows.
    expect(server.stderr()).not.toContain(noKeys);
    expect(out).toMatch(/INFO.*: request/);
    expect(out).toContain('a***@example.com');
    expect(out).not.toContain('ada.lovelace');
    expect(out).not.toContain('7700900');
    expect(out.split('\n').some((line) => line.startsWith('{'))).toBe(false);

    const configured = await serve([], { HERMES_LOG_FORMAT: 'pretty' });
    expect(configured.stdout()).toMatch(/WARN.*: the admin API has no keys/);
  });

  it('--no-pretty logs JSON even when log.format says pretty', async () => {
    const server = await serve(['--no-pretty'], { HERMES_LOG_FORMAT: 'pretty' });
    const lines = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('admin API has no keys'));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 40 });
  });
});

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, hermesBin, runCli } from '../support/run-cli.ts';

/** Starts `hermes serve` and resolves with its URL once it says it listens. */
function startServe(
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string }> {
  const child = spawn(process.execPath, [hermesBin, 'serve'], { env: { ...cleanEnv(), ...env } });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Hermes listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1], output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) =>
      reject(new Error(`serve exited with ${String(code)} before listening:\n${output}`)),
    );
  });
}

function exitCode(child: ChildProcessWithoutNullStreams): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('hermes serve on the embedded database', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'hermes-embedded-')), 'pgdata');
  const env = { HERMES_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
  let server: Awaited<ReturnType<typeof startServe>> | undefined;

  afterAll(() => {
    server?.child.kill('SIGKILL');
  });

  it(
    'starts with no DATABASE_URL, migrates, answers /health, and refuses a second process',
    { timeout: 120_000 },
    async () => {
      server = await startServe(env);
      expect(server.output()).toContain(`embedded PostgreSQL in ${dataDir}`);

      const health = await fetch(`${server.url}/health`);
      expect(health.status).toBe(200);
      const body = (await health.json()) as { status: string; version: string };
      expect(body.status).toBe('ok');
      expect(body.version).toMatch(/^\d+\.\d+\.\d+/);

      const database = await fetch(`${server.url}/health/database`);
      expect(database.status).toBe(200);
      expect(await database.json()).toMatchObject({ status: 'ok', read: true, write: true });

      const second = await runCli(['serve'], { env });
      expect(second.code).toBe(2);
      expect(second.stderr).toContain('is in use by another Hermes process');

      const exited = exitCode(server.child);
      server.child.kill('SIGTERM');
      expect(await exited).toBe(0);
      server = undefined;
    },
  );

  it('keeps its data and schema across restarts', { timeout: 120_000 }, async () => {
    const again = await startServe(env);
    server = again;
    expect(again.output()).not.toContain('applied');
    const exited = exitCode(again.child);
    again.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
    const status = await runCli(['--json', 'migrate', 'status'], { env });
    expect(status.code).toBe(0);
    expect((JSON.parse(status.stdout) as { state: string }[]).every((m) => m.state === 'applied')).toBe(true);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HermesError } from '../../../src/errors/hermes-error.ts';
import { startService } from '../../../src/gates/builtin/tests/start-service.ts';
import { makeProject } from './support/gate-context.ts';

// startService, the way tests.performance starts the service it loads: real subprocesses.
const fixture = makeProject({
  'serve.mjs': `import { createServer } from 'node:http';
const server = createServer((req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  console.error('starting');
  console.log('listening on http://127.0.0.1:' + String(server.address().port) + ' (ready)');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
  'crash.mjs': "console.error('DATABASE_URL is not set'); process.exit(3);\n",
  // Prints nothing on stdout; leaves its pid, so a test can see it was ended.
  'silent.mjs':
    "import { writeFileSync } from 'node:fs';\nwriteFileSync('silent.pid', String(process.pid));\nsetInterval(() => undefined, 1_000);\n",
});
afterAll(() => {
  fixture.remove();
});

const options = (timeoutMs = 10_000, signal = new AbortController().signal) => ({
  cwd: fixture.dir,
  env: { PATH: process.env.PATH ?? '' },
  timeoutMs,
  signal,
});

/** The HermesError startService threw, for its code and message. */
async function startFailure(command: string[], opts = options()): Promise<HermesError> {
  const error: unknown = await startService(command, opts).then(
    (service) => service.stop(),
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof HermesError)) throw new Error(`expected a HermesError, got ${String(error)}`);
  return error;
}

describe('startService', () => {
  it('answers with the URL the service printed, its memory while it runs, and none once stopped', async () => {
    const service = await startService(['node', 'serve.mjs'], options());
    try {
      expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(service.url)).text()).toBe('ok');
      expect(service.pid).toBeGreaterThan(0);
      expect(service.rssMb()).toBeGreaterThan(1);
      expect(service.output()).toContain('starting');
    } finally {
      await service.stop();
    }
    expect(service.rssMb()).toBeUndefined();
  });

  it('runs a program other than node as it is named', async () => {
    const service = await startService([process.execPath, 'serve.mjs'], options());
    await service.stop();
    expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('fails with the exit code and the output when the service exits before listening', async () => {
    const error = await startFailure(['node', 'crash.mjs']);
    expect(error.code).toBe('gate_service_start_failed');
    expect(error.message).toBe('the service exited (code 3) before listening: DATABASE_URL is not set\n');
  });

  it('fails, and ends the service, when it prints no URL in time', async () => {
    const error = await startFailure(['node', 'silent.mjs'], options(1_000));
    expect(error.code).toBe('gate_service_start_failed');
    expect(error.message).toBe('no URL printed within 1000 ms: ');
    const pid = Number(readFileSync(join(fixture.dir, 'silent.pid'), 'utf8'));
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('fails as cancelled when its signal is already aborted, or aborted while it waits', async () => {
    const done = new AbortController();
    done.abort();
    expect((await startFailure(['node', 'silent.mjs'], options(10_000, done.signal))).message).toMatch(
      /^cancelled: /,
    );
    const later = new AbortController();
    setTimeout(() => later.abort(), 200);
    expect((await startFailure(['node', 'silent.mjs'], options(10_000, later.signal))).message).toMatch(
      /^cancelled: /,
    );
  });

  it('fails naming the spawn error when the program does not exist', async () => {
    const error = await startFailure(['./no-such-service']);
    expect(error.code).toBe('gate_service_start_failed');
    expect(error.message).toMatch(/ENOENT/);
  });
});

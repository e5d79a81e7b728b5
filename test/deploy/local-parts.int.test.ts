import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { processStartTicks } from '../../src/db/process-identity.ts';
import {
  colourAlive,
  logTail,
  signalRole,
  startColour,
  stopColour,
  waitUntilReady,
  type ColourProcess,
} from '../../src/deploy/local/colour-process.ts';
import { localLayout, logFileOf, otherColour, roleFileOf } from '../../src/deploy/local/local-layout.ts';
import { Nginx } from '../../src/deploy/local/nginx.ts';
import { waitForRelease } from '../../src/deploy/local/wait-for-release.ts';
import { HermesError, type HermesCode } from '../../src/errors/hermes-error.ts';
import { afterThisTest } from '../support/after-this-test.ts';
import { alive, until } from './support/processes.ts';

// The local target's parts that run processes and talk HTTP, each on its own: the colour processes
// (with stand-in releases), the waits on /readyz and /health (with stand-in servers), and nginx's
// edge cases (a missing or failing executable, a master that will not quit).

const never = new AbortController().signal;
const self: ColourProcess = { pid: process.pid, startTicks: processStartTicks(process.pid) };

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-local-parts-'));
  afterThisTest(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A Node process of this test's, killed when the test ends. */
function child(script: string): ChildProcess & { pid: number } {
  const started = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const { pid } = started;
  if (pid === undefined) throw new Error('no child');
  afterThisTest(async () => {
    if (alive(pid)) started.kill('SIGKILL');
    await until(() => !alive(pid));
  });
  return Object.assign(started, { pid });
}

/** A stand-in release: answers with `answer`, closed when the test ends. */
async function serve(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterThisTest(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${String(address.port)}`;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

async function failure(run: () => Promise<unknown>, code: HermesCode): Promise<HermesError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HermesError && error.code === code) return error;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

describe('a colour’s process', () => {
  it('is alive while it runs as the same process, and never for pid 0 or -1', async () => {
    expect(colourAlive(null)).toBe(false);
    expect(colourAlive(self)).toBe(true);
    expect(colourAlive({ pid: process.pid, startTicks: null })).toBe(true);
    // The pid was reused by another process (it started at another time).
    expect(colourAlive({ pid: process.pid, startTicks: '1' })).toBe(false);
    // kill(0) and kill(-1) would succeed: they ask about a process group, or every process.
    expect(colourAlive({ pid: 0, startTicks: null })).toBe(false);
    expect(colourAlive({ pid: -1, startTicks: null })).toBe(false);
    const gone = child('');
    await until(() => !alive(gone.pid));
    expect(colourAlive({ pid: gone.pid, startTicks: null })).toBe(false);
    // Stopping what is not running does nothing.
    await stopColour({ pid: gone.pid, startTicks: null }, 1_000);
    await stopColour({ pid: -1, startTicks: null }, 1_000);
  });

  it('starts from the release directory as a detached standby with its port, role file, config and deployment', async () => {
    const dir = scratch();
    const releaseDir = join(dir, 'release');
    mkdirSync(releaseDir);
    // A stand-in bundle: records how it was started, then waits to be stopped.
    writeFileSync(
      join(releaseDir, 'hermes.mjs'),
      `import { writeFileSync } from 'node:fs';
const pick = (...names) => Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]));
writeFileSync('started.json', JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(),
  env: pick('HOST', 'PORT', 'HERMES_ROLE_FILE', 'HERMES_CONFIG', 'HERMES_DEPLOYMENT_ID', 'DATABASE_URL', 'PATH') }));
console.log('started');
setInterval(() => {}, 1000);
`,
    );
    writeFileSync(join(releaseDir, 'hermes.yaml'), 'log:\n  level: warn\n');
    const layout = localLayout(dir, configSchema.parse({ deploy: { local: { dir: 'local' } } }));
    const roleFile = roleFileOf(layout, 'green');
    const logFile = logFileOf(layout, 'green');
    const deploymentId = '3f2b8c1a-9d4e-4f6a-8b7c-1d2e3f4a5b6c';
    const colour = startColour({
      releaseDir,
      port: 18_123,
      // The target's own variables win over the release's.
      env: { DATABASE_URL: 'postgres://db/app', PORT: '1', HOST: '0.0.0.0' },
      deploymentId,
      roleFile,
      logFile,
    });
    afterThisTest(() => stopColour(colour, 2_000));
    expect(readFileSync(roleFile, 'utf8')).toBe('standby\n');
    await until(() => existsSync(join(releaseDir, 'started.json')));
    const started = JSON.parse(readFileSync(join(releaseDir, 'started.json'), 'utf8')) as unknown;
    expect(started).toEqual({
      argv: ['serve', '--no-pretty'],
      cwd: releaseDir,
      env: {
        HOST: '127.0.0.1',
        PORT: '18123',
        HERMES_ROLE_FILE: roleFile,
        HERMES_CONFIG: join(releaseDir, 'hermes.yaml'),
        HERMES_DEPLOYMENT_ID: deploymentId,
        DATABASE_URL: 'postgres://db/app',
        // Only what the release was given: not even the deploying process's PATH.
        PATH: null,
      },
    });
    expect(colour.startTicks).toBe(processStartTicks(colour.pid));
    expect(colourAlive(colour)).toBe(true);
    await until(() => logTail(logFile) === 'started');

    // SIGTERM stops it; the role file is written even for a process that is gone.
    await stopColour(colour, 5_000);
    expect(alive(colour.pid)).toBe(false);
    signalRole(colour, roleFile, 'live');
    expect(readFileSync(roleFile, 'utf8')).toBe('live\n');
  });

  it('starts without HERMES_CONFIG or HERMES_DEPLOYMENT_ID when the release has none', async () => {
    const dir = scratch();
    writeFileSync(
      join(dir, 'hermes.mjs'),
      `console.log(JSON.stringify([process.env.HERMES_CONFIG ?? null, process.env.HERMES_DEPLOYMENT_ID ?? null]));\n`,
    );
    const logFile = join(dir, 'logs', 'blue.log');
    const colour = startColour({
      releaseDir: dir,
      port: 18_124,
      env: {},
      deploymentId: null,
      roleFile: join(dir, 'blue.role'),
      logFile,
    });
    await until(() => !colourAlive(colour));
    expect(logTail(logFile)).toBe('[null,null]');
  });

  it('says so when the release cannot be started at all (no such directory), without crashing the deploy', async () => {
    const dir = scratch();
    let caught: unknown;
    try {
      startColour({
        releaseDir: join(dir, 'gone'),
        port: 18_125,
        env: {},
        deploymentId: null,
        roleFile: join(dir, 'blue.role'),
        logFile: join(dir, 'blue.log'),
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HermesError);
    expect((caught as HermesError).code).toBe('deploy_target_failed');
    expect((caught as HermesError).message).toBe(`${process.execPath} could not start`);
    // The spawn's own 'error' event comes later: it must find a listener.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('is killed when it does not stop within its grace', async () => {
    const stubborn = child(
      "process.on('SIGTERM', () => console.log('ignored')); console.log('up'); setInterval(() => {}, 1000)",
    );
    const output: string[] = [];
    stubborn.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await until(() => output.join('').includes('up'));
    const started = Date.now();
    await stopColour({ pid: stubborn.pid, startTicks: processStartTicks(stubborn.pid) }, 300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await until(() => !alive(stubborn.pid));
    expect(output.join('')).toContain('ignored');
  });

  it('is told its new role by SIGUSR2 after the role file is written', async () => {
    const dir = scratch();
    const roleFile = join(dir, 'role', 'blue.role');
    const listener = child(
      `const { readFileSync } = require('node:fs');
process.on('SIGUSR2', () => console.log('role:' + readFileSync(${JSON.stringify(roleFile)}, 'utf8').trim()));
console.log('up'); setInterval(() => {}, 1000);`,
    );
    const output: string[] = [];
    listener.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    await until(() => output.join('').includes('up'));
    signalRole({ pid: listener.pid, startTicks: null }, roleFile, 'live');
    await until(() => output.join('').includes('role:live'));
    signalRole({ pid: listener.pid, startTicks: null }, roleFile, 'standby');
    await until(() => output.join('').includes('role:standby'));
  });

  it('has a log whose last lines explain a failure, or none', () => {
    const dir = scratch();
    expect(logTail(join(dir, 'missing.log'))).toBe('');
    writeFileSync(join(dir, 'x.log'), 'a\nb\nc\nd\ne\nf\ng\n\n');
    expect(logTail(join(dir, 'x.log'))).toBe('c\nd\ne\nf\ng');
    expect(logTail(join(dir, 'x.log'), 2)).toBe('f\ng');
  });

  it('names the colour a release does not go to', () => {
    expect(otherColour('blue')).toBe('green');
    expect(otherColour('green')).toBe('blue');
  });
});

describe('waitUntilReady', () => {
  it('returns once /readyz answers 200, after answers that were not', async () => {
    let asked = 0;
    const url = await serve((_request, response) => {
      asked += 1;
      if (asked < 3) json(response, 503, { status: 'not_ready' });
      else json(response, 200, { status: 'ready' });
    });
    await waitUntilReady(url, self, { timeoutMs: 10_000, logFile: '/nonexistent', signal: never });
    expect(asked).toBe(3);
  });

  it('gives up after its deadline with the last answer and the end of the log', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'blue.log'), 'connecting to the database\nstill connecting\n');
    const url = await serve((_request, response) =>
      json(response, 503, { status: 'not_ready', reason: 'schema_behind' }),
    );
    const error = await failure(
      () => waitUntilReady(url, self, { timeoutMs: 500, logFile: join(dir, 'blue.log'), signal: never }),
      'deploy_target_failed',
    );
    expect(error.message).toBe(
      'the release was not ready within 500 ms (/readyz answered 503: {"status":"not_ready","reason":"schema_behind"})',
    );
    expect(error.details).toEqual(['connecting to the database\nstill connecting']);
  });

  it('says what went wrong when nothing answers, and stops waiting when aborted', async () => {
    const url = await serve((_request, response) => json(response, 200, {}));
    const closed = url.replace(/:\d+$/, ':9');
    const error = await failure(
      () => waitUntilReady(closed, self, { timeoutMs: 300, logFile: '/nonexistent', signal: never }),
      'deploy_target_failed',
    );
    expect(error.message).toMatch(/^the release was not ready within 300 ms \(\/readyz: fetch failed\)$/);
    expect(error.details).toEqual([]);

    const aborted = AbortSignal.abort();
    const stopped = await failure(
      () => waitUntilReady(url, self, { timeoutMs: 60_000, logFile: '/nonexistent', signal: aborted }),
      'deploy_target_failed',
    );
    expect(stopped.message).toContain('(no answer yet)');
  });

  it('fails at once when the release exits, with the end of its log', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'green.log'), 'hermes: cannot connect to the database [database_unreachable]\n');
    const gone = child('');
    await until(() => !alive(gone.pid));
    const url = await serve((_request, response) => json(response, 200, {}));
    const error = await failure(
      () =>
        waitUntilReady(
          url,
          { pid: gone.pid, startTicks: null },
          { timeoutMs: 10_000, logFile: join(dir, 'green.log'), signal: never },
        ),
      'deploy_target_failed',
    );
    expect(error.message).toBe('the release exited before it was ready');
    expect(error.details).toEqual(['hermes: cannot connect to the database [database_unreachable]']);
  });
});

describe('a wait whose fetch fails with something that is not an Error', () => {
  it('says what it was', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the very case under test
    vi.stubGlobal('fetch', () => Promise.reject('odd odd'));
    try {
      const ready = await failure(
        () =>
          waitUntilReady('http://127.0.0.1:9', self, {
            timeoutMs: 100,
            logFile: '/nonexistent',
            signal: never,
          }),
        'deploy_target_failed',
      );
      expect(ready.message).toBe('the release was not ready within 100 ms (/readyz: odd odd)');
      const served = await failure(
        () => waitForRelease('http://127.0.0.1:9', { deploymentId: null, timeoutMs: 100, signal: never }),
        'deploy_target_failed',
      );
      expect(served.message).toBe(
        'http://127.0.0.1:9 did not serve the new release within 100 ms (/health: odd odd)',
      );
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('waitForRelease', () => {
  const deploymentId = '3f2b8c1a-9d4e-4f6a-8b7c-1d2e3f4a5b6c';

  it('returns once /health answers 200 from the deployment asked for', async () => {
    let asked = 0;
    const url = await serve((_request, response) => {
      asked += 1;
      json(response, 200, { deployment_id: asked < 3 ? 'the-old-one' : deploymentId });
    });
    await waitForRelease(url, { deploymentId, timeoutMs: 10_000, signal: never });
    expect(asked).toBe(3);
  });

  it('takes any release that answers 200 when it asks for no deployment', async () => {
    const url = await serve((_request, response) => json(response, 200, { deployment_id: null }));
    await waitForRelease(url, { deploymentId: null, timeoutMs: 10_000, signal: never });
  });

  it('gives up after its deadline, saying which deployment answered', async () => {
    const other = await serve((_request, response) => json(response, 200, { deployment_id: 'the-old-one' }));
    const error = await failure(
      () => waitForRelease(other, { deploymentId, timeoutMs: 300, signal: never }),
      'deploy_target_failed',
    );
    expect(error.message).toBe(
      `${other} did not serve the new release within 300 ms (/health answered 200 from deployment the-old-one)`,
    );

    const unavailable = await serve((_request, response) => json(response, 503, { status: 'unavailable' }));
    const down = await failure(
      () => waitForRelease(unavailable, { deploymentId: null, timeoutMs: 300, signal: never }),
      'deploy_target_failed',
    );
    expect(down.message).toMatch(/\(\/health answered 503 from deployment none\)$/);
  });

  it('counts an answer that is not JSON, or none, as not served', async () => {
    const html = await serve((_request, response) =>
      response.writeHead(502, { 'content-type': 'text/html' }).end('<h1>502 Bad Gateway</h1>'),
    );
    const error = await failure(
      () => waitForRelease(html, { deploymentId, timeoutMs: 300, signal: never }),
      'deploy_target_failed',
    );
    expect(error.message).toMatch(/within 300 ms \(\/health: .*JSON.*\)$/);

    const aborted = await failure(
      () => waitForRelease(html, { deploymentId, timeoutMs: 60_000, signal: AbortSignal.abort() }),
      'deploy_target_failed',
    );
    expect(aborted.message).toMatch(/\(no answer yet\)$/);
  });
});

describe('nginx under the target’s prefix', () => {
  const site = {
    listenHost: '127.0.0.1',
    listenPort: 18_999,
    upstreamPort: 18_998,
    publicRoot: '/nonexistent/public',
    workerUser: null,
    maxBodyBytes: 32_768,
  };

  function layoutIn(dir: string) {
    return localLayout(dir, configSchema.parse({ deploy: { local: { dir: 'local' } } }));
  }

  it('says where to get nginx when its executable is missing, and writes nothing it would serve', async () => {
    const layout = layoutIn(scratch());
    const nginx = new Nginx('/nonexistent/nginx', layout);
    const error = await failure(() => nginx.apply(site), 'deploy_target_failed');
    expect(error.message).toBe(
      "nginx refused its new config: /nonexistent/nginx: not found (install Debian's nginx, or set deploy.local.nginx)",
    );
    expect(nginx.pid()).toBeNull();
    expect(await nginx.stop()).toBe(false);
  });

  it('gives the failure itself when nginx fails without a word, and keeps the config nginx serves', async () => {
    const layout = layoutIn(scratch());
    mkdirSync(layout.nginxPrefix, { recursive: true });
    writeFileSync(layout.nginxConf, '# what nginx serves now\n');
    const error = await failure(() => new Nginx('/bin/false', layout).apply(site), 'deploy_target_failed');
    expect(error.message).toMatch(/^nginx refused its new config: Command failed: \/bin\/false -p /);
    expect(readFileSync(layout.nginxConf, 'utf8')).toBe('# what nginx serves now\n');
  });

  it('is not running with no pid file, a pid file of no pid, or of a process that is gone', async () => {
    const layout = layoutIn(scratch());
    const nginx = new Nginx('/usr/sbin/nginx', layout);
    expect(nginx.pid()).toBeNull();
    mkdirSync(layout.nginxPrefix, { recursive: true });
    const pidFile = join(layout.nginxPrefix, 'nginx.pid');
    for (const text of ['', 'abc\n', '0\n', '-1\n', '1.5\n']) {
      writeFileSync(pidFile, text);
      expect(nginx.pid()).toBeNull();
    }
    const gone = child('');
    await until(() => !alive(gone.pid));
    writeFileSync(pidFile, `${String(gone.pid)}\n`);
    expect(nginx.pid()).toBeNull();
    expect(await nginx.stop()).toBe(false);
  });

  it('reports a reload that fails, and kills a master that does not quit in time', async () => {
    const dir = scratch();
    const layout = layoutIn(dir);
    // A stand-in nginx: -t passes; a start leaves a master that ignores signals it can; -s fails
    // once asked to.
    const fake = join(dir, 'fake-nginx');
    writeFileSync(
      fake,
      `#!/bin/sh
prefix="$2"
for arg in "$@"; do
  case "$arg" in
    -t) exit 0 ;;
    -s) if [ -e "$prefix/fail-signals" ]; then echo "nginx: [error] signal process started" >&2; echo "nginx: [alert] kill(1234, 1) failed" >&2; exit 1; fi; exit 0 ;;
  esac
done
"${process.execPath}" -e "process.on('SIGQUIT', () => {}); process.on('SIGTERM', () => {}); process.on('SIGHUP', () => {}); setInterval(() => {}, 1000)" </dev/null >/dev/null 2>&1 &
echo $! > "$prefix/nginx.pid"
`,
    );
    chmodSync(fake, 0o755);
    const nginx = new Nginx(fake, layout);
    await nginx.apply(site);
    const pid = nginx.pid();
    expect(pid).not.toBeNull();
    afterThisTest(async () => {
      if (pid !== null && alive(pid)) process.kill(pid, 'SIGKILL');
      await until(() => !alive(pid ?? undefined));
    });
    expect(readFileSync(layout.nginxConf, 'utf8')).toContain('server 127.0.0.1:18998;');
    // Running: a reload (which succeeds).
    await nginx.apply({ ...site, upstreamPort: 18_997 });
    writeFileSync(join(layout.nginxPrefix, 'fail-signals'), '');
    const error = await failure(() => nginx.apply(site), 'deploy_target_failed');
    expect(error.message).toBe(
      'nginx could not reload: [error] signal process started; [alert] kill(1234, 1) failed',
    );

    expect(await nginx.stop(200)).toBe(true);
    await until(() => !alive(pid ?? undefined));
    expect(nginx.pid()).toBeNull();
  });
});

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.ts';
import { buildThresholds } from '../../src/config/sections/build-thresholds.ts';
import { planBuild } from '../../src/deploy/build/plan-build.ts';
import { runBuild } from '../../src/deploy/build/run-build.ts';
import { roleFileOf, type Colour } from '../../src/deploy/local/local-layout.ts';
import { readLocalState } from '../../src/deploy/local/local-state.ts';
import { LocalTarget } from '../../src/deploy/local/local-target.ts';
import { releaseEnvironment } from '../../src/deploy/local/release-env.ts';
import type { Release } from '../../src/deploy/target/target.ts';
import { HermesError, type HermesCode } from '../../src/errors/hermes-error.ts';
import { afterThisTest } from '../support/after-this-test.ts';
import { useTestDatabase } from '../support/test-database.ts';
import { alive, until, childrenOf } from './support/processes.ts';

// The local target for real: a production bundle built once for the file, two `hermes serve`
// processes on free ports, Debian's nginx under the target's own prefix, and one migrated PostgreSQL
// database shared by blue and green. Everything lives in a temporary directory per test.

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const nginxBin = '/usr/sbin/nginx';
const signal = new AbortController().signal;

const db = useTestDatabase({ migrate: true });
let scratch = '';
let bundleDir = '';
/** Every target a test opened, stopped again after the file even if its test's own stop did not run. */
const opened: LocalTarget[] = [];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'hermes-local-target-'));
  // A fresh path: the build empties only a directory that is missing or an earlier build.
  bundleDir = join(scratch, 'bundle');
  const settings = { ...buildThresholds.parse(undefined).production, outDir: bundleDir };
  const report = await runBuild(
    planBuild(repoRoot, 'production', settings, { version: '0.0.0-test', commit: null }),
  );
  expect(report.errors).toEqual([]);
}, 120_000);

afterAll(async () => {
  for (const target of opened) await target.stop();
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

/** Ports nobody listens on now: all held open at once so that they differ, then let go. */
async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', resolve);
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      ports.push(address.port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

interface Site {
  dir: string;
  publicPort: number;
  ports: { blue: number; green: number };
  target: LocalTarget;
  /** Another target on the same directory and ports, with some settings changed. */
  open(local?: Record<string, unknown>): LocalTarget;
  release(version: string, env?: Record<string, string>): Release;
  pidOf(colour: Colour): number | null;
  roleOf(colour: Colour): string;
  nginxPid(): number | null;
}

/** A local target of its own (directory, ports), stopped when the test ends, pass or fail. */
async function site(local: Record<string, unknown> = {}): Promise<Site> {
  const dir = mkdtempSync(join(tmpdir(), 'hermes-local-site-'));
  const [publicPort = 0, blue = 0, green = 0] = await freePorts(3);
  const targets: LocalTarget[] = [];
  afterThisTest(async () => {
    for (const target of targets) await target.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const open = (overrides: Record<string, unknown> = {}): LocalTarget => {
    const config = configSchema.parse({
      server: { shutdownGraceMs: 2_000 },
      deploy: {
        local: {
          dir: 'local',
          host: '127.0.0.1',
          port: publicPort,
          ports: { blue, green },
          nginx: nginxBin,
          readyTimeout: '30s',
          switchTimeout: '10s',
          ...local,
          ...overrides,
        },
      },
    });
    const target = new LocalTarget(dir, config);
    targets.push(target);
    opened.push(target);
    return target;
  };
  const target = open();
  return {
    dir,
    publicPort,
    ports: { blue, green },
    target,
    open,
    release: (version, env = {}) => ({
      deploymentId: randomUUID(),
      version,
      bundleDir,
      sourceDir: repoRoot,
      configFile: null,
      env: releaseEnvironment(
        { PATH: process.env['PATH'], HOME: process.env['HOME'], SECRET_X: 'not for the release' },
        {},
        { DATABASE_URL: db.url, HERMES_RATE_LIMIT: 'off', LOG_LEVEL: 'warn', ...env },
      ),
    }),
    pidOf: (colour) => readLocalState(target.layout.stateFile).colours[colour]?.pid ?? null,
    roleOf: (colour) => readFileSync(roleFileOf(target.layout, colour), 'utf8').trim(),
    nginxPid() {
      try {
        const pid = Number(readFileSync(join(target.layout.nginxPrefix, 'nginx.pid'), 'utf8').trim());
        return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
      } catch {
        return null;
      }
    },
  };
}

interface Health {
  status: number;
  deploymentId: unknown;
}

async function health(url: string): Promise<Health> {
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { deployment_id?: unknown };
  return { status: response.status, deploymentId: body.deployment_id };
}

/** The HermesError `run` fails with (thrown or rejected), which must have `code`. */
async function failure(run: () => Promise<unknown>, code: HermesCode): Promise<HermesError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof HermesError && error.code === code) return error;
    throw error;
  }
  throw new Error(`expected ${code}`);
}

/** v1 live on blue, v2 live on green with blue as the running standby. */
async function twoReleases(s: Site): Promise<{ v1: Release; v2: Release }> {
  const v1 = s.release('1.0.0');
  await s.target.activate(await s.target.prepare(v1, signal), signal);
  const v2 = s.release('2.0.0');
  await s.target.activate(await s.target.prepare(v2, signal), signal);
  return { v1, v2 };
}

// Each test starts real releases (a few seconds each on a busy machine).
describe('the local target', { timeout: 120_000 }, () => {
  it('prepares v1 on blue as a standby, and activating it makes the public URL serve it', async () => {
    const s = await site();
    const { target } = s;
    const v1 = s.release('1.0.0');
    expect(await target.plan(v1)).toEqual([
      `copy ${bundleDir} into ${target.layout.releasesDir}/ (with its environment and hermes.yaml)`,
      `start hermes serve (blue) on http://127.0.0.1:${String(s.ports.blue)} and wait for /readyz`,
      `point nginx (${target.layout.nginxConf}) at blue: nginx -t, then start nginx; wait until ${target.publicUrl} serves it`,
      'no release is live yet: nothing to keep as standby',
    ]);
    expect(await target.current()).toBeNull();
    expect(await target.previous()).toBeNull();

    const prepared = await target.prepare(v1, signal);
    expect(prepared).toEqual({
      handle: 'blue',
      version: '1.0.0',
      deploymentId: v1.deploymentId,
      url: `http://127.0.0.1:${String(s.ports.blue)}`,
      running: true,
    });
    // Ready, but nothing sends it traffic yet, and it delivers nothing.
    expect(s.roleOf('blue')).toBe('standby');
    expect((await health(prepared.url)).deploymentId).toBe(v1.deploymentId);
    expect(s.nginxPid()).toBeNull();
    expect(target.status()).toMatchObject({ nginxRunning: false, live: null });

    await target.activate(prepared, signal);
    expect(target.publicUrl).toBe(`http://127.0.0.1:${String(s.publicPort)}`);
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
    expect(s.roleOf('blue')).toBe('live');
    expect(target.status()).toEqual({
      publicUrl: target.publicUrl,
      nginxRunning: true,
      live: 'blue',
      colours: [
        {
          colour: 'blue',
          live: true,
          running: true,
          version: '1.0.0',
          deploymentId: v1.deploymentId,
          port: s.ports.blue,
          url: prepared.url,
        },
      ],
    });
    expect(await target.current()).toEqual(prepared);
    // Green never ran a release: nothing to switch back to.
    expect(await target.previous()).toBeNull();
    const none = await failure(() => target.rollback(signal), 'deploy_no_previous');
    expect(none.message).toContain('green never ran one');

    // The release runs from its own copy, with its stored environment (0600) and nothing else.
    const slot = readLocalState(target.layout.stateFile).colours.blue;
    expect(slot?.releaseDir.startsWith(target.layout.releasesDir)).toBe(true);
    const stored = JSON.parse(
      readFileSync(join(slot?.releaseDir ?? '', 'release-env.json'), 'utf8'),
    ) as Record<string, string>;
    expect(stored).toMatchObject({ DATABASE_URL: db.url, HERMES_RATE_LIMIT: 'off' });
    expect(stored['SECRET_X']).toBeUndefined();
    // nginx keeps everything of its own under the target's directory.
    expect(existsSync(join(target.layout.nginxPrefix, 'logs', 'error.log'))).toBe(true);
    expect(readFileSync(target.layout.nginxConf, 'utf8')).toContain(
      `server 127.0.0.1:${String(s.ports.blue)};`,
    );
  });

  it('activating v2 makes green live and keeps blue running as the standby; rollback switches back', async () => {
    const s = await site();
    const { target } = s;
    const v1 = s.release('1.0.0');
    const blue = await target.prepare(v1, signal);
    await target.activate(blue, signal);
    const bluePid = s.pidOf('blue');

    const v2 = s.release('2.0.0');
    expect((await target.plan(v2)).slice(1)).toEqual([
      `start hermes serve (green) on http://127.0.0.1:${String(s.ports.green)} and wait for /readyz`,
      `point nginx (${target.layout.nginxConf}) at green: nginx -t, then nginx -s reload; wait until ${target.publicUrl} serves it`,
      'make blue (1.0.0) the standby: it finishes its requests, its delivery worker pauses, it keeps running for a switch back',
    ]);
    const green = await target.prepare(v2, signal);
    expect(green).toMatchObject({ handle: 'green', version: '2.0.0', running: true });
    await target.activate(green, signal);

    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v2.deploymentId });
    expect(target.status()).toMatchObject({
      nginxRunning: true,
      live: 'green',
      colours: [
        { colour: 'blue', live: false, running: true, version: '1.0.0' },
        { colour: 'green', live: true, running: true, version: '2.0.0' },
      ],
    });
    // The same process, kept warm and told it is the standby now.
    expect(s.pidOf('blue')).toBe(bluePid);
    expect(alive(bluePid)).toBe(true);
    expect(s.roleOf('blue')).toBe('standby');
    expect(s.roleOf('green')).toBe('live');
    expect(await target.current()).toMatchObject({ handle: 'green', deploymentId: v2.deploymentId });
    expect(await target.previous()).toMatchObject({
      handle: 'blue',
      deploymentId: v1.deploymentId,
      running: true,
    });
    // Blue is still answering on its private port.
    expect((await health(blue.url)).deploymentId).toBe(v1.deploymentId);

    const back = await target.rollback(signal);
    expect(back).toEqual({ ...blue, running: true });
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
    expect(s.pidOf('blue')).toBe(bluePid);
    expect(s.roleOf('blue')).toBe('live');
    expect(s.roleOf('green')).toBe('standby');
    expect(target.status()).toMatchObject({
      live: 'blue',
      colours: [
        { colour: 'blue', live: true, running: true },
        { colour: 'green', live: false, running: true },
      ],
    });

    // The next release replaces the standby (green, v2): its process is stopped first.
    const greenPid = s.pidOf('green');
    const v3 = s.release('3.0.0');
    expect(await target.plan(v3)).toContain('stop the standby green release (2.0.0)');
    const next = await target.prepare(v3, signal);
    expect(next).toMatchObject({ handle: 'green', version: '3.0.0', running: true });
    expect(alive(greenPid)).toBe(false);
    expect(s.pidOf('green')).not.toBe(greenPid);
    // Blue serves until v3 is activated.
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
    await target.activate(next, signal);
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v3.deploymentId });
    expect(alive(bluePid)).toBe(true);
  });

  it('discards a prepared colour that is not live: its process stops and the target forgets it', async () => {
    const s = await site();
    const { target } = s;
    const v1 = s.release('1.0.0');
    const blue = await target.prepare(v1, signal);
    await target.activate(blue, signal);
    const green = await target.prepare(s.release('2.0.0'), signal);
    const greenPid = s.pidOf('green');
    expect(alive(greenPid)).toBe(true);

    await target.discard(green);
    expect(alive(greenPid)).toBe(false);
    expect(readLocalState(target.layout.stateFile).colours.green).toBeNull();
    expect(target.status().colours.map((c) => c.colour)).toEqual(['blue']);
    // A forgotten release is no switch-back target.
    await failure(() => target.rollback(signal), 'deploy_no_previous');
    // Discarding it again, or discarding the live colour, changes nothing.
    await target.discard(green);
    await target.discard(blue);
    expect(alive(s.pidOf('blue'))).toBe(true);
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
  });

  it('a release that cannot reach its database fails prepare; the live release keeps serving', async () => {
    const s = await site();
    const { target } = s;
    const v1 = s.release('1.0.0');
    await target.activate(await target.prepare(v1, signal), signal);

    const wrongUrl = new URL(db.url);
    wrongUrl.pathname = '/hermes_no_such_database';
    const broken = s.release('2.0.0', { DATABASE_URL: wrongUrl.toString() });
    const error = await failure(() => target.prepare(broken, signal), 'deploy_target_failed');
    expect(error.message).toBe('the release exited before it was ready');
    expect(error.details.join('\n')).toContain('hermes_no_such_database');

    // Recorded as stopped, never as running; nginx and blue untouched.
    expect(s.pidOf('green')).toBeNull();
    expect(target.status()).toMatchObject({
      live: 'blue',
      nginxRunning: true,
      colours: [
        { colour: 'blue', live: true, running: true },
        { colour: 'green', live: false, running: false, version: '2.0.0' },
      ],
    });
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
    // It cannot take traffic.
    const refused = await failure(
      () =>
        target.activate(
          { handle: 'green', version: '2.0.0', deploymentId: broken.deploymentId, url: '', running: false },
          signal,
        ),
      'deploy_target_failed',
    );
    expect(refused.message).toBe('the green release is not running: it cannot take traffic');

    // The next release takes green's place (nothing to stop there) and goes live.
    const v3 = s.release('3.0.0');
    const green = await target.prepare(v3, signal);
    await target.activate(green, signal);
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v3.deploymentId });
    expect(alive(s.pidOf('blue'))).toBe(true);
  });

  it('a release that is not ready in time is stopped and fails prepare', async () => {
    const s = await site({ readyTimeout: 0 });
    const error = await failure(() => s.target.prepare(s.release('1.0.0'), signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^the release was not ready within 0 ms/);
    expect(s.pidOf('blue')).toBeNull();
    expect(s.target.status().colours).toMatchObject([{ colour: 'blue', running: false }]);
    // Discarded, it is forgotten (there is no process to stop).
    await s.target.discard({ handle: 'blue', version: '1.0.0', deploymentId: null, url: '', running: false });
    expect(s.target.status().colours).toEqual([]);
  });

  it('a switch the release does not serve in time is undone: nginx goes back to the live colour', async () => {
    const s = await site({ switchTimeout: '1s' });
    const { target } = s;
    /** The colour stops answering (it hangs) as traffic arrives, and comes back later. */
    const freeze = (colour: Colour, how: 'SIGSTOP' | 'SIGCONT') => {
      const pid = s.pidOf(colour);
      if (pid === null) throw new Error(`${colour} runs`);
      process.kill(pid, how);
    };
    // The first activation: nothing was live, so nginx is left with no release at all.
    const blue = await target.prepare(s.release('1.0.0'), signal);
    freeze('blue', 'SIGSTOP');
    const first = await failure(() => target.activate(blue, signal), 'deploy_target_failed');
    freeze('blue', 'SIGCONT');
    expect(first.message).toMatch(/did not serve the new release within 1000 ms/);
    expect(readFileSync(target.layout.nginxConf, 'utf8')).toContain('server 127.0.0.1:9 down;');
    expect(s.roleOf('blue')).toBe('standby');
    expect(target.status()).toMatchObject({ live: null, nginxRunning: true });

    await target.activate(blue, signal);
    const green = await target.prepare(s.release('2.0.0'), signal);
    freeze('green', 'SIGSTOP');
    await failure(() => target.activate(green, signal), 'deploy_target_failed');
    freeze('green', 'SIGCONT');
    expect(readFileSync(target.layout.nginxConf, 'utf8')).toContain(
      `server 127.0.0.1:${String(s.ports.blue)};`,
    );
    expect(s.roleOf('green')).toBe('standby');
    expect(s.roleOf('blue')).toBe('live');
    // What the pipeline does next: let the failed release go. Blue serves throughout.
    await target.discard(green);
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: blue.deploymentId });
    expect(target.status()).toMatchObject({ live: 'blue', colours: [{ colour: 'blue', running: true }] });
  });

  it('serves uploaded assets at /assets/ from its directory before any release is live, and other names from the release', async () => {
    const s = await site();
    const home = await s.target.assetsHome();
    expect(home).toEqual({
      dir: join(s.dir, 'local', 'public', 'assets'),
      baseUrl: `http://127.0.0.1:${String(s.publicPort)}/assets`,
    });
    // nginx started for it, with no release behind it yet.
    expect(s.nginxPid()).not.toBeNull();
    writeFileSync(join(home.dir, 'contact-form.0123456789ab.js'), 'console.log(1);\n');
    writeFileSync(join(home.dir, 'contact-form.0123456789ab.css'), 'main{}\n');
    for (const [file, type] of [
      ['contact-form.0123456789ab.js', 'text/javascript; charset=utf-8'],
      ['contact-form.0123456789ab.css', 'text/css; charset=utf-8'],
    ] as const) {
      const response = await fetch(`${home.baseUrl}/${file}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(await response.text()).toBe(file.endsWith('.js') ? 'console.log(1);\n' : 'main{}\n');
    }
    // A name not uploaded goes to the release: none is live, so nginx has nowhere to send it.
    const before = await fetch(`${home.baseUrl}/contact-form.js`);
    await before.arrayBuffer();
    expect(before.status).toBeGreaterThanOrEqual(502);

    // Asked again with nothing changed: nginx is neither restarted nor reloaded (its config untouched).
    const { mtimeMs } = statSync(s.target.layout.nginxConf);
    const pid = s.nginxPid();
    await s.target.assetsHome();
    expect(statSync(s.target.layout.nginxConf).mtimeMs).toBe(mtimeMs);
    expect(s.nginxPid()).toBe(pid);

    await s.target.activate(await s.target.prepare(s.release('1.0.0'), signal), signal);
    const plain = await fetch(`${home.baseUrl}/contact-form.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await plain.text()).toBe(readFileSync(join(bundleDir, 'assets', 'contact-form.js'), 'utf8'));
    expect(await (await fetch(`${home.baseUrl}/contact-form.0123456789ab.js`)).text()).toBe(
      'console.log(1);\n',
    );
  });

  it('refuses to start nginx on a config it rejects, and the colour stays the standby', async () => {
    const s = await site({ host: '[::1' });
    const { target } = s;
    const blue = await target.prepare(s.release('1.0.0'), signal);
    const error = await failure(() => target.activate(blue, signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^nginx refused its new config: .*invalid host/);
    expect(s.nginxPid()).toBeNull();
    expect(s.roleOf('blue')).toBe('standby');
    expect(target.status()).toMatchObject({ live: null, nginxRunning: false });
  });

  it('fails when nginx cannot start (its port is taken) and nothing goes live', async () => {
    const s = await site();
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(s.publicPort, '127.0.0.1', resolve));
    afterThisTest(() => new Promise((resolve) => squatter.close(() => resolve())));
    const blue = await s.target.prepare(s.release('1.0.0'), signal);
    const error = await failure(() => s.target.activate(blue, signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^nginx could not start: .*Address already in use/);
    expect(s.nginxPid()).toBeNull();
    expect(s.roleOf('blue')).toBe('standby');
    expect(s.target.status().live).toBeNull();
  });

  it('with nginx running, a config nginx refuses is not loaded: the previous one keeps serving', async () => {
    const s = await site();
    const v1 = s.release('1.0.0');
    await s.target.activate(await s.target.prepare(v1, signal), signal);
    const nginxPid = s.nginxPid();
    const goodConfig = readFileSync(s.target.layout.nginxConf, 'utf8');

    // The same site with a listen address nginx rejects.
    const bad = s.open({ host: '[::1' });
    const green = await bad.prepare(s.release('2.0.0'), signal);
    const error = await failure(() => bad.activate(green, signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^nginx refused its new config: /);
    expect(readFileSync(s.target.layout.nginxConf, 'utf8')).toBe(goodConfig);
    expect(s.nginxPid()).toBe(nginxPid);
    expect(s.roleOf('green')).toBe('standby');
    expect(await health(s.target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });

    // Switching to the colour that is live already fails the same way, and it stays live.
    const blue = await s.target.current();
    if (blue === null) throw new Error('blue is live');
    await failure(() => bad.activate(blue, signal), 'deploy_target_failed');
    expect(s.roleOf('blue')).toBe('live');
    expect(s.target.status().live).toBe('blue');
    // And the good target activates its live colour again as a no-op switch.
    await s.target.activate(blue, signal);
    expect(s.target.status()).toMatchObject({ live: 'blue', nginxRunning: true });
    expect(s.roleOf('green')).toBe('standby');
  });

  it('nginx killed: its orphaned workers go on serving the live release; a switch says why it cannot start nginx, and works once they are gone', async () => {
    const s = await site();
    const publicUrl = `http://127.0.0.1:${String(s.publicPort)}`;
    const blue = await s.target.prepare(s.release('1.0.0'), signal);
    await s.target.activate(blue, signal);
    const master = s.nginxPid();
    if (master === null) throw new Error('nginx is not running');
    const workers = childrenOf(master);
    expect(workers.length).toBeGreaterThan(0);
    afterThisTest(async () => {
      for (const pid of workers.filter(alive)) process.kill(pid, 'SIGKILL');
      await until(() => !workers.some(alive));
    });
    process.kill(master, 'SIGKILL');
    await until(() => s.nginxPid() === null);
    expect(s.target.status()).toMatchObject({ nginxRunning: false, live: 'blue' });
    expect((await health(publicUrl)).deploymentId).toBe(blue.deploymentId);

    const green = await s.target.prepare(s.release('2.0.0'), signal);
    const error = await failure(() => s.target.activate(green, signal), 'deploy_target_failed');
    expect(error.message).toMatch(/^nginx could not start: .*Address already in use/);
    expect(error.message).toContain(
      `; nginx's master (pid ${String(master)}, in nginx.pid) is gone: if its workers still hold the port, they serve the config it had`,
    );
    expect(s.target.status().live).toBe('blue');
    expect(s.roleOf('green')).toBe('standby');
    expect((await health(publicUrl)).deploymentId).toBe(blue.deploymentId);

    for (const pid of workers) process.kill(pid, 'SIGKILL');
    await until(() => !workers.some(alive));
    await s.target.activate(green, signal);
    expect(s.nginxPid()).not.toBeNull();
    expect((await health(publicUrl)).deploymentId).toBe(green.deploymentId);
  });

  it('stop() stops both colours and nginx and nothing else; rollback then restarts the standby', async () => {
    const s = await site();
    const { target } = s;
    const { v1, v2 } = await twoReleases(s);
    const pids = { blue: s.pidOf('blue'), green: s.pidOf('green'), nginx: s.nginxPid() };
    expect(Object.values(pids).every(alive)).toBe(true);
    // A process of someone else's, to prove stop() signals only what it started.
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    afterThisTest(async () => {
      bystander.kill('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, 0));
    });
    await until(() => alive(bystander.pid));

    expect(await target.stop()).toEqual({ nginx: true, colours: ['blue', 'green'] });
    expect(alive(pids.blue)).toBe(false);
    expect(alive(pids.green)).toBe(false);
    await until(() => !alive(pids.nginx));
    expect(alive(bystander.pid)).toBe(true);
    // What it knows stays: which colour is live, the releases, their environments.
    expect(target.status()).toMatchObject({
      nginxRunning: false,
      live: 'green',
      colours: [
        { colour: 'blue', running: false, deploymentId: v1.deploymentId },
        { colour: 'green', running: false, deploymentId: v2.deploymentId },
      ],
    });
    const state = readLocalState(target.layout.stateFile);
    expect(existsSync(state.colours.blue?.releaseDir ?? '')).toBe(true);
    expect(existsSync(state.colours.green?.releaseDir ?? '')).toBe(true);
    expect(existsSync(target.layout.nginxConf)).toBe(true);
    expect(await target.current()).toMatchObject({ handle: 'green', running: false });
    // Nothing left to stop.
    expect(await target.stop()).toEqual({ nginx: false, colours: [] });

    // The stopped standby starts again from its stored environment, and nginx with it.
    const back = await target.rollback(signal);
    expect(back).toMatchObject({ handle: 'blue', deploymentId: v1.deploymentId, running: true });
    expect(await health(target.publicUrl)).toEqual({ status: 200, deploymentId: v1.deploymentId });
    expect(s.pidOf('blue')).not.toBe(pids.blue);
    expect(s.roleOf('blue')).toBe('live');
    expect(target.status()).toMatchObject({
      nginxRunning: true,
      live: 'blue',
      colours: [
        { colour: 'blue', live: true, running: true },
        { colour: 'green', live: false, running: false },
      ],
    });
    expect(await target.previous()).toMatchObject({ handle: 'green', running: false });

    // A colour that dies on its own is seen as not running, and not counted as stopped.
    const bluePid = s.pidOf('blue');
    if (bluePid === null) throw new Error('blue runs');
    process.kill(bluePid, 'SIGKILL');
    await until(() => !alive(bluePid));
    expect(await target.current()).toMatchObject({ handle: 'blue', running: false });
    expect(await target.stop()).toEqual({ nginx: true, colours: [] });
    expect(s.pidOf('blue')).toBeNull();
  });

  it('refuses a rollback before anything is live', async () => {
    const s = await site();
    const error = await failure(() => s.target.rollback(signal), 'deploy_no_previous');
    expect(error.message).toBe('no release is live on the local target');
    const green = { handle: 'green', version: '1.0.0', deploymentId: null, url: '', running: false };
    const never = await failure(() => s.target.activate(green, signal), 'deploy_target_failed');
    expect(never.message).toBe('the green release is not running: it cannot take traffic');
    await s.target.discard(green);
    expect(await s.target.stop()).toEqual({ nginx: false, colours: [] });
  });
});

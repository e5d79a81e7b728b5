import { execFile, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.ts';
import { findLiveInstance, livePointerPath } from '../../src/db/live-instance.ts';

/** Inodes of the TCP sockets this process listens on (Linux /proc). */
function listeningTcpInodes(): Set<string> {
  const own = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (match?.[1]) own.add(match[1]);
    } catch {
      // The fd closed while we looked.
    }
  }
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      const [state, inode] = [columns[3], columns[9]];
      if (state === '0A' && inode !== undefined && own.has(inode)) listening.add(inode);
    }
  }
  return listening;
}

/** The Unix socket file a `pg` client connects to for `url`, or undefined for a TCP URL. */
function socketPathOf(url: string): string | undefined {
  const config = parse(url);
  if (!config.host?.startsWith('/')) return undefined;
  return join(config.host, `.s.PGSQL.${config.port ?? '5432'}`);
}

async function selectOne(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ one: number }>('SELECT 1 AS one');
    return result.rows[0]?.one ?? 0;
  } finally {
    await client.end();
  }
}

/** psql run as `nobody`: another local user trying the URL (async: the server runs in this process). */
function psqlAsNobody(url: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      'runuser',
      ['-u', 'nobody', '--', 'psql', url, '-Atc', 'SELECT 1'],
      { encoding: 'utf8', timeout: 20_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status, output: `${stdout}${stderr}` });
      },
    );
  });
}

function mode(path: string): number {
  return statSync(path).mode & 0o777;
}

/** A temp directory any local user may enter, so only Hermes's own modes keep them out. */
function openTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

describe('the embedded database serves only its owner', () => {
  let running: EmbeddedPostgres | undefined;

  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });

  it(
    'listens on no TCP port and on a 0600 Unix socket in a 0700 directory',
    { timeout: 60_000 },
    async () => {
      const before = listeningTcpInodes();
      running = await startEmbeddedPostgres({
        dataDir: join(openTempDir('hermes-embedded-sock-'), 'pgdata'),
        maxConnections: 4,
      });
      const added = [...listeningTcpInodes()].filter((inode) => !before.has(inode));
      expect(added).toEqual([]);

      const socket = socketPathOf(running.url);
      expect(socket, `expected a Unix socket URL, got ${running.url}`).toBeDefined();
      if (socket === undefined) return;
      expect(statSync(socket).isSocket()).toBe(true);
      expect(mode(socket)).toBe(0o600);
      expect(mode(dirname(socket))).toBe(0o700);
      expect(await selectOne(running.url)).toBe(1);
    },
  );

  it('refuses another local user', { timeout: 60_000 }, async () => {
    const parent = openTempDir('hermes-embedded-nobody-');
    running = await startEmbeddedPostgres({ dataDir: join(parent, 'pgdata'), maxConnections: 4 });
    // nobody can reach the parent, so only the socket's own directory and mode stand in the way.
    expect(spawnSync('runuser', ['-u', 'nobody', '--', 'ls', parent]).status).toBe(0);
    // Nor can they read (or write: PGlite makes them 0666) the database's files.
    expect(mode(join(parent, 'pgdata'))).toBe(0o700);
    expect(
      spawnSync('runuser', ['-u', 'nobody', '--', 'cat', join(parent, 'pgdata', 'PG_VERSION')]).status,
    ).not.toBe(0);
    const attempt = await psqlAsNobody(running.url);
    expect(attempt.status, attempt.output).not.toBe(0);
    expect(attempt.output).toMatch(/permission denied/i);
    // The owner still gets in.
    expect(await selectOne(running.url)).toBe(1);
  });

  it('keeps an in-memory database private too, and removes its socket directory on stop', async () => {
    running = await startEmbeddedPostgres({ dataDir: null, maxConnections: 4 });
    const socket = socketPathOf(running.url);
    expect(socket, `expected a Unix socket URL, got ${running.url}`).toBeDefined();
    if (socket === undefined) return;
    expect(mode(dirname(socket))).toBe(0o700);
    expect(mode(socket)).toBe(0o600);
    // Refused for want of permission, not for some other failure of psql.
    const attempt = await psqlAsNobody(running.url);
    expect(attempt.status, attempt.output).not.toBe(0);
    expect(attempt.output).toMatch(/permission denied/i);
    expect(await selectOne(running.url)).toBe(1);
    await running.stop();
    running = undefined;
    expect(existsSync(dirname(socket))).toBe(false);
  });

  it('falls back to a private temp directory when the data dir is too deep for a socket path', async () => {
    let deep = openTempDir('hermes-embedded-deep-');
    while (deep.length < 120) deep = join(deep, 'a-rather-long-directory-name');
    running = await startEmbeddedPostgres({ dataDir: join(deep, 'pgdata'), maxConnections: 4 });
    const socket = socketPathOf(running.url);
    expect(socket, `expected a Unix socket URL, got ${running.url}`).toBeDefined();
    if (socket === undefined) return;
    expect(Buffer.byteLength(socket)).toBeLessThanOrEqual(107);
    expect(mode(dirname(socket))).toBe(0o700);
    expect(await selectOne(running.url)).toBe(1);
    await running.stop();
    running = undefined;
    expect(existsSync(dirname(socket))).toBe(false);
  });

  it('shares its socket (a temporary one too) only when asked, and withdraws it on stop', async () => {
    let deep = openTempDir('hermes-embedded-share-');
    while (deep.length < 120) deep = join(deep, 'a-rather-long-directory-name');
    const dataDir = join(deep, 'pgdata');
    running = await startEmbeddedPostgres({ dataDir, maxConnections: 4 });
    expect(await findLiveInstance(dataDir)).toBeNull();
    if (running.share === null) throw new Error('a database on a data directory can be shared');
    await running.share();
    expect(mode(livePointerPath(dataDir))).toBe(0o600);
    const live = await findLiveInstance(dataDir);
    expect(live).toMatchObject({ url: running.url, pid: process.pid });
    expect(await selectOne(live?.url ?? '')).toBe(1);
    await running.stop();
    running = undefined;
    expect(existsSync(livePointerPath(dataDir))).toBe(false);

    const memory = await startEmbeddedPostgres({ dataDir: null, maxConnections: 4 });
    expect(memory.share).toBeNull();
    await memory.stop();
  });

  it('starts again after a stop, on the same data directory', { timeout: 60_000 }, async () => {
    const dataDir = join(openTempDir('hermes-embedded-again-'), 'pgdata');
    const first = await startEmbeddedPostgres({ dataDir, maxConnections: 4 });
    const before = new pg.Client({ connectionString: first.url });
    await before.connect();
    await before.query("CREATE TABLE kept AS SELECT 'written before the stop'::text AS v");
    await before.end();
    await first.stop();
    running = await startEmbeddedPostgres({ dataDir, maxConnections: 4 });
    expect(await selectOne(running.url)).toBe(1);
    // The same data directory: what the first run wrote is there.
    const after = new pg.Client({ connectionString: running.url });
    await after.connect();
    try {
      expect((await after.query('SELECT v FROM kept')).rows).toEqual([{ v: 'written before the stop' }]);
    } finally {
      await after.end();
    }
  });
});

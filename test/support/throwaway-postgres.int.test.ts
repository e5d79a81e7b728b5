import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminUrl } from './admin-url.ts';
import {
  asServerUser,
  newestMajor,
  postgresAccount,
  postmasterPid,
  processState,
  serverSettings,
  startThrowawayPostgres,
  throwawaySkipReason,
  withSkipReason,
} from './throwaway-postgres.ts';

/** Whether process `pid` exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

async function queryOnce<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('throwaway-postgres decisions', () => {
  it('picks the newest installed major, numerically', () => {
    expect(newestMajor(['9', '15', '16', 'common'])).toBe('16');
    expect(newestMajor(['common'])).toBeUndefined();
  });

  it('runs the binaries as postgres only when root', () => {
    expect(asServerUser('/bin/initdb', ['-D', 'x'], true)).toEqual([
      'runuser',
      ['-u', 'postgres', '--', '/bin/initdb', '-D', 'x'],
    ]);
    expect(asServerUser('/bin/initdb', ['-D', 'x'], false)).toEqual(['/bin/initdb', ['-D', 'x']]);
  });

  it('reads the postgres account and the postmaster pid', () => {
    expect(
      postgresAccount('root:x:0:0::/root:/bin/sh\npostgres:x:101:104::/var/lib/postgresql:/bin/sh\n'),
    ).toEqual({
      uid: 101,
      gid: 104,
    });
    expect(postgresAccount('root:x:0:0::/root:/bin/sh\n')).toBeUndefined();
    expect(postmasterPid('4242\n/tmp/data\n')).toBe(4242);
    expect(postmasterPid('')).toBeUndefined();
  });

  it('listens on 127.0.0.1 only, with its socket in its own dir', () => {
    const conf = serverSettings(54999, '/tmp/x/socket');
    expect(conf).toContain("listen_addresses = '127.0.0.1'");
    expect(conf).toContain('port = 54999');
    expect(conf).toContain("unix_socket_directories = '/tmp/x/socket'");
  });

  it('skips only outside CI, and says why in the suite name', () => {
    expect(throwawaySkipReason({ CI: 'true' })).toBeUndefined();
    expect(withSkipReason('suite', 'no initdb')).toBe('suite (skipped: no initdb)');
    expect(withSkipReason('suite', undefined)).toBe('suite');
  });
});

const skipReason = throwawaySkipReason();

describe.skipIf(skipReason !== undefined)(withSkipReason('a throwaway PostgreSQL', skipReason), () => {
  // Opened before the throwaway server exists: it must stay usable through all of it.
  let machine: pg.Pool;

  beforeAll(async () => {
    machine = new pg.Pool({ connectionString: adminUrl(), max: 1 });
    await machine.query('SELECT 1');
  });

  afterAll(async () => {
    await machine.end();
  });

  const machineStillAnswers = async () => {
    const { rows } = await machine.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  };

  it(
    'starts, survives a crash with its committed data, and leaves nothing behind, never touching the machine’s server',
    { timeout: 120_000 },
    async () => {
      const server = await startThrowawayPostgres();
      expect(server.port).not.toBe(5432);
      const firstPid = server.pid();
      expect(firstPid).toBeDefined();
      // The pid it reports is the running server's: the crash below kills that process.
      expect(processState(firstPid ?? 0)).toBe('running');

      await queryOnce(server.url, 'CREATE TABLE kept (v text)');
      await queryOnce(server.url, "INSERT INTO kept VALUES ('committed before the crash')");
      await machineStillAnswers();

      // A session open across the crash is cut off; new ones are refused until start().
      const open = new pg.Client({ connectionString: server.url });
      open.on('error', () => undefined);
      await open.connect();
      await server.crash();
      expect(server.pid()).toBeUndefined();
      // Stopped at once; init reaps it a little later.
      expect(processState(firstPid ?? 0)).not.toBe('running');
      await expect(open.query('SELECT 1')).rejects.toThrow();
      await open.end().catch(() => undefined);
      await expect(queryOnce(server.url, 'SELECT 1')).rejects.toThrow();
      await machineStillAnswers();

      await server.start();
      const rows = await queryOnce<{ v: string }>(server.url, 'SELECT v FROM kept');
      expect(rows).toEqual([{ v: 'committed before the crash' }]);
      await machineStillAnswers();

      const pid = server.pid();
      expect(pid).toBeDefined();
      expect(pid).not.toBe(firstPid);
      expect(alive(pid ?? 0)).toBe(true);
      await server.remove();
      expect(alive(pid ?? 0)).toBe(false);
      expect(existsSync(server.dir)).toBe(false);
      await machineStillAnswers();
    },
  );
});

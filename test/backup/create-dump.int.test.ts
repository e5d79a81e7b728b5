import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDump } from '../../src/backup/create-dump.ts';
import { DumpError } from '../../src/backup/dump-error.ts';
import { findPgDump, serverMajor } from '../../src/backup/find-pg-dump.ts';
import { insertSyntheticLeads } from '../../src/leads/insert-synthetic-leads.ts';
import { useTestDatabase } from '../support/test-database.ts';

const scratch = mkdtempSync(join(tmpdir(), 'hermes-dump-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let count = 0;
const freshDir = (): string => join(scratch, `d${String((count += 1))}`);

/** A fake pg_dump in `dir` reporting `version`, doing `body` otherwise (sh). */
function fakePgDump(dir: string, version: string, body = 'exit 0'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'pg_dump');
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) ${version}"; exit 0; fi\n` +
      `for a in "$@"; do case "$a" in --file=*) f="\${a#--file=}";; esac; done\n${body}\n`,
  );
  chmodSync(path, 0o755);
  return path;
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The URL with a password: the test server trusts local connections and never asks for it. */
function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

describe('createDump', () => {
  const db = useTestDatabase();
  let major = '';
  beforeAll(async () => {
    await insertSyntheticLeads(db.pool, 5);
    const { rows } = await db.pool.query<{ server_version_num: string }>('SHOW server_version_num');
    major = serverMajor(Number(rows[0]?.server_version_num));
  });

  it("writes a custom-format dump named by the UTC minute, by the server's pg_dump", async () => {
    const dir = freshDir();
    const now = new Date('2025-03-04T05:06:59.900Z');
    const dump = await createDump({ databaseUrl: db.url, dir, now });
    expect(dump.name).toBe('2025-03-04-05-06');
    expect(dump.path).toBe(join(dir, '2025-03-04-05-06.dump'));
    expect(dump.pgDumpVersion.split('.')[0]).toBe(major);
    expect(dump.bytes).toBe(statSync(dump.path).size);
    expect(dump.sha256).toBe(sha256(dump.path));
    // Personal data: the owner's alone.
    expect(statSync(dump.path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['2025-03-04-05-06.dump']);
    const restore = join('/usr/lib/postgresql', major, 'bin', 'pg_restore');
    const listing = execFileSync(existsSync(restore) ? restore : 'pg_restore', ['--list', dump.path], {
      encoding: 'utf8',
    });
    expect(listing).toMatch(/TABLE public hermes_leads /);
    expect(listing).toMatch(/TABLE DATA public hermes_leads /);
  });

  it('numbers a second and third backup of the same minute and never overwrites one', async () => {
    const dir = freshDir();
    const now = new Date('2025-03-04T05:06:00Z');
    const first = await createDump({ databaseUrl: db.url, dir, now });
    const firstSha = sha256(first.path);
    await db.pool.query(`UPDATE hermes_leads SET first_name = 'Changed'`);
    const second = await createDump({ databaseUrl: db.url, dir, now: new Date('2025-03-04T05:06:30Z') });
    const third = await createDump({ databaseUrl: db.url, dir, now });
    expect([first.name, second.name, third.name]).toEqual([
      '2025-03-04-05-06',
      '2025-03-04-05-06-2',
      '2025-03-04-05-06-3',
    ]);
    expect(sha256(first.path)).toBe(firstSha);
    expect(second.sha256).not.toBe(firstSha);
    expect(readdirSync(dir).sort()).toEqual([
      '2025-03-04-05-06-2.dump',
      '2025-03-04-05-06-3.dump',
      '2025-03-04-05-06.dump',
    ]);
  });

  it('keeps the password off the command line and out of the error, and leaves no file when pg_dump fails', async () => {
    const lib = join(scratch, `lib-fail-${major}`);
    const log = join(scratch, 'fake-pg-dump.log');
    fakePgDump(
      join(lib, major, 'bin'),
      `${major}.99`,
      [
        `printf 'PGDMP partial' > "$f"`,
        `echo "$*" > "$LOG"; echo "PGPASSWORD=$PGPASSWORD" >> "$LOG"`,
        `echo "pg_dump: error: connection to the server failed: s3cret-pw" >&2`,
        'exit 1',
      ].join('\n'),
    );
    const dir = freshDir();
    const error = await createDump({
      databaseUrl: withPassword(db.url, 's3cret-pw'),
      dir,
      now: new Date(),
      libDir: lib,
      env: { ...process.env, LOG: log },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    const failure = error as DumpError;
    expect(failure.failure).toBe('failed');
    expect(failure.message).toBe(
      'pg_dump exited with code 1: pg_dump: error: connection to the server failed: [redacted]',
    );
    expect(failure.output).not.toContain('s3cret-pw');
    expect(readdirSync(dir)).toEqual([]);
    const [args = '', password = ''] = readFileSync(log, 'utf8').split('\n');
    expect(args).toMatch(/^--format=custom --file=\S+ --no-password --dbname=postgres:\/\/postgres@/);
    expect(args).not.toContain('s3cret-pw');
    expect(password).toBe('PGPASSWORD=s3cret-pw');
  });

  it('says so when pg_dump fails without a word', async () => {
    const lib = join(scratch, `lib-mute-${major}`);
    fakePgDump(join(lib, major, 'bin'), `${major}.99`, 'exit 3');
    const error = await createDump({
      databaseUrl: db.url,
      dir: freshDir(),
      now: new Date(),
      libDir: lib,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'failed', message: 'pg_dump exited with code 3: no output' });
  });

  it('stops pg_dump on the signal and removes what it had written', async () => {
    const lib = join(scratch, `lib-slow-${major}`);
    fakePgDump(join(lib, major, 'bin'), `${major}.99`, `printf 'PGDMP partial' > "$f"\nsleep 30`);
    const dir = freshDir();
    const started = performance.now();
    const error = await createDump({
      databaseUrl: db.url,
      dir,
      now: new Date(),
      libDir: lib,
      signal: AbortSignal.timeout(500),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ failure: 'stopped', message: 'pg_dump was stopped before it finished' });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("names the major it needs when no pg_dump of the server's version is installed", async () => {
    const empty = join(scratch, 'empty');
    mkdirSync(empty, { recursive: true });
    const dir = freshDir();
    const error = await createDump({
      databaseUrl: db.url,
      dir,
      now: new Date(),
      libDir: empty,
      env: { PATH: empty },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    expect((error as DumpError).failure).toBe('no-pg-dump');
    expect((error as DumpError).message).toContain(
      `no pg_dump for PostgreSQL ${major} (the server's major version)`,
    );
    expect((error as DumpError).message).toContain('none found');
    // No PATH at all: Debian's directory alone.
    await expect(findPgDump(major, { libDir: empty, env: {} })).rejects.toThrow(/none found/);
    expect(existsSync(dir)).toBe(false);
  });
});

describe('findPgDump', () => {
  const root = join(scratch, 'find');
  const env = (...dirs: string[]) => ({ PATH: dirs.join(delimiter) });

  it("takes Debian's directory of the major first, then the first pg_dump of that major on PATH", async () => {
    const lib = join(root, 'lib');
    const debian = fakePgDump(join(lib, '16', 'bin'), '16.1');
    const old = fakePgDump(join(root, 'old'), '14.3');
    const onPath = fakePgDump(join(root, 'new'), '16.4');
    expect(await findPgDump('16', { libDir: lib, env: env(join(root, 'old'), join(root, 'new')) })).toEqual({
      path: debian,
      version: '16.1',
    });
    expect(await findPgDump('16', { libDir: root, env: env(join(root, 'old'), join(root, 'new')) })).toEqual({
      path: onPath,
      version: '16.4',
    });
    expect(await findPgDump('14', { libDir: root, env: env(join(root, 'old')) })).toEqual({
      path: old,
      version: '14.3',
    });
  });

  it('refuses another major, says which one it needs and what it found', async () => {
    const broken = join(root, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'pg_dump'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(broken, 'pg_dump'), 0o755);
    const notExecutable = join(root, 'plain');
    mkdirSync(notExecutable, { recursive: true });
    writeFileSync(join(notExecutable, 'pg_dump'), 'not a program');
    fakePgDump(join(root, 'old'), '14.3');
    const error = await findPgDump('17', {
      libDir: join(root, 'nothing'),
      env: env(notExecutable, join(root, 'old'), broken),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DumpError);
    expect((error as DumpError).message).toBe(
      `no pg_dump for PostgreSQL 17 (the server's major version): looked in ${join(root, 'nothing', '17', 'bin')} and on PATH, found only ${join(root, 'old', 'pg_dump')} (14.3), ${join(broken, 'pg_dump')} (no version reported); install PostgreSQL 17's client programs (Debian: postgresql-client-17)`,
    );
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, link, mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { outputTail } from '../text/output-tail.ts';
import { backupBaseName, nthBackupName } from './backup-name.ts';
import { DumpError } from './dump-error.ts';
import { findPgDump, serverMajor } from './find-pg-dump.ts';
import { libpqTarget, maskSecrets } from './libpq-target.ts';
import { runCapture } from './run-capture.ts';

export interface CreateDumpOptions {
  databaseUrl: string;
  /** Where backups are kept; created (owner only) when missing. */
  dir: string;
  /** When the backup is taken: it is named by this minute, in UTC. */
  now: Date;
  /** Ends pg_dump; what it wrote so far is removed. */
  signal?: AbortSignal | undefined;
  /** pg_dump's environment, whose PATH is searched; default process.env. */
  env?: NodeJS.ProcessEnv | undefined;
  /** Where each major's programs are installed (Debian's layout); default /usr/lib/postgresql. */
  libDir?: string | undefined;
}

export interface Dump {
  /** `YYYY-MM-DD-HH-MM`, or with `-2`, `-3`, ... for a later one of the same minute. */
  name: string;
  path: string;
  bytes: number;
  /** Hex sha256 of the file. */
  sha256: string;
  /** The version of the pg_dump that wrote it, e.g. `15.20`. */
  pgDumpVersion: string;
}

async function serverVersionNum(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    return Number(rows[0]?.server_version_num);
  } finally {
    await client.end();
  }
}

async function digest(path: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return { bytes: (await stat(path)).size, sha256: hash.digest('hex') };
}

function hasErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Gives the finished dump its name: the minute's, else the first free `-N`. A hard link fails
 * when the name is taken (where rename would replace it), so no backup is ever overwritten, even
 * by another process naming one in the same minute.
 */
async function claimName(temp: string, dir: string, base: string): Promise<{ name: string; path: string }> {
  for (let n = 1; ; n += 1) {
    const name = nthBackupName(base, n);
    const path = join(dir, `${name}.dump`);
    try {
      await link(temp, path);
      return { name, path };
    } catch (error) {
      if (!hasErrorCode(error, 'EEXIST')) throw error;
    }
  }
}

/**
 * `pg_dump --format=custom` of the database, by the pg_dump of the server's major version, into
 * `dir` as `<name>.dump`. It is written under a temporary name (a dot file, never a backup's
 * name) and named only once pg_dump succeeded, so a failed or stopped dump leaves nothing that
 * looks like a backup. The password reaches pg_dump through PGPASSWORD, never its arguments.
 */
export async function createDump(options: CreateDumpOptions): Promise<Dump> {
  const env = options.env ?? process.env;
  const major = serverMajor(await serverVersionNum(options.databaseUrl));
  const pgDump = await findPgDump(major, {
    libDir: options.libDir ?? '/usr/lib/postgresql',
    env,
    signal: options.signal,
  });
  // Backups hold every lead's personal data: readable by their owner only.
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  const base = backupBaseName(options.now);
  const temp = join(
    options.dir,
    `.${base}.dump.partial-${String(process.pid)}-${randomBytes(4).toString('hex')}`,
  );
  const target = libpqTarget(options.databaseUrl);
  try {
    const run = await runCapture(
      pgDump.path,
      ['--format=custom', `--file=${temp}`, '--no-password', `--dbname=${target.dbname}`],
      { env: { ...env, ...target.env }, cwd: options.dir, signal: options.signal },
    );
    const output = outputTail(maskSecrets(run.stderr, target.secrets), 20);
    if (run.code === null) throw new DumpError('stopped', 'pg_dump was stopped before it finished', output);
    if (run.code !== 0) {
      const last = output.slice(output.lastIndexOf('\n') + 1);
      const said = last === '' ? 'no output' : last;
      throw new DumpError('failed', `pg_dump exited with code ${String(run.code)}: ${said}`, output);
    }
    await chmod(temp, 0o600);
    const { bytes, sha256 } = await digest(temp);
    const { name, path } = await claimName(temp, options.dir, base);
    return { name, path, bytes, sha256, pgDumpVersion: pgDump.version };
  } finally {
    await rm(temp, { force: true });
  }
}

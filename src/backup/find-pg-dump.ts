import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DumpError } from './dump-error.ts';
import { runCapture } from './run-capture.ts';

/** `SHOW server_version_num` as a major version: 150020 → `15`, 90624 → `9.6` (before 10, two parts). */
export function serverMajor(versionNum: number): string {
  const major = Math.floor(versionNum / 10_000);
  return major >= 10 ? String(major) : `${String(major)}.${String(Math.floor(versionNum / 100) % 100)}`;
}

/** The version a `pg_dump --version` line reports (`pg_dump (PostgreSQL) 15.20 (Debian ...)` → `15.20`). */
export function reportedVersion(output: string): string | undefined {
  return /\(PostgreSQL\)\s+(\S+)/.exec(output)?.[1];
}

/** The major of a reported version: `15.20` → `15`, `17devel` → `17`, `9.6.24` → `9.6`. */
export function versionMajor(version: string): string {
  const [first = '', second = ''] = version.split('.');
  const major = /^\d+/.exec(first)?.[0] ?? first;
  return Number(major) >= 10 ? major : `${major}.${/^\d+/.exec(second)?.[0] ?? '0'}`;
}

export interface PgDump {
  path: string;
  /** What `--version` reported, e.g. `15.20`. */
  version: string;
}

export interface FindPgDumpOptions {
  /** Where Debian's packages put each major's programs (`<libDir>/<major>/bin`). */
  libDir: string;
  /** Its PATH is searched after libDir. */
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal | undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The pg_dump of the server's major version: the one Debian installs for that major first, then
 * each one on PATH. A pg_dump of another major is refused: an older one cannot dump a newer server,
 * and the backup is restored with the same major's pg_restore. None found → a DumpError naming
 * the major needed and what was found instead.
 */
export async function findPgDump(major: string, options: FindPgDumpOptions): Promise<PgDump> {
  const onPath = (options.env.PATH ?? '').split(delimiter).filter((dir) => dir !== '');
  const candidates = [
    ...new Set([join(options.libDir, major, 'bin'), ...onPath].map((d) => join(d, 'pg_dump'))),
  ];
  const others: string[] = [];
  for (const path of candidates.filter(isExecutable)) {
    const run = await runCapture(path, ['--version'], {
      env: options.env,
      cwd: '/',
      signal: options.signal,
    });
    // A version check the caller's signal cut short says nothing about that pg_dump.
    if (options.signal?.aborted === true) throw new DumpError('stopped', 'stopped while looking for pg_dump');
    const version = run.code === 0 ? reportedVersion(run.stdout) : undefined;
    if (version !== undefined && versionMajor(version) === major) return { path, version };
    others.push(`${path} (${version ?? 'no version reported'})`);
  }
  const found = others.length === 0 ? 'none found' : `found only ${others.join(', ')}`;
  throw new DumpError(
    'no-pg-dump',
    `no pg_dump for PostgreSQL ${major} (the server's major version): looked in ${join(options.libDir, major, 'bin')} and on PATH, ${found}; install PostgreSQL ${major}'s client programs (Debian: postgresql-client-${major})`,
  );
}

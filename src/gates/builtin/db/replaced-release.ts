import { basename, relative } from 'node:path';
import type { Database } from '../../../db/open-database.ts';
import { HermesError } from '../../../errors/hermes-error.ts';
import type { MigrationFile } from '../../../migrations/migration-file.ts';
import { releaseOf } from '../../../migrations/release-of.ts';
import { readAppliedMigrations, type AppliedMigration } from '../../../migrations/schema-migrations-table.ts';
import type { GateContext } from '../../gate.ts';
import { migrationsDirOf } from '../support/migrated-scratch.ts';
import { runTool } from '../support/run-tool.ts';
import { gateThresholds } from '../support/thresholds.ts';
import { gitBaselineRef } from './baseline-version.ts';

/** The schema version of the release a deploy replaces: what db.schema.breaking compares from. */
export interface ReplacedRelease {
  /** Its newest migration's version; '0' for an empty schema. */
  version: string;
  /** Where the version came from, for the report. */
  source: string;
}

export interface ReleaseInput {
  ctx: GateContext;
  db: Database;
  files: readonly MigrationFile[];
}

/** One way to learn the replaced release's version; null when it does not apply to this project. */
type ReleaseSource = (input: ReleaseInput) => Promise<ReplacedRelease | null>;

const configuredKey = 'gates.thresholds.db.schemaBreaking.baselineMigration';

/** The configured version, as the code's file spells it ('0' for none); an unknown one is an error. */
export function configuredVersion(
  configured: string,
  files: readonly Pick<MigrationFile, 'version'>[],
): string {
  if (Number(configured) === 0) return '0';
  const file = files.find((f) => Number(f.version) === Number(configured));
  if (file) return file.version;
  const known = files.map((f) => f.version).join(', ') || 'none';
  throw new HermesError(
    'baseline_unknown',
    `${configuredKey}: no migration numbered ${configured} (known: ${known})`,
  );
}

const upFile = /^(\d{4,})_[a-z0-9_]+\.up\.sql$/;

/** The newest migration among file paths (a git tree listing); '0' when there is none. */
export function newestVersionIn(paths: readonly string[]): string {
  let newest = '0';
  for (const path of paths) {
    const version = upFile.exec(basename(path))?.[1];
    if (version !== undefined && Number(version) > Number(newest)) newest = version;
  }
  return newest;
}

/**
 * The newest applied migration that the current release did not apply: the database's version
 * before this release's migrations. Rows without a release predate its recording, so they are not
 * this release's; '0' when every row is (a database this release created).
 */
export function versionBeforeRelease(
  applied: readonly Pick<AppliedMigration, 'version' | 'release'>[],
  current: string | null,
): string {
  const older = applied.filter((row) => current === null || (row.release ?? null) !== current);
  return older.reduce((newest, row) => (Number(row.version) > Number(newest) ? row.version : newest), '0');
}

function configuredBaseline({ ctx, files }: ReleaseInput): Promise<ReplacedRelease | null> {
  const configured = gateThresholds(ctx.config).db.schemaBreaking.baselineMigration;
  if (configured === undefined) return Promise.resolve(null);
  return Promise.resolve({ version: configuredVersion(configured, files), source: configuredKey });
}

async function migrationsAtGitRef({ ctx }: ReleaseInput): Promise<ReplacedRelease | null> {
  const baseline = await gitBaselineRef(ctx);
  if (baseline === null) return null;
  // ls-tree takes and prints paths relative to the working directory.
  const dir = relative(ctx.cwd, migrationsDirOf(ctx)) || '.';
  const listed = await runTool('git', ['ls-tree', '--name-only', baseline.ref, '--', `${dir}/`], {
    cwd: ctx.cwd,
    signal: ctx.signal,
  });
  if (listed.code !== 0) {
    throw new HermesError('baseline_unreadable', `cannot list the migrations at ${baseline.source}`, {
      details: [listed.stderr.trim()].filter(Boolean),
    });
  }
  return {
    version: newestVersionIn(listed.stdout.split('\n')),
    source: `the migrations at ${baseline.source}`,
  };
}

async function databaseBeforeRelease({ ctx, db }: ReleaseInput): Promise<ReplacedRelease> {
  const applied = await readAppliedMigrations(db.pool);
  const current = releaseOf(ctx.cwd);
  const version = versionBeforeRelease(applied, current);
  if (current === null)
    return { version, source: 'the configured database (this release unknown: no package.json or git)' };
  const ours = applied.filter((row) => row.release === current).length;
  return {
    version,
    source: `the configured database before release ${current} (${ours} of ${applied.length} applied migrations are this release's)`,
  };
}

/**
 * In order of trust. The deployments ledger (the last succeeded deployment's migration version)
 * goes first once it exists; the database is the last resort and always answers.
 */
const sources: readonly ReleaseSource[] = [configuredBaseline, migrationsAtGitRef];

export async function replacedRelease(input: ReleaseInput): Promise<ReplacedRelease> {
  for (const source of sources) {
    const found = await source(input);
    if (found !== null) return found;
  }
  return databaseBeforeRelease(input);
}

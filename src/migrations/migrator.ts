import { hostname, userInfo } from 'node:os';
import type { Pool, PoolClient } from 'pg';
import { describeSqlError } from './describe-sql-error.ts';
import { MigrationError } from './migration-error.ts';
import { loadMigrationFiles, type MigrationFile } from './migration-file.ts';
import { tryWithMigrationLock } from './migration-lock.ts';
import {
  blockingProblemKinds,
  computeStatus,
  findProblems,
  statusProblems,
  type MigrationStatus,
} from './migration-status.ts';
import {
  deleteApplied,
  ensureSchemaMigrationsTable,
  readAppliedMigrations,
  recordApplied,
} from './schema-migrations-table.ts';
import { runMigrationSql, type Timeouts } from './run-migration-sql.ts';

export interface MigratorOptions extends Timeouts {
  pool: Pool;
  dir: string;
  /** How long to wait for another process's migration lock. */
  lockWaitMs?: number;
  /** Recorded in `schema_migrations.applied_by`; default `user@host`. */
  appliedBy?: string;
  /**
   * Recorded in `schema_migrations.release` (`0.1.0+99928ab`, see releaseOf); default null, for
   * scratch databases. db.schema.breaking reads it to find the release a deploy replaces.
   */
  release?: string | null;
}

export type Direction = 'up' | 'down';

export interface MigrationPlan {
  direction: Direction;
  /** In the order they would run. */
  steps: MigrationFile[];
  /** Why the plan must not run; empty when it may. */
  blockers: string[];
}

export interface MigrationResult {
  version: string;
  name: string;
  direction: Direction;
  status: 'success' | 'failed' | 'not_executed';
  durationMs: number;
  error?: string;
}

/**
 * What a run did: each migration's result, and the error that stopped it, if any. As Kysely's
 * migrator does, a run never throws for a failure it can name: `results` is undefined when the run
 * stopped before it could plan (the migration lock was not free in time, `to` named no migration,
 * the files could not be read), and then `error` says why. Only the unexpected (the database went
 * away) still throws.
 */
export type MigrationRunResult = MigrationsRun | MigrationsNotRun;

/** The run planned: each planned migration's result; `error` when one failed or the plan was refused. */
export interface MigrationsRun {
  direction: Direction;
  results: MigrationResult[];
  error?: MigrationError;
}

/** The run stopped before it could plan. */
export interface MigrationsNotRun {
  direction: Direction;
  results?: undefined;
  error: MigrationError;
}

/** The version `to` names among `files` ('0' when `allowZero`: before the first), or why none. */
export function resolveTarget(
  to: string,
  files: readonly MigrationFile[],
  allowZero: boolean,
): string | MigrationError {
  if (!/^\d+$/.test(to))
    return new MigrationError('migration_target_invalid', `--to: expected a version number, got "${to}"`);
  if (allowZero && Number(to) === 0) return '0';
  const file = files.find((f) => Number(f.version) === Number(to));
  if (!file) {
    const known = files.map((f) => f.version).join(', ') || 'none';
    return new MigrationError(
      'migration_target_unknown',
      `--to: no migration numbered ${to} (known: ${known})`,
    );
  }
  return file.version;
}

function planUp(
  files: readonly MigrationFile[],
  status: readonly MigrationStatus[],
  to?: string,
): MigrationPlan | MigrationError {
  const target = to === undefined ? undefined : resolveTarget(to, files, false);
  if (target instanceof MigrationError) return target;
  const limit = target === undefined ? Infinity : Number(target);
  const pending = new Set(status.filter((m) => m.state === 'pending').map((m) => m.version));
  const blockers = findProblems(status)
    .filter((p) => blockingProblemKinds.has(p.kind))
    .map((p) => p.message);
  return {
    direction: 'up',
    steps: files.filter((f) => pending.has(f.version) && Number(f.version) <= limit),
    blockers,
  };
}

function planDown(
  files: readonly MigrationFile[],
  status: readonly MigrationStatus[],
  to: string,
): MigrationPlan | MigrationError {
  const target = resolveTarget(to, files, true);
  if (target instanceof MigrationError) return target;
  const limit = Number(target);
  const byVersion = new Map(files.map((f) => [f.version, f]));
  const toRevert = status.filter((m) => m.state !== 'pending' && Number(m.version) > limit).reverse();
  const blockers: string[] = [];
  const steps: MigrationFile[] = [];
  for (const m of toRevert) {
    const file = byVersion.get(m.version);
    if (m.state === 'missing_file' || m.state === 'unknown_applied' || !file)
      blockers.push(`${m.name}: no file to revert it with`);
    else if (m.state === 'checksum_mismatch')
      blockers.push(`${m.name}: checksum mismatch; its down may not match what was applied`);
    else if (file.downSql === null) blockers.push(`${m.name}: no down migration`);
    else steps.push(file);
  }
  return { direction: 'down', steps, blockers };
}

function planFor(
  direction: Direction,
  files: readonly MigrationFile[],
  status: readonly MigrationStatus[],
  to: string | undefined,
): MigrationPlan | MigrationError {
  return direction === 'up' ? planUp(files, status, to) : planDown(files, status, to ?? '0');
}

/** Applies, reverts and inspects the SQL migrations of one directory against one database. */
export class Migrator {
  readonly #options: Required<MigratorOptions>;

  constructor(options: MigratorOptions) {
    this.#options = {
      lockWaitMs: 10 * 60_000,
      appliedBy: `${userInfo().username}@${hostname()}`,
      release: null,
      ...options,
    };
  }

  files(): MigrationFile[] {
    return loadMigrationFiles(this.#options.dir);
  }

  async status(): Promise<MigrationStatus[]> {
    return computeStatus(this.files(), await readAppliedMigrations(this.#options.pool));
  }

  /** Every reason the database does not match the code (checksums, missing files, pending, no down). */
  async validate(): Promise<string[]> {
    return statusProblems(await this.status());
  }

  async plan(direction: Direction, to?: string): Promise<MigrationPlan> {
    if (direction === 'down' && to === undefined) {
      throw new MigrationError(
        'migration_target_missing',
        'migrate down needs --to VERSION (0 reverts everything)',
      );
    }
    const files = this.files();
    const status = computeStatus(files, await readAppliedMigrations(this.#options.pool));
    // plan() answers a question, so a bad `to` is thrown to the asker; up() and down() return it.
    const plan = planFor(direction, files, status, to);
    if (plan instanceof MigrationError) throw plan;
    return plan;
  }

  up(to?: string): Promise<MigrationRunResult> {
    return this.#run('up', to);
  }

  down(to: string): Promise<MigrationRunResult> {
    return this.#run('down', to);
  }

  async #run(direction: Direction, to: string | undefined): Promise<MigrationRunResult> {
    const { pool, lockWaitMs } = this.#options;
    const locked = await tryWithMigrationLock(pool, lockWaitMs, (client) =>
      this.#planAndApply(client, direction, to),
    );
    return locked.locked ? locked.value : { direction, error: locked.error };
  }

  /** Under the migration lock: a run that waited plans with what the other one applied. */
  async #planAndApply(
    client: PoolClient,
    direction: Direction,
    to: string | undefined,
  ): Promise<MigrationRunResult> {
    await ensureSchemaMigrationsTable(client);
    const files = this.#filesOrError();
    if (files instanceof MigrationError) return { direction, error: files };
    const status = computeStatus(files, await readAppliedMigrations(client));
    const plan = planFor(direction, files, status, to);
    if (plan instanceof MigrationError) return { direction, error: plan };
    if (plan.blockers.length > 0) {
      return {
        direction,
        results: plan.steps.map((f) => notExecuted(f, direction)),
        error: new MigrationError('migration_blocked', `migrate ${direction} refused`, {
          details: plan.blockers,
        }),
      };
    }
    return this.#apply(client, plan);
  }

  /** The files, or the MigrationError that says why they cannot be read (no directory, bad names). */
  #filesOrError(): MigrationFile[] | MigrationError {
    try {
      return this.files();
    } catch (error) {
      if (error instanceof MigrationError) return error;
      throw error;
    }
  }

  async #apply(client: PoolClient, plan: MigrationPlan): Promise<MigrationRunResult> {
    const results: MigrationResult[] = [];
    for (const [index, file] of plan.steps.entries()) {
      const sql = plan.direction === 'up' ? file.upSql : (file.downSql ?? '');
      const started = performance.now();
      try {
        await runMigrationSql(client, sql, file.transactional, this.#options, async () => {
          const executionMs = Math.round(performance.now() - started);
          if (plan.direction === 'down') return deleteApplied(client, file.version);
          return recordApplied(client, {
            version: file.version,
            migration_name: file.name,
            checksum: file.checksum,
            execution_ms: executionMs,
            applied_by: this.#options.appliedBy,
            release: this.#options.release,
          });
        });
        results.push({
          ...notExecuted(file, plan.direction),
          status: 'success',
          durationMs: elapsed(started),
        });
      } catch (error) {
        const reason = describeSqlError(error, sql);
        const partial = file.transactional
          ? 'rolled back'
          : 'not in a transaction: statements before the failing one stay applied';
        results.push({
          ...notExecuted(file, plan.direction),
          status: 'failed',
          durationMs: elapsed(started),
          error: reason,
        });
        results.push(...plan.steps.slice(index + 1).map((f) => notExecuted(f, plan.direction)));
        return {
          direction: plan.direction,
          results,
          error: new MigrationError(
            'migration_failed',
            `${file.name} (${plan.direction}) failed: ${reason}; ${partial}`,
            {
              cause: error,
            },
          ),
        };
      }
    }
    return { direction: plan.direction, results };
  }
}

function notExecuted(file: MigrationFile, direction: Direction): MigrationResult {
  return { version: file.version, name: file.name, direction, status: 'not_executed', durationMs: 0 };
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

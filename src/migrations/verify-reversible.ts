import { createScratchDatabase } from '../db/scratch-database.ts';
import { createPool } from '../db/pool.ts';
import { loadMigrationFiles, type MigrationFile } from './migration-file.ts';
import { Migrator } from './migrator.ts';
import type { Timeouts } from './run-migration-sql.ts';
import { diffSnapshots, takeSchemaSnapshot } from './schema-snapshot.ts';

export interface VerifyReversibleOptions extends Timeouts {
  /** The database whose server hosts the scratch database. */
  sourceUrl: string;
  embedded: boolean;
  dir: string;
}

export interface ReversibilityReport {
  ok: boolean;
  migrations: number;
  /** One line per migration at fault, naming it, with the schema difference indented below. */
  problems: string[];
  durationMs: number;
}

type Round = 'up' | 'down' | 'up again';

/**
 * On a scratch database: all ups, then all downs, then all ups, one migration at a time, with the
 * schema compared after each step against what it was (or must be) at that version.
 */
export async function verifyReversible(options: VerifyReversibleOptions): Promise<ReversibilityReport> {
  const started = performance.now();
  const files = loadMigrationFiles(options.dir);
  const scratch = await createScratchDatabase(options.sourceUrl, options.embedded);
  const pool = createPool(scratch.url, {
    max: 2,
    connectionTimeoutMs: 10_000,
    idleTimeoutMs: 1_000,
    statementTimeoutMs: 0,
  });
  const problems: string[] = [];
  try {
    const migrator = new Migrator({ ...options, pool });
    const step = async (round: Round, file: MigrationFile, target: string, expected?: readonly string[]) => {
      const run = round === 'down' ? await migrator.down(target) : await migrator.up(target);
      if (run.error) {
        problems.push(
          `${file.name}: ${round} failed: ${run.error.message}`,
          ...run.error.details.map((d) => `  ${d}`),
        );
        return undefined;
      }
      const snapshot = await takeSchemaSnapshot(pool);
      const diff = expected === undefined ? [] : diffSnapshots(expected, snapshot);
      if (diff.length > 0) {
        const what =
          round === 'down'
            ? 'down does not restore the schema it replaced'
            : 'up after down gives another schema';
        problems.push(`${file.name}: ${what}`, ...diff.map((line) => `  ${line}`));
        // Later steps would only repeat this difference.
        return undefined;
      }
      return snapshot;
    };

    // afterUp[i]: the schema once migrations 0..i-1 are applied (afterUp[0]: the empty database).
    const afterUp: string[][] = [await takeSchemaSnapshot(pool)];
    for (const file of files) {
      const snapshot = await step('up', file, file.version);
      if (!snapshot) return report(files, problems, started);
      afterUp.push(snapshot);
    }
    for (let i = files.length - 1; i >= 0; i -= 1) {
      const file = files[i] as MigrationFile;
      const target = i === 0 ? '0' : (files[i - 1] as MigrationFile).version;
      if (!(await step('down', file, target, afterUp[i]))) return report(files, problems, started);
    }
    for (const [i, file] of files.entries()) {
      if (!(await step('up again', file, file.version, afterUp[i + 1]))) break;
    }
    return report(files, problems, started);
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

function report(files: readonly MigrationFile[], problems: string[], started: number): ReversibilityReport {
  return {
    ok: problems.length === 0,
    migrations: files.length,
    problems,
    durationMs: Math.round(performance.now() - started),
  };
}

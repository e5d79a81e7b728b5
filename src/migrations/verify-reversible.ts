import { createScratchDatabase } from '../db/scratch-database.ts';
import { createPool } from '../db/pool.ts';
import { lostRows, takeDataSnapshot, type DataSnapshot, type TableLoss } from './data-snapshot.ts';
import { loadMigrationFiles, type MigrationFile } from './migration-file.ts';
import { Migrator } from './migrator.ts';
import type { Timeouts } from './run-migration-sql.ts';
import { diffSnapshots, takeSchemaSnapshot } from './schema-snapshot.ts';
import { seedRepresentativeRows } from './seed-representative-rows.ts';

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
  /** Rows present before an up and gone after its down, per migration and table. */
  dataLosses: DataLoss[];
  /** Migrations whose down says `-- hermes:destructive reason=...`: reported, not failed. */
  warnings: string[];
  /** Tables that got representative rows before an up. */
  seededTables: string[];
  /** `schema.table: why` for tables no generic row fits: their loss would go unseen. */
  notSeeded: string[];
  durationMs: number;
}

export interface DataLoss {
  migration: string;
  table: string;
  lost: number;
  /** The migration's `-- hermes:destructive reason=...`: the loss is intended. */
  declaredReason?: string;
}

type Round = 'up' | 'down' | 'up again';

/**
 * On a scratch database: all ups, then all downs, then all ups, one migration at a time, with the
 * schema compared after each step against what it was (or must be) at that version. Before each
 * up of the first round, every table that has none gets representative rows, so that a down which
 * loses rows present before its up is seen (an empty database would hide a `DELETE`).
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
  const data: DataFindings = { losses: [], warnings: [], seeded: [], notSeeded: [] };
  try {
    const migrator = new Migrator({ ...options, pool });
    // The rows just before the down about to run: after the previous down.
    let beforeDown: DataSnapshot = new Map();
    const step = async (
      round: Round,
      file: MigrationFile,
      target: string,
      expected?: readonly string[],
      beforeUp?: DataSnapshot,
    ) => {
      const run = round === 'down' ? await migrator.down(target) : await migrator.up(target);
      if (run.error) {
        problems.push(
          `${file.name}: ${round} failed: ${run.error.message}`,
          ...run.error.details.map((d) => `  ${d}`),
        );
        return undefined;
      }
      if (round === 'down' && beforeUp) {
        const afterDown = await takeDataSnapshot(pool);
        checkData(file, lostRows(beforeUp, beforeDown, afterDown), data, problems);
        beforeDown = afterDown;
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
    // beforeUp[i]: the rows once migrations 0..i-1 are applied and the tables seeded.
    const beforeUp: DataSnapshot[] = [];
    const seededTables = new Set<string>();
    for (const file of files) {
      const seeding = await seedRepresentativeRows(pool, seededTables);
      data.seeded.push(...seeding.seeded);
      data.notSeeded.push(...seeding.notSeeded);
      beforeUp.push(await takeDataSnapshot(pool));
      const snapshot = await step('up', file, file.version);
      if (!snapshot) return report(files, problems, data, started);
      afterUp.push(snapshot);
    }
    beforeDown = await takeDataSnapshot(pool);
    for (let i = files.length - 1; i >= 0; i -= 1) {
      const file = files[i] as MigrationFile;
      const target = i === 0 ? '0' : (files[i - 1] as MigrationFile).version;
      if (!(await step('down', file, target, afterUp[i], beforeUp[i])))
        return report(files, problems, data, started);
    }
    for (const [i, file] of files.entries()) {
      if (!(await step('up again', file, file.version, afterUp[i + 1]))) break;
    }
    return report(files, problems, data, started);
  } finally {
    await pool.end();
    await scratch.drop();
  }
}

interface DataFindings {
  losses: DataLoss[];
  warnings: string[];
  seeded: string[];
  notSeeded: string[];
}

/** After `file`'s down: rows there before its up and now gone are a problem, or a declared loss. */
function checkData(
  file: MigrationFile,
  losses: readonly TableLoss[],
  data: DataFindings,
  problems: string[],
): void {
  const reason = file.destructiveReason;
  const lines = losses.map(
    (l) =>
      `  ${l.table}: ${l.lost} of ${l.before.rows} rows present before the up are gone after the down ` +
      `(before ${l.before.rows} rows, checksum ${l.before.checksum}; after ${l.after.rows} rows, checksum ${l.after.checksum})`,
  );
  for (const loss of losses) {
    data.losses.push({
      migration: file.name,
      table: loss.table,
      lost: loss.lost,
      ...(reason === undefined ? {} : { declaredReason: reason }),
    });
  }
  if (reason !== undefined) {
    const what = losses.length > 0 ? 'loses data' : 'loses none of the seeded rows';
    data.warnings.push(`${file.name}: down declared destructive (reason: ${reason}), ${what}`, ...lines);
  } else if (losses.length > 0) {
    problems.push(
      `${file.name}: down loses rows present before its up (not marked -- hermes:destructive)`,
      ...lines,
    );
  }
}

function report(
  files: readonly MigrationFile[],
  problems: string[],
  data: DataFindings,
  started: number,
): ReversibilityReport {
  return {
    ok: problems.length === 0,
    migrations: files.length,
    problems,
    dataLosses: data.losses,
    warnings: data.warnings,
    seededTables: data.seeded,
    notSeeded: data.notSeeded,
    durationMs: Math.round(performance.now() - started),
  };
}

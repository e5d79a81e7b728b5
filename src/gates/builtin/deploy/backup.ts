import { resolve } from 'node:path';
import { createDump, type Dump } from '../../../backup/create-dump.ts';
import { isDumpError, type DumpError } from '../../../backup/dump-error.ts';
import { formatDuration } from '../../../text/duration.ts';
import { sizeText } from '../../../text/size-text.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { errorOutcome, measure, thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import type { DeployStepHooks } from './deploy-step-hooks.ts';

/**
 * Why no backup was taken. A missing pg_dump or a cancelled run leaves the step unjudged
 * (`error`); a dump that failed or ran out of time is the step failing (`fail`).
 * `timedOutAfterMs` is set when the step's own timeout stopped pg_dump.
 */
export function dumpFailureOutcome(error: DumpError, timedOutAfterMs?: number): GateOutcome {
  if (error.failure === 'no-pg-dump')
    return errorOutcome("no pg_dump for the server's version", error.message);
  const evidence =
    error.output === '' ? [] : [{ kind: 'output' as const, title: 'pg_dump output', content: error.output }];
  if (error.failure === 'stopped' && timedOutAfterMs === undefined)
    return { ...errorOutcome('the backup was cancelled', error.message), evidence };
  const summary =
    error.failure === 'stopped'
      ? `pg_dump did not finish within ${formatDuration(timedOutAfterMs ?? 0)}: no backup taken`
      : `no backup taken: ${error.message}`;
  return { status: 'fail', summary, evidence };
}

function backupOutcome(dump: Dump, durationMs: number): GateOutcome {
  return {
    status: 'pass',
    summary: `backup ${dump.name} taken (${sizeText(dump.bytes)}, pg_dump ${dump.pgDumpVersion})`,
    measurements: [measure('backup size', dump.bytes, 'bytes'), measure('duration', durationMs, 'ms')],
    evidence: [
      {
        kind: 'text',
        title: 'backup',
        content: [
          `name: ${dump.name}`,
          `path: ${dump.path}`,
          `bytes: ${String(dump.bytes)}`,
          `sha256: ${dump.sha256}`,
          `pg_dump: ${dump.pgDumpVersion}`,
        ].join('\n'),
      },
    ],
  };
}

/** The deploy stage's backup step: a pg_dump of the database before the migration step changes it. */
export function backupGate(hooks: DeployStepHooks): Gate {
  return {
    id: 'db.backup',
    stage: 'deploy',
    title: 'Database backup',
    description:
      "Before the deployment migrates the database, takes a backup of it: `pg_dump --format=custom` by the pg_dump of the server's major version, into `backup.dir` as `YYYY-MM-DD-HH-MM.dump` (the UTC minute; a later one of the same minute is `-2`, `-3`, ...; none is ever overwritten), and records its name on the deployment. A dump that fails or runs out of time leaves no file with a backup's name and fails the step. On the embedded database, which pg_dump cannot read, it warns that no backup was taken.",
    spec: '§2.2.1',
    // pg_dump's own limit is the `timeout` threshold; the step may run as long as the engine allows.
    timeoutMs: 3_600_000,
    thresholds: (config) =>
      describeThresholds(config, 'deploy', 'backup', {
        timeout:
          'pg_dump must finish within this (ms, or a duration such as 30m); a slower dump is stopped and fails the step',
      }),
    run: (ctx) =>
      withGateDatabase(ctx, 'back up the database', async (db) => {
        if (db.embedded) {
          // A warning, not a skip: the later steps still run, and every report shows no backup was taken.
          return {
            status: 'warn',
            summary:
              'no backup taken: pg_dump cannot read the embedded database (PGlite, PostgreSQL 18); copy its data directory',
          };
        }
        const { timeout } = gateThresholds(ctx.config).deploy.backup;
        const dir = resolve(ctx.cwd, ctx.config.backup.dir);
        const timer = AbortSignal.timeout(timeout);
        const started = performance.now();
        ctx.log(`pg_dump → ${dir}`);
        let dump: Dump;
        try {
          dump = await createDump({
            // The owner reads every table; the service's role may not (hermes_ops's gate history).
            databaseUrl: ctx.config.database.migrationUrl ?? db.url,
            dir,
            now: new Date(),
            signal: AbortSignal.any([ctx.signal, timer]),
            env: { ...process.env, ...ctx.env },
          });
        } catch (error) {
          if (isDumpError(error)) return dumpFailureOutcome(error, timer.aborted ? timeout : undefined);
          return thrownOutcome('the backup could not be taken', error);
        }
        await hooks.record(ctx, { backupName: dump.name });
        return backupOutcome(dump, Math.round(performance.now() - started));
      }),
  };
}

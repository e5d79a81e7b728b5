import { hasCode } from '../../../errors/hermes-error.ts';
import { verifyReversible, type DataLoss } from '../../../migrations/verify-reversible.ts';
import type { Evidence, Gate } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migrationsDirOf } from '../support/migrated-scratch.ts';
import { listSome, measure, plural } from '../support/outcome.ts';

export const migrationsReversibleGate: Gate = {
  id: 'db.migrations.reversible',
  stage: 'pre-deploy',
  title: 'Migrations are reversible',
  description:
    'On a scratch database, applies every migration up, then down, then up again, one at a time, and compares the schema after each step with what it must be at that version. Before each up, every table gets representative rows (synthetic leads, one generic row elsewhere); a down that loses rows present before its up fails, unless its down file says `-- hermes:destructive reason=...` (then it warns).',
  spec: '§1.1.3',
  timeoutMs: 300_000,
  run: (ctx) =>
    withGateDatabase(ctx, 'verify reversibility', async (db) => {
      let report;
      try {
        report = await verifyReversible({
          sourceUrl: db.url,
          embedded: db.embedded,
          dir: migrationsDirOf(ctx),
          lockTimeoutMs: ctx.config.migrations.lockTimeoutMs,
          statementTimeoutMs: ctx.config.migrations.statementTimeoutMs,
        });
      } catch (error) {
        // A destructive marker without its reason (or a stray file) is the migrations' fault.
        if (hasCode(error, 'migrations_invalid')) {
          return {
            status: 'fail',
            summary: `invalid migration files: ${listSome(error.details)}`,
            evidence: [{ kind: 'text', title: 'migration file problems', content: error.details.join('\n') }],
          };
        }
        throw error;
      }
      const culprits = [
        ...new Set(report.problems.filter((p) => !p.startsWith(' ')).map((p) => p.split(':')[0] ?? p)),
      ];
      const undeclared = report.dataLosses.filter((l) => l.declaredReason === undefined);
      const measurements = [
        measure('migrations', report.migrations, 'count'),
        measure('irreversible migrations', culprits.length, 'count', 0, '=='),
        measure('rows lost by undeclared downs', sum(undeclared), 'count', 0, '=='),
        measure('seeded tables', report.seededTables.length, 'count'),
        measure('tables not seeded', report.notSeeded.length, 'count'),
        measure('duration', report.durationMs, 'ms'),
      ];
      const evidence: Evidence[] = [];
      if (report.problems.length > 0)
        evidence.push({ kind: 'diff', title: 'up/down/up problems', content: report.problems.join('\n') });
      if (report.warnings.length > 0)
        evidence.push({
          kind: 'text',
          title: 'declared destructive downs',
          content: report.warnings.join('\n'),
        });
      if (report.notSeeded.length > 0)
        evidence.push({
          kind: 'text',
          title: 'tables not seeded (a loss there goes unseen)',
          content: report.notSeeded.join('\n'),
        });
      if (!report.ok) {
        const named = culprits.map((c) => {
          const lost = undeclared.filter((l) => l.migration === c);
          return lost.length === 0 ? c : `${c} (down loses ${describeLosses(lost)})`;
        });
        return { status: 'fail', summary: `not reversible: ${listSome(named)}`, measurements, evidence };
      }
      const declared = [...new Set(report.warnings.filter((w) => !w.startsWith(' ')))];
      if (declared.length > 0) {
        return {
          status: 'warn',
          summary: `${plural(report.migrations, 'migration')} reversible; declared destructive: ${listSome(declared)}`,
          measurements,
          evidence,
        };
      }
      return {
        status: 'pass',
        summary: `${plural(report.migrations, 'migration')} applied up, down and up again with identical schemas and no rows lost`,
        measurements,
        ...(evidence.length > 0 ? { evidence } : {}),
      };
    }),
};

function sum(losses: readonly DataLoss[]): number {
  return losses.reduce((n, l) => n + l.lost, 0);
}

/** `3 rows of public.hermes_leads, 1 row of public.hermes_outbox` */
function describeLosses(losses: readonly DataLoss[]): string {
  return losses.map((l) => `${plural(l.lost, 'row')} of ${l.table}`).join(', ');
}

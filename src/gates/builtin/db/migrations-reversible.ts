import { verifyReversible } from '../../../migrations/verify-reversible.ts';
import type { Gate } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migrationsDirOf } from '../support/migrated-scratch.ts';
import { listSome, measure, plural } from '../support/outcome.ts';

export const migrationsReversibleGate: Gate = {
  id: 'db.migrations.reversible',
  stage: 'pre-deploy',
  title: 'Migrations are reversible',
  description:
    'On a scratch database, applies every migration up, then down, then up again, one at a time, and compares the schema after each step with what it must be at that version.',
  spec: '§1.1.3',
  timeoutMs: 300_000,
  run: (ctx) =>
    withGateDatabase(ctx, 'verify reversibility', async (db) => {
      const report = await verifyReversible({
        sourceUrl: db.url,
        embedded: db.embedded,
        dir: migrationsDirOf(ctx),
        lockTimeoutMs: ctx.config.migrations.lockTimeoutMs,
        statementTimeoutMs: ctx.config.migrations.statementTimeoutMs,
      });
      const culprits = [
        ...new Set(report.problems.filter((p) => !p.startsWith(' ')).map((p) => p.split(':')[0] ?? p)),
      ];
      const measurements = [
        measure('migrations', report.migrations, 'count'),
        measure('irreversible migrations', culprits.length, 'count', 0, '=='),
        measure('duration', report.durationMs, 'ms'),
      ];
      if (report.ok) {
        return {
          status: 'pass',
          summary: `${plural(report.migrations, 'migration')} applied up, down and up again with identical schemas`,
          measurements,
        };
      }
      return {
        status: 'fail',
        summary: `not reversible: ${listSome(culprits)}`,
        measurements,
        evidence: [{ kind: 'diff', title: 'up/down/up problems', content: report.problems.join('\n') }],
      };
    }),
};

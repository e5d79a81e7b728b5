import semver from 'semver';
import { takeSchemaSnapshot } from '../../../migrations/schema-snapshot.ts';
import type { Evidence, Gate } from '../../gate.ts';
import { withGateDatabase } from '../support/database-guard.ts';
import { migratorFor, withMigratedScratch } from '../support/migrated-scratch.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import { describeThresholds } from '../support/thresholds.ts';
import { baselineVersion, currentVersion } from './baseline-version.ts';
import { breakingChanges } from './classify-schema-change.ts';
import { replacedRelease } from './replaced-release.ts';

interface MigrationChanges {
  name: string;
  marked: boolean;
  changes: string[];
}

export const schemaBreakingGate: Gate = {
  id: 'db.schema.breaking',
  stage: 'pre-deploy',
  title: 'No breaking schema change without a major version bump',
  description:
    "Finds the schema version of the release being replaced (the configured baselineMigration; else the newest migration at baselineRef or the newest git tag; else the configured database's version before this release's migrations, from the release that schema_migrations records for each migration), applies the code's migrations from there one at a time on a scratch database, and compares the schema before and after each, whatever the configured database holds now: a dropped or renamed table or column, a narrowed type, or a new NOT NULL without default fails, unless the migration says `-- hermes:breaking` AND package.json's major version is above the deployed one (baselineVersion, else package.json at baselineRef, else at the newest git tag).",
  spec: '§1.1.3',
  timeoutMs: 300_000,
  thresholds: (config) =>
    describeThresholds(config, 'db', 'schemaBreaking', {
      baselineMigration:
        'the replaced release\'s newest migration ("0": empty schema; unset: from git, else the database)',
      baselineVersion: 'the version last deployed (unset: read from git)',
      baselineRef: 'git ref of the deployed release: its package.json and migrations (unset: the newest tag)',
    }),
  run: (ctx) =>
    withGateDatabase(ctx, 'compare the schema', async (db) => {
      const files = migratorFor(ctx, db.pool).files();
      const replaced = await replacedRelease({ ctx, db, files });
      const since = files.filter((f) => Number(f.version) > Number(replaced.version));
      const reached = files.filter((f) => Number(f.version) <= Number(replaced.version)).at(-1);
      const from = `baseline ${replaced.version} (${replaced.source})`;
      const baselineEvidence: Evidence = {
        kind: 'rows',
        title: 'schema of the release being replaced',
        content: [{ ...replaced, scratch_migrated_to: reached?.version ?? '0' }],
      };
      if (since.length === 0) {
        return {
          status: 'pass',
          summary: `no migration since ${from}`,
          measurements: [measure('migrations since the baseline', 0, 'count')],
          evidence: [baselineEvidence],
        };
      }
      const found: MigrationChanges[] = await withMigratedScratch(
        ctx,
        db,
        async (pool, migrator) => {
          const out: MigrationChanges[] = [];
          let before = await takeSchemaSnapshot(pool);
          for (const file of since) {
            const run = await migrator.up(file.version);
            if (run.error) throw run.error;
            const after = await takeSchemaSnapshot(pool);
            out.push({ name: file.name, marked: file.breaking, changes: breakingChanges(before, after) });
            before = after;
          }
          return out;
        },
        reached?.version ?? '0',
      );
      const breaking = found.filter((m) => m.changes.length > 0);
      const measurements = [
        measure('migrations since the baseline', since.length, 'count'),
        measure('migrations with breaking changes', breaking.length, 'count'),
      ];
      const evidence: Evidence[] = [
        baselineEvidence,
        {
          kind: 'rows',
          title: `migrations compared from ${from}`,
          content: found.map((m) => ({
            migration: m.name,
            marked_breaking: m.marked,
            changes: m.changes.join('; '),
          })),
        },
      ];
      if (breaking.length === 0) {
        return {
          status: 'pass',
          summary: `${plural(since.length, 'migration')} since ${from}, no breaking change`,
          measurements,
          evidence,
        };
      }
      const current = currentVersion(ctx.cwd);
      const baseline = await baselineVersion(ctx);
      const bumped =
        current !== null &&
        baseline.version !== null &&
        semver.major(current) > semver.major(baseline.version);
      const versionNote =
        baseline.version === null
          ? `deployed version unknown (${baseline.source})`
          : `version ${current ?? '?'} vs deployed ${baseline.version} (${baseline.source})`;
      evidence.push({ kind: 'rows', title: 'version baseline', content: [{ current, ...baseline, bumped }] });
      const unjustified = breaking.filter((m) => !m.marked || !bumped);
      if (unjustified.length === 0) {
        return {
          status: 'warn',
          summary: `breaking changes marked and released as a major version: ${listSome(breaking.map((m) => m.name))} (${versionNote}; ${from})`,
          measurements,
          evidence,
        };
      }
      const why = (m: MigrationChanges) =>
        [!m.marked ? 'not marked -- hermes:breaking' : '', !bumped ? 'major version not bumped' : '']
          .filter(Boolean)
          .join(', ');
      return {
        status: 'fail',
        summary: `breaking change without ${bumped ? 'the hermes:breaking marker' : 'a major version bump'}: ${listSome(
          unjustified.map((m) => `${m.name}: ${m.changes[0] ?? ''} (${why(m)})`),
          2,
        )}; ${versionNote}; compared from ${from}`,
        measurements,
        evidence,
      };
    }),
};

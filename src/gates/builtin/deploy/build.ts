import { existsSync } from 'node:fs';
import { buildEnvironments, planBuild, type BuildEnvironment } from '../../../deploy/build/plan-build.ts';
import { runBuild } from '../../../deploy/build/run-build.ts';
import { packageVersion } from '../../../migrations/release-of.ts';
import { gitHead } from '../../history/git-head.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { errorOutcome, thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { inspectBuild } from './inspect-build.ts';
import { judgeBuild } from './judge-build.ts';

function buildGate(environment: BuildEnvironment): Gate {
  return {
    id: `build.${environment}`,
    stage: 'deploy',
    title: `Build (${environment})`,
    description: `\`npm run build:${environment}\`: bundles the service with esbuild into its own directory with what a release needs beside it and a release.json manifest, then checks the build had no errors and no warnings, the bundle is within its size budget, and the build shows its environment's properties (environment name, source maps, minification, default log level), read from the files and by running the bundle.`,
    spec: '§2.1.1',
    timeoutMs: 120_000,
    thresholds: (config) =>
      describeThresholds(config, 'build', environment, {
        entry: 'the module the bundle starts from',
        outDir: 'where the build is written (emptied first)',
        copy: 'files and folders copied beside the bundle (from, to)',
        sourcemap: 'whether the build has source maps',
        minify: 'whether the bundle is minified',
        logLevel: 'the default log level the bundle starts with',
        maxSizeKb: 'the bundle size budget (KB, source maps not counted)',
      }),
    async run(ctx): Promise<GateOutcome> {
      const settings = gateThresholds(ctx.config).build[environment];
      const version = packageVersion(ctx.cwd);
      if (version === null)
        return errorOutcome(`nothing to build`, `${ctx.cwd}: no package.json with a version`);
      // The full hash, as the ledger and gate history record it.
      const plan = planBuild(ctx.cwd, environment, settings, { version, commit: await gitHead(ctx.cwd) });
      if (!existsSync(plan.entry)) {
        return errorOutcome(
          'nothing to build',
          `${settings.entry}: no such file (gates.thresholds.build.${environment}.entry)`,
        );
      }
      try {
        ctx.log(`esbuild → ${settings.outDir}`);
        const report = await runBuild(plan);
        if (report.errors.length > 0) return judgeBuild(report, settings, null, version);
        ctx.log('running the bundle');
        return judgeBuild(report, settings, await inspectBuild(report, ctx.signal), version);
      } catch (error) {
        return thrownOutcome(`the ${environment} build could not run`, error);
      }
    },
  };
}

/** §2.1 build gates of the deploy stage. */
export function buildGates(): Gate[] {
  return buildEnvironments.map(buildGate);
}

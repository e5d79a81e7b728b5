import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultTsconfig } from '../../../config/sections/gate-thresholds.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { listSome, measure, plural, skipOutcome } from '../support/outcome.ts';
import { runTool } from '../support/run-tool.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { couldNotRun, configuredFileMissing, toolOrError } from '../support/tool-problems.ts';

/** `src/x.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'.` */
const located = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const global = /^error (TS\d+): (.*)$/;

/**
 * Without the default tsconfig.json the repository is not a TypeScript project (skip); a
 * configured project that does not exist is a mistake in the configuration (error).
 */
export function missingProject(project: string, exists: boolean): GateOutcome | undefined {
  if (exists) return undefined;
  if (project === defaultTsconfig)
    return skipOutcome(
      'does not apply: the repository has no tsconfig.json',
      'no tsconfig.json; set gates.thresholds.code.types.project to the tsconfig to check',
    );
  return configuredFileMissing('gates.thresholds.code.types.project', project);
}

export const typesGate: Gate = {
  id: 'code.types',
  stage: 'pre-deploy',
  title: 'TypeScript',
  description: 'Runs `tsc --noEmit -p <project>`; zero type errors pass.',
  spec: '§1.1.1',
  timeoutMs: 600_000,
  thresholds: (config) =>
    describeThresholds(config, 'code', 'types', {
      maxErrors: 'TypeScript errors allowed',
      project: 'the tsconfig checked',
    }),
  async run(ctx): Promise<GateOutcome> {
    const settings = gateThresholds(ctx.config).code.types;
    const tsc = toolOrError(ctx.cwd, 'tsc', 'TypeScript');
    if (typeof tsc !== 'string') return tsc;
    const missing = missingProject(settings.project, existsSync(resolve(ctx.cwd, settings.project)));
    if (missing) return missing;
    const run = await runTool(tsc, ['--noEmit', '-p', settings.project, '--pretty', 'false'], {
      cwd: ctx.cwd,
      signal: ctx.signal,
    });
    const errors = run.stdout.split('\n').flatMap((line) => {
      const at = located.exec(line.trim());
      if (at) return [{ file: at[1] ?? '', line: Number(at[2]), code: at[4] ?? '', message: at[5] ?? '' }];
      const anywhere = global.exec(line.trim());
      return anywhere
        ? [{ file: settings.project, line: 0, code: anywhere[1] ?? '', message: anywhere[2] ?? '' }]
        : [];
    });
    if (run.code !== 0 && errors.length === 0) {
      return couldNotRun('tsc', run);
    }
    const measurements = [
      measure('errors', errors.length, 'count', settings.maxErrors, '<='),
      measure('duration', run.durationMs, 'ms'),
    ];
    if (errors.length > settings.maxErrors) {
      return {
        status: 'fail',
        summary: `${plural(errors.length, 'TypeScript error')}: ${listSome(errors.map((e) => `${e.file}:${e.line} ${e.code}`))}`,
        measurements,
        evidence: [{ kind: 'rows', title: 'TypeScript errors', content: errors }],
      };
    }
    return {
      status: 'pass',
      summary: `${settings.project}: ${plural(errors.length, 'type error')}`,
      measurements,
    };
  },
};

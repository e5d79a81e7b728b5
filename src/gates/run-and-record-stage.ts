import type { HermesConfig } from '../config/schema.ts';
import type { ReportFormat } from '../config/sections/gates.ts';
import type { Database } from '../db/open-database.ts';
import { isHermesError, type HermesError } from '../errors/hermes-error.ts';
import type { Gate, Stage } from './gate.ts';
import { gitHead } from './history/git-head.ts';
import { recordGateRun } from './history/record-gate-run.ts';
import { writeReports } from './reporters/write-reports.ts';
import { planStage, type StagePlan } from './runner/plan-stage.ts';
import { runPlannedGates, type RunEvent } from './runner/run-planned-gates.ts';
import { createSharedDatabase } from './runner/shared-database.ts';
import type { StageRun } from './stage-run-result.ts';

export interface RunAndRecordStageOptions {
  gates: readonly Gate[];
  config: Readonly<HermesConfig>;
  stage: Stage;
  only?: readonly string[] | undefined;
  cwd: string;
  env: Readonly<NodeJS.ProcessEnv>;
  openDatabase: () => Promise<Database>;
  /** null: write no report files. */
  reports: { dir: string; formats: readonly ReportFormat[] } | null;
  /** Called with the plan before any gate starts (to set up progress display). */
  onPlan?: (plan: StagePlan) => void;
  onEvent?: (event: RunEvent) => void;
  signal?: AbortSignal;
  /** The release the gates judge (GateContext.releaseUrl): `--url`, or the deployment's. */
  releaseUrl?: string | undefined;
  /** The deployment this stage runs for, recorded with the run (hermes deploy). */
  deploymentId?: string | undefined;
}

export interface ExecutedStage {
  run: StageRun;
  reportPaths: string[];
  /** Set when the reports could not be written (the run itself is complete). */
  reportError?: HermesError;
}

/** A whole stage run: plan, run the gates, record the history (best effort), write the reports. */
export async function runAndRecordStage(options: RunAndRecordStageOptions): Promise<ExecutedStage> {
  const { config } = options;
  const plan = planStage(options.gates, config, { stage: options.stage, only: options.only });
  options.onPlan?.(plan);
  const database = createSharedDatabase(options.openDatabase);
  try {
    const run = await runPlannedGates({
      plan,
      config,
      cwd: options.cwd,
      env: options.env,
      database,
      releaseUrl: options.releaseUrl,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    run.history = config.gates.history.enabled
      ? await recordGateRun(() => database.get(), run, {
          gitCommit: await gitHead(options.cwd),
          deploymentId: options.deploymentId ?? null,
        })
      : { recorded: false, reason: 'disabled by gates.history.enabled' };
    if (!options.reports) return { run, reportPaths: [] };
    try {
      return { run, reportPaths: await writeReports(run, { ...options.reports, cwd: options.cwd }) };
    } catch (error) {
      if (!isHermesError(error)) throw error;
      return { run, reportPaths: [], reportError: error };
    }
  } finally {
    await database.close();
  }
}

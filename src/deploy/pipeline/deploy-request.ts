import type { HermesConfig } from '../../config/schema.ts';
import type { ReportFormat } from '../../config/sections/gates.ts';
import type { Database } from '../../db/open-database.ts';
import type { Stage } from '../../gates/gate.ts';
import type { ExecutedStage } from '../../gates/run-and-record-stage.ts';
import type { RunEvent } from '../../gates/runner/run-planned-gates.ts';
import type { StagePlan } from '../../gates/runner/plan-stage.ts';
import type { TargetName } from '../target/open-target.ts';

/** `hermes deploy`'s options, validated by the CLI. */
export interface DeployRequest {
  /** The source directory (`--source`, default the working directory). */
  source: string;
  config: Readonly<HermesConfig>;
  /** The hermes.yaml `config` was read from (the release runs with a copy); null: none. */
  configFile: string | null;
  /** The deploying environment. */
  env: Readonly<NodeJS.ProcessEnv>;
  /** `--version`; default package.json's version + the commit. */
  version: string | undefined;
  target: TargetName;
  /** `--env KEY=VALUE` pairs, stored with the release. */
  given: Readonly<Record<string, string>>;
  /** `--skip STAGE` (only pre-deploy may be skipped), with `--reason`. */
  skip: readonly Stage[];
  reason: string | null;
  openDatabase: () => Promise<Database>;
  reports: { dir: string; formats: readonly ReportFormat[] } | null;
  signal: AbortSignal;
}

/** What the pipeline tells whoever shows its progress. */
export interface DeployObserver {
  /** A line of the pipeline's own narration (never PII, never secrets). */
  line(text: string): void;
  stagePlanned(stage: Stage, plan: StagePlan): void;
  stageEvent(event: RunEvent): void;
  stageDone(stage: Stage, executed: ExecutedStage): Promise<void>;
}

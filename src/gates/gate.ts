import type { HermesConfig } from '../config/schema.ts';
import type { Database } from '../db/open-database.ts';
import { stages, type Stage } from '../config/sections/stage.ts';

/** The contract between the gate engine and every gate, built-in or custom. */

// The one list is config's: it validates a custom gate's stage, and config imports no other part.
export { stages, type Stage };

/**
 * pass: met; warn: met with a caveat (or an advisory gate's failure); fail: not met;
 * skip: not run (always with a reason); error: the gate could not judge (always with a reason),
 * which is not the same as fail.
 */
export type GateStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

export type Comparison = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface Measurement {
  name: string;
  value: number;
  /** `ms`, `%`, `count`, `req/s`, `MB`, ... */
  unit: string;
  threshold?: number;
  /** How `value` must compare with `threshold` to pass. */
  comparison?: Comparison;
  passed?: boolean;
}

export interface Evidence {
  kind: 'output' | 'rows' | 'plan' | 'diff' | 'text';
  title: string;
  /** Text (an output tail, a plan) or rows (failing records, PII masked). */
  content: string | readonly Record<string, unknown>[];
}

/** What a gate's `run` returns. */
export interface GateOutcome {
  status: GateStatus;
  /** One line a person reads first: what was found, naming the culprit on failure. */
  summary: string;
  /** Required for `skip` and `error`. */
  reason?: string;
  measurements?: Measurement[];
  evidence?: Evidence[];
}

/** Where a gate's threshold comes from, for `hermes gates explain`. */
export interface ThresholdInfo {
  key: string;
  value: unknown;
  source: 'default' | 'file' | 'env';
  description: string;
}

export interface GateContext {
  readonly config: Readonly<HermesConfig>;
  /** The repository the gates judge (default: the working directory). */
  readonly cwd: string;
  readonly env: Readonly<NodeJS.ProcessEnv>;
  /**
   * The public URL of the release the gates judge (`gates run --url`, or the deployment's), when
   * one was given; unset, a gate that needs one finds it (src/gates/builtin/support/release-url.ts).
   */
  readonly releaseUrl?: string | undefined;
  /** Aborted when the gate's timeout expires or the run is cancelled; long work must honour it. */
  readonly signal: AbortSignal;
  /** The configured database, opened once per run and shared; throws a DatabaseError when unreachable. */
  database(): Promise<Database>;
  /** Progress lines shown under the gate (never PII, never secrets). */
  log(message: string): void;
  /**
   * Work shared by the gates of one stage run (one test run serving two gates): the first call
   * with a key starts `make`, every later call with that key gets the same promise.
   */
  shared<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface Gate {
  /** `family.name`, e.g. `db.migrations.reversible`. */
  readonly id: string;
  readonly stage: Stage;
  readonly title: string;
  /** What it checks, in a sentence or two (`hermes gates explain`). */
  readonly description: string;
  /** The spec section it implements, e.g. `§1.1.3`. */
  readonly spec?: string;
  readonly dependsOn?: readonly string[];
  /** Default timeout; config may override per gate. */
  readonly timeoutMs?: number;
  /** Runs with no other gate at the same time (a measurement parallel work would distort); config may override. */
  readonly exclusive?: boolean;
  /** The thresholds it applies and where their values come from. */
  thresholds?(config: Readonly<HermesConfig>): ThresholdInfo[];
  run(ctx: GateContext): Promise<GateOutcome>;
}

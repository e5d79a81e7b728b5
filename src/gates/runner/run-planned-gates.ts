import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { HermesConfig } from '../../config/schema.ts';
import { maskPii, maskPiiDeep } from '../../observability/mask-pii.ts';

// Personal data is masked; the package names, versions and figures a report needs are kept.
const report = { report: true } as const;
import { hermesVersion } from '../../observability/version.ts';
import type { Gate, GateOutcome } from '../gate.ts';
import { effectiveStatus } from '../gate-policy.ts';
import { countResults, type GateResult, type RunExitCode, type StageRun } from '../stage-run-result.ts';
import type { PlannedGate, StagePlan } from './plan-stage.ts';
import { runGate } from './run-gate.ts';
import type { SharedDatabase } from './shared-database.ts';
import { createStageMemo } from './stage-memo.ts';

export type RunEvent =
  | { type: 'start'; gate: Gate }
  | { type: 'log'; gate: Gate; message: string }
  | { type: 'finish'; gate: Gate; result: GateResult };

export interface RunPlannedGatesOptions {
  plan: StagePlan;
  config: Readonly<HermesConfig>;
  cwd: string;
  env: Readonly<NodeJS.ProcessEnv>;
  database: SharedDatabase;
  /** The release the gates judge (GateContext.releaseUrl). */
  releaseUrl?: string | undefined;
  /** Default: `gates.concurrency`. */
  concurrency?: number;
  onEvent?: (event: RunEvent) => void;
  /** Aborting it cancels running gates (their signals abort) and skips the rest. */
  signal?: AbortSignal;
}

const passedFor = { fail: 'failed', error: 'could not judge (error)', skip: 'was skipped' } as const;

function toResult(
  planned: PlannedGate,
  outcome: GateOutcome,
  startedAt: Date | null,
  durationMs: number,
): GateResult {
  const { gate, policy } = planned;
  return {
    id: gate.id,
    title: gate.title,
    stage: gate.stage,
    ...(gate.spec ? { spec: gate.spec } : {}),
    status: effectiveStatus(outcome.status, policy),
    outcomeStatus: outcome.status,
    blocking: !policy.advisory,
    // Reports and history must hold no personal data, whatever a gate found.
    summary: maskPii(outcome.summary, report),
    ...(outcome.reason ? { reason: maskPii(outcome.reason, report) } : {}),
    measurements: outcome.measurements ?? [],
    evidence: (outcome.evidence ?? []).map((item) => ({
      ...item,
      content:
        typeof item.content === 'string'
          ? maskPii(item.content, report)
          : (maskPiiDeep(item.content, report) as Record<string, unknown>[]),
    })),
    dependsOn: [...(gate.dependsOn ?? [])],
    startedAt: startedAt?.toISOString() ?? null,
    durationMs,
    timeoutMs: policy.timeoutMs,
  };
}

function skipped(planned: PlannedGate, reason: string): GateResult {
  return toResult(planned, { status: 'skip', summary: `skipped: ${reason}`, reason }, null, 0);
}

/**
 * 2 when a blocking gate could not judge because the database it needed was unreachable;
 * 1 when a blocking gate failed or could not judge; else 0 (warnings allowed).
 */
export function exitCodeOf(results: readonly GateResult[], databaseUnreachable: boolean): RunExitCode {
  const blocked = results.filter((r) => r.blocking && (r.status === 'fail' || r.status === 'error'));
  if (blocked.length === 0) return 0;
  return databaseUnreachable && blocked.some((r) => r.status === 'error') ? 2 : 1;
}

/**
 * Runs a stage's gates as a DAG: every gate whose dependencies are done starts, up to
 * `concurrency` at a time (an exclusive gate only when nothing else runs); a gate whose
 * dependency did not pass (or warn) is skipped with the reason.
 */
export async function runPlannedGates(options: RunPlannedGatesOptions): Promise<StageRun> {
  const { plan, config, signal } = options;
  const concurrency = options.concurrency ?? config.gates.concurrency;
  const emit = options.onEvent ?? (() => undefined);
  const started = new Date();
  const results = new Map<string, GateResult>();
  const waiting = [...plan.gates];
  let running = 0;
  let exclusiveRunning = false;
  const shared = createStageMemo();

  const finish = (planned: PlannedGate, result: GateResult): void => {
    results.set(planned.gate.id, result);
    emit({ type: 'finish', gate: planned.gate, result });
  };

  await new Promise<void>((done) => {
    const start = (planned: PlannedGate): void => {
      running += 1;
      if (planned.policy.exclusive) exclusiveRunning = true;
      const startedAt = new Date();
      emit({ type: 'start', gate: planned.gate });
      const context = (gateSignal: AbortSignal) => ({
        config,
        cwd: options.cwd,
        env: options.env,
        releaseUrl: options.releaseUrl,
        signal: gateSignal,
        database: () => options.database.get(),
        log: (message: string) => emit({ type: 'log', gate: planned.gate, message }),
        shared,
      });
      void runGate(planned.gate, planned.policy.timeoutMs, context, signal).then((outcome) => {
        running -= 1;
        if (planned.policy.exclusive) exclusiveRunning = false;
        finish(planned, toResult(planned, outcome, startedAt, Date.now() - startedAt.getTime()));
        pump();
      });
    };

    const pump = (): void => {
      let progressed = true;
      while (progressed) {
        progressed = false;
        for (const planned of [...waiting]) {
          // pump can run inside itself (an abort while a gate starts): skip what that run took.
          if (!waiting.includes(planned)) continue;
          const deps = planned.dependsOn.map((id) => results.get(id));
          if (deps.some((dep) => dep === undefined)) continue;
          const blocker = deps.find(
            (dep) => dep && dep.outcomeStatus !== 'pass' && dep.outcomeStatus !== 'warn',
          );
          const cancelled = signal?.aborted === true;
          if (blocker || cancelled) {
            waiting.splice(waiting.indexOf(planned), 1);
            const reason = blocker
              ? `depends on ${blocker.id}, which ${passedFor[blocker.outcomeStatus as keyof typeof passedFor]}`
              : 'the run was cancelled';
            finish(planned, skipped(planned, reason));
            progressed = true;
            continue;
          }
          if (exclusiveRunning || running >= concurrency || (planned.policy.exclusive && running > 0))
            continue;
          waiting.splice(waiting.indexOf(planned), 1);
          start(planned);
        }
      }
      if (waiting.length === 0 && running === 0) done();
    };

    signal?.addEventListener('abort', pump, { once: true });
    pump();
  });

  for (const planned of plan.disabled) {
    finish(planned, skipped(planned, `disabled by gates.overrides.${planned.gate.id}.enabled`));
  }

  const ordered = [...plan.gates, ...plan.disabled].flatMap((p) => results.get(p.gate.id) ?? []);
  const failure = options.database.failure();
  const exitCode = exitCodeOf(ordered, failure !== undefined);
  const finished = new Date();
  return {
    id: randomUUID(),
    stage: plan.stage,
    status: exitCode === 0 ? 'passed' : exitCode === 1 ? 'failed' : 'error',
    exitCode,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationMs: finished.getTime() - started.getTime(),
    counts: countResults(ordered),
    results: ordered,
    only: plan.only,
    environment: config.environment,
    hermesVersion,
    host: hostname(),
    notes: failure ? [`database unreachable: ${failure.message}`] : [],
    history: { recorded: false, reason: 'not recorded' },
  };
}

import { Listr, ListrLogger, ProcessOutput } from 'listr2';
import { formatDuration } from '../../../text/duration.ts';
import type { StagePlan } from '../../../gates/runner/plan-stage.ts';
import type { RunEvent } from '../../../gates/runner/run-planned-gates.ts';
import type { GateResult } from '../../../gates/stage-run-result.ts';
import { runningTitle } from './elapsed.ts';
import { failureDetails } from './failure-details.ts';
import type { GateProgress } from './gate-progress.ts';

/** One gate as the runner reports it; the listr task that shows it may start later. */
class GateState {
  readonly started: Promise<void>;
  readonly finished: Promise<GateResult>;
  markStarted: () => void = () => undefined;
  /** When the runner started the gate (the listr task may have started earlier, waiting). */
  startedAt = 0;
  markFinished: (result: GateResult) => void = () => undefined;
  lastLog: string | undefined;
  onLog: (text: string) => void = () => undefined;

  constructor() {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
    this.finished = new Promise((resolve) => (this.markFinished = resolve));
  }
}

interface TaskView {
  title: string;
  output: string;
  skip(message: string): void;
}

/**
 * listr2's terminal display. The runner schedules the gates; each listr task only mirrors its
 * gate: waiting, running (with the gate's log lines), then its result.
 */
export interface LiveProgressOptions {
  stream?: NodeJS.WriteStream;
  /** The clock running titles are measured with (a test moves it instead of waiting). */
  now?: () => number;
  /** How often a running title is redrawn. */
  tickMs?: number;
}

export function liveProgress(options: LiveProgressOptions = {}): GateProgress {
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 1_000;
  const states = new Map<string, GateState>();
  let drawing: Promise<unknown> = Promise.resolve();

  const show = async (id: string, dependsOn: readonly string[], task: TaskView): Promise<void> => {
    const state = states.get(id) ?? new GateState();
    task.output = dependsOn.length > 0 ? `waiting for ${dependsOn.join(', ')}` : 'queued';
    await state.started;
    task.output = state.lastLog ?? 'running';
    state.onLog = (text) => (task.output = text);
    const title = task.title;
    const clock = setInterval(() => (task.title = runningTitle(title, now() - state.startedAt)), tickMs);
    clock.unref();
    const result = await state.finished.finally(() => clearInterval(clock));
    const line = `${id}  ${result.summary}${result.startedAt ? ` (${formatDuration(result.durationMs)})` : ''}`;
    if (result.status === 'skip') {
      task.skip(line);
      return;
    }
    if (result.status === 'fail' || result.status === 'error') {
      task.title = line;
      // listr2 prints the message under the title; one equal to the title it leaves out.
      const details = failureDetails(result);
      throw new Error(details.length > 0 ? details.join('\n') : line);
    }
    task.title = `${result.status === 'warn' ? '⚠ ' : ''}${line}`;
  };

  return {
    start(plan: StagePlan) {
      for (const { gate } of plan.gates) states.set(gate.id, new GateState());
      const listr = new Listr(
        plan.gates.map(({ gate, dependsOn }) => ({
          title: `${gate.id}  ${gate.title}`,
          task: (_ctx: unknown, task: TaskView) => show(gate.id, dependsOn, task),
        })),
        {
          concurrent: true,
          exitOnError: false,
          registerSignalListeners: false,
          // The title holds the summary; under a failed one, why (the error's message); the skip
          // reason in place of the title.
          rendererOptions: {
            collapseSkips: true,
            collapseErrors: false,
            showErrorMessage: true,
            // A test draws into its own stream.
            ...(options.stream
              ? {
                  logger: new ListrLogger({
                    processOutput: new ProcessOutput(options.stream, options.stream),
                  }),
                }
              : {}),
          },
        },
      );
      drawing = listr.run().catch(() => undefined);
    },
    onEvent(event: RunEvent) {
      const state = states.get(event.gate.id);
      if (!state) return;
      if (event.type === 'start') {
        state.startedAt = now();
        state.markStarted();
      }
      if (event.type === 'log') {
        state.lastLog = event.message;
        state.onLog(event.message);
      }
      if (event.type === 'finish') {
        state.markStarted();
        state.markFinished(event.result);
      }
    },
    async stop() {
      await drawing;
    },
  };
}

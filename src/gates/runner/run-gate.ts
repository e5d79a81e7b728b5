import { isHermesError } from '../../errors/hermes-error.ts';
import type { Gate, GateContext, GateOutcome, GateStatus } from '../gate.ts';

const statuses = new Set<GateStatus>(['pass', 'warn', 'fail', 'skip', 'error']);

class GateTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}

function describeThrown(error: unknown): string {
  if (isHermesError(error)) return [error.message, ...error.details].join('; ');
  return error instanceof Error ? error.message || error.name : String(error);
}

/** A gate's outcome made whole: a known status, a summary, and a reason for skip and error. */
function normalise(outcome: GateOutcome): GateOutcome {
  // Gates are code of other teams too: a malformed outcome is the gate's error, not the runner's crash.
  if (typeof outcome !== 'object' || typeof outcome.summary !== 'string')
    return { status: 'error', summary: 'the gate returned no summary', reason: 'malformed outcome' };
  if (!statuses.has(outcome.status))
    return {
      status: 'error',
      summary: 'the gate returned no valid status',
      reason: `status ${JSON.stringify(outcome.status)}`,
    };
  const summary = outcome.summary.trim() || outcome.status;
  const needsReason = outcome.status === 'skip' || outcome.status === 'error';
  // A reason of blanks (an empty output tail, say) is no reason: the summary stands in for it.
  const reason = outcome.reason?.trim();
  if (needsReason && !reason) return { ...outcome, summary, reason: summary };
  return reason === undefined ? { ...outcome, summary } : { ...outcome, summary, reason };
}

/**
 * Runs one gate with its timeout. When the timeout expires the gate's signal is aborted and the
 * outcome is `error` at once, whether or not the gate honours the signal; a throw is `error` too.
 */
export async function runGate(
  gate: Gate,
  timeoutMs: number,
  context: (signal: AbortSignal) => GateContext,
  cancel?: AbortSignal,
): Promise<GateOutcome> {
  const timeout = new AbortController();
  const signal = cancel ? AbortSignal.any([cancel, timeout.signal]) : timeout.signal;
  const timer = setTimeout(() => timeout.abort(new GateTimeout(timeoutMs)), timeoutMs);
  const aborted = new Promise<never>((_resolve, reject) => {
    const stop = (): void =>
      reject(signal.reason instanceof Error ? signal.reason : new Error('the run was cancelled'));
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
  // Only the race below observes it; a late abort after the gate finished is of no interest.
  aborted.catch(() => undefined);
  try {
    const outcome = await Promise.race([gate.run(context(signal)), aborted]);
    return normalise(outcome);
  } catch (error) {
    if (signal.reason instanceof GateTimeout) {
      const text = signal.reason.message;
      return { status: 'error', summary: text, reason: text };
    }
    if (cancel?.aborted)
      return { status: 'error', summary: 'the run was cancelled', reason: 'the run was cancelled' };
    const reason = describeThrown(error);
    return { status: 'error', summary: `the gate failed to run: ${reason}`, reason };
  } finally {
    clearTimeout(timer);
  }
}

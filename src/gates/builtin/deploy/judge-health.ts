import { formatDuration } from '../../../text/duration.ts';
import type { GateOutcome, Measurement } from '../../gate.ts';
import { listSome, measure, plural } from '../support/outcome.ts';
import type { EndpointProbe } from './poll-endpoint.ts';

/** `503 {"status":"down"}`, or the connection error, of an endpoint that never answered 200. */
function lastAnswer(probe: EndpointProbe): string {
  if (probe.lastStatus === null) return probe.lastError ?? 'no answer';
  return probe.lastBody ? `${String(probe.lastStatus)} ${probe.lastBody}` : String(probe.lastStatus);
}

function measurements(probes: readonly EndpointProbe[]): Measurement[] {
  return probes.flatMap((p) => [
    // Judged by the status (0: no answer), as a custom HTTP gate is; the time is for the record.
    measure(`${p.endpoint}: last status`, p.lastStatus ?? 0, 'code', 200, '=='),
    measure(p.ok ? `${p.endpoint}: time to 200` : `${p.endpoint}: polled for`, p.elapsedMs, 'ms'),
    measure(`${p.endpoint}: requests`, p.attempts, 'count'),
  ]);
}

/**
 * §2.3.1: every endpoint answered 200 within the deadline; a failure names each endpoint that did
 * not, with its last answer (status and body excerpt) or why it got none.
 */
export function judgeHealth(probes: readonly EndpointProbe[], deadlineMs: number): GateOutcome {
  const evidence = [
    {
      kind: 'rows' as const,
      title: 'health endpoints',
      content: probes.map((p) => ({
        endpoint: p.endpoint,
        'answered 200': p.ok,
        ms: p.elapsedMs,
        requests: p.attempts,
        'last status': p.lastStatus,
        'last body': p.lastBody,
        error: p.lastError,
      })),
    },
  ];
  const judged = { measurements: measurements(probes), evidence };
  const failed = probes.filter((p) => !p.ok);
  if (failed.length > 0) {
    const culprits = failed.map((p) => `${p.endpoint} (last: ${lastAnswer(p)})`);
    return {
      status: 'fail',
      summary: `${String(failed.length)} of ${plural(probes.length, 'endpoint')} never answered 200 within ${formatDuration(deadlineMs)}: ${listSome(culprits, 4, '; ')}`,
      ...judged,
    };
  }
  const times = probes.map((p) => `${p.endpoint} ${formatDuration(p.elapsedMs)}`).join(', ');
  return {
    status: 'pass',
    summary: `${plural(probes.length, 'endpoint')} answered 200: ${times}`,
    ...judged,
  };
}

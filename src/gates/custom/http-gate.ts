import type { CustomGateConfig } from '../../config/sections/gates.ts';
import type { Gate, GateOutcome, Measurement } from '../gate.ts';
import { customGateHead, customThresholds } from './custom-gate-fields.ts';
import { outputTail } from '../../text/output-tail.ts';
import { errorMessage } from '../../errors/error-message.ts';

type HttpGateConfig = Extract<CustomGateConfig, { kind: 'http' }>;

/** The URL without credentials or query string, for summaries and reports. */
function safeUrl(raw: string): string {
  const url = new URL(raw);
  return `${url.origin}${url.pathname}`;
}

/** A team's HTTP probe as a gate: the status, optionally a body pattern and a latency limit. */
export function httpGate(spec: HttpGateConfig): Gate {
  const target = `${spec.method} ${safeUrl(spec.url)}`;
  return {
    ...customGateHead(
      spec,
      target,
      `Requests ${target}; passes when the status is ${spec.expectStatus.join(' or ')}${
        spec.bodyMatches ? `, the body matches /${spec.bodyMatches}/` : ''
      }${spec.maxLatencyMs !== undefined ? ` and it answers within ${spec.maxLatencyMs} ms` : ''}.`,
    ),
    thresholds: () =>
      customThresholds(spec.id, [
        { key: 'expectStatus', value: spec.expectStatus, description: 'the statuses that pass' },
        { key: 'bodyMatches', value: spec.bodyMatches, description: 'the body must match' },
        { key: 'maxLatencyMs', value: spec.maxLatencyMs, description: 'the longest answer time (ms)' },
      ]),
    async run(ctx): Promise<GateOutcome> {
      const started = performance.now();
      let response: Response;
      let body: string;
      try {
        response = await fetch(spec.url, {
          method: spec.method,
          headers: spec.headers,
          ...(spec.body !== undefined ? { body: spec.body } : {}),
          signal: ctx.signal,
          redirect: 'manual',
        });
        body = await response.text();
      } catch (error) {
        const cause =
          error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
        // fetch names the URL it refused, credentials and query string included: never in a report.
        const shown = safeUrl(spec.url);
        const reason = [spec.url, new URL(spec.url).href].reduce(
          (text, url) => text.replaceAll(url, shown),
          `${errorMessage(error)}${cause}`,
        );
        return { status: 'fail', summary: `${target} did not answer: ${reason}`, reason };
      }
      const latencyMs = Math.round(performance.now() - started);
      const measurements: Measurement[] = [
        {
          name: 'status',
          value: response.status,
          unit: 'code',
          passed: spec.expectStatus.includes(response.status),
        },
        spec.maxLatencyMs === undefined
          ? { name: 'latency', value: latencyMs, unit: 'ms' }
          : {
              name: 'latency',
              value: latencyMs,
              unit: 'ms',
              threshold: spec.maxLatencyMs,
              comparison: '<=',
              passed: latencyMs <= spec.maxLatencyMs,
            },
      ];
      const evidence = [
        { kind: 'output' as const, title: `response body of ${target}`, content: outputTail(body, 40) },
      ];
      if (!spec.expectStatus.includes(response.status))
        return {
          status: 'fail',
          summary: `${target} answered ${response.status}, expected ${spec.expectStatus.join(' or ')}`,
          measurements,
          evidence,
        };
      // eslint-disable-next-line security/detect-non-literal-regexp -- the team's own pattern from hermes.yaml, validated at load
      if (spec.bodyMatches && !new RegExp(spec.bodyMatches, 'm').test(body))
        return {
          status: 'fail',
          summary: `${target}: the body does not match /${spec.bodyMatches}/`,
          measurements,
          evidence,
        };
      if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs)
        return {
          status: 'fail',
          summary: `${target} took ${latencyMs} ms, more than ${spec.maxLatencyMs} ms`,
          measurements,
          evidence,
        };
      return {
        status: 'pass',
        summary: `${target} answered ${response.status} in ${latencyMs} ms`,
        measurements,
        evidence,
      };
    },
  };
}

import { z } from 'zod';
import type { PrometheusSettings } from '../../../config/sections/prometheus.ts';
import { releaseEndpoint, requestFailure } from '../deploy/release-endpoint.ts';

/** One series of a range query: its labels (`__name__` among them) and its points. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  /** [unix seconds, value]; NaN and ±Inf as numbers. */
  readonly values: readonly (readonly [number, number])[];
}

export type RangeAnswer = { series: RangeSeries[] } | { failure: string };

// Prometheus writes sample values as strings: "1.5", "NaN", "+Inf", "-Inf".
const sampleValue = z
  .string()
  .transform((text) =>
    /^[+-]?Inf$/.test(text) ? (text.startsWith('-') ? -Infinity : Infinity) : Number(text),
  );
const point = z.tuple([z.number(), sampleValue]);
const answer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('success'),
    data: z.object({
      resultType: z.literal('matrix'),
      result: z.array(z.object({ metric: z.record(z.string(), z.string()), values: z.array(point) })),
    }),
  }),
  z.object({ status: z.literal('error'), errorType: z.string(), error: z.string() }),
]);

export interface RangeQuery {
  readonly query: string;
  /** Unix seconds. */
  readonly start: number;
  readonly end: number;
  readonly stepSeconds: number;
}

/** The query's selector with the configured matchers: `{__name__=~"a|b", job="hermes"}`. */
export function seriesSelector(names: readonly string[], selector: string): string {
  const own = selector.trim().replace(/,\s*$/, '');
  return `{__name__=~"${names.join('|')}"${own === '' ? '' : `, ${own}`}}`;
}

/** GET /api/v1/query_range: the matrix, or why there is none (Prometheus's own error when it gave one). */
export async function queryRange(
  settings: PrometheusSettings & { readonly url: string },
  range: RangeQuery,
  signal: AbortSignal,
): Promise<RangeAnswer> {
  const params = new URLSearchParams({
    query: range.query,
    start: String(range.start),
    end: String(range.end),
    step: String(range.stepSeconds),
  });
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.basicAuth)
    headers.authorization = `Basic ${Buffer.from(`${settings.basicAuth.username}:${settings.basicAuth.password}`).toString('base64')}`;
  let status: number;
  let body: unknown;
  try {
    const response = await fetch(
      `${releaseEndpoint(settings.url, '/api/v1/query_range')}?${params.toString()}`,
      {
        headers,
        signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeout)]),
      },
    );
    status = response.status;
    body = await response.json().catch(() => undefined);
  } catch (error) {
    return { failure: `Prometheus: ${requestFailure(error)}` };
  }
  const parsed = answer.safeParse(body);
  if (!parsed.success)
    return { failure: `Prometheus answered ${String(status)} without a range query's JSON` };
  if (parsed.data.status === 'error')
    return {
      failure: `Prometheus answered ${String(status)}: ${parsed.data.errorType}: ${parsed.data.error}`,
    };
  return { series: parsed.data.data.result };
}

import { round2 } from '../support/percentiles.ts';
import { bucketDeltas, counterDelta, counterResets, type LabelFilter } from './counter-deltas.ts';
import { histogramQuantile } from './histogram-quantile.ts';
import type { Scrape } from '../support/scrape-metrics.ts';

/** The histograms the release exposes (src/observability/service-metrics.ts, delivery-metrics.ts). */
export const httpHistogram = 'http_request_duration_seconds';
export const dbHistogram = 'database_query_duration_seconds';
export const webhookHistogram = 'delivery_duration_seconds';

/** The webhook's quantile judged: p95. */
export const webhookQuantile = 0.95;

/** The figures of §3.2.1, under the names their measurements carry (the baseline reads them back). */
export const figureNames = {
  api: 'API average response time',
  db: 'database query average',
  webhook: 'n8n webhook p95',
} as const;
export type FigureKey = keyof typeof figureNames;
export const figureKeys = Object.keys(figureNames) as FigureKey[];

/**
 * The API's requests: every route but the scrape itself and the health checks (their labels are
 * fastify's route patterns: `/metrics`, `/health`, `/health/database`, `/health/n8n`).
 */
export const apiRoutes: LabelFilter = (labels) => {
  const route = labels.route ?? '';
  return route !== '/metrics' && route !== '/health' && !route.startsWith('/health/');
};

/** One figure over the window: its value (ms) and how many observations it stands on. */
export interface Figure {
  readonly key: FigureKey;
  readonly observations: number;
  /** Undefined with no observation. */
  readonly valueMs: number | undefined;
}

export type WindowFigures = { figures: Figure[] } | { reset: string[] } | { tooFew: number };

function average(first: Scrape, last: Scrape, name: string, key: FigureKey, filter?: LabelFilter): Figure {
  const observations = Math.round(counterDelta(first, last, `${name}_count`, filter));
  const seconds = counterDelta(first, last, `${name}_sum`, filter);
  const valueMs = observations > 0 ? round2((seconds / observations) * 1_000) : undefined;
  return { key, observations, valueMs };
}

function quantile(first: Scrape, last: Scrape): Figure {
  const buckets = bucketDeltas(first, last, webhookHistogram);
  const observations = Math.round(buckets.at(-1)?.count ?? 0);
  const value = histogramQuantile(webhookQuantile, buckets);
  return { key: 'webhook', observations, valueMs: value === undefined ? undefined : round2(value * 1_000) };
}

/** Every counter the figures are computed from, for the reset check. */
export const responseCounters = [httpHistogram, dbHistogram, webhookHistogram].flatMap((h) => [
  `${h}_sum`,
  `${h}_count`,
  `${h}_bucket`,
]);

/**
 * §3.2.1's figures from the deltas between the window's first and last scrape: a counter that went
 * down between any two scrapes (a restart) makes them unusable; fewer than two scrapes give none.
 */
export function responseFigures(scrapes: readonly Scrape[]): WindowFigures {
  const first = scrapes[0];
  const last = scrapes.at(-1);
  if (scrapes.length < 2 || first === undefined || last === undefined) return { tooFew: scrapes.length };
  const reset = counterResets(scrapes, responseCounters);
  if (reset.length > 0) return { reset };
  return {
    figures: [
      average(first, last, httpHistogram, 'api', apiRoutes),
      average(first, last, dbHistogram, 'db'),
      quantile(first, last),
    ],
  };
}

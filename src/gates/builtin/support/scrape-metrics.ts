import { parsePrometheusText, type PrometheusSample } from './prometheus-text.ts';
import { requestFailure } from '../deploy/release-endpoint.ts';

/** One reading of the release's /metrics, `atMs` after the window opened. */
export interface Scrape {
  readonly atMs: number;
  readonly samples: readonly PrometheusSample[];
}

export type ScrapeResult = { scrape: Scrape } | { failure: string };

/** GET /metrics once: its samples, or why there were none. */
export async function scrapeMetrics(
  url: string,
  started: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ScrapeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
    const text = await response.text();
    if (response.status !== 200) return { failure: `/metrics answered ${String(response.status)}` };
    const samples = parsePrometheusText(text);
    if (samples.length === 0) return { failure: '/metrics had no samples' };
    return { scrape: { atMs: Math.round(performance.now() - started), samples } };
  } catch (error) {
    return { failure: `/metrics: ${requestFailure(error)}` };
  }
}

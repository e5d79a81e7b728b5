import { z } from 'zod';
import { durationMs } from './duration.ts';
import { httpUrl } from './http-url.ts';

// One PromQL label matcher and the comma after it: `job="hermes",`, `instance=~"10\\..*"`.
const matcher = /\s*[A-Za-z_][A-Za-z0-9_]*\s*(?:=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"\s*(?:,|$)/y;

/** Label matchers as written inside PromQL's braces, a trailing comma allowed; '' is none. */
function isLabelMatchers(text: string): boolean {
  matcher.lastIndex = 0;
  while (matcher.lastIndex < text.length) {
    const at = matcher.lastIndex;
    if (!matcher.test(text)) return text.slice(at).trim() === '';
  }
  return true;
}

/**
 * A Prometheus that scrapes the release's instances: when `url` is set, the perf gates (and the
 * watcher) read the release's series from it instead of reading /metrics themselves.
 */
export const prometheusSection = z
  .strictObject({
    /** The server's base URL (`http://prometheus:9090`); unset: Hermes reads /metrics itself. */
    url: httpUrl('put the credentials in prometheus.basicAuth').optional(),
    /** Which series are the release's: label matchers, e.g. `job="hermes"`; empty: all of them. */
    selector: z
      .string()
      .refine(isLabelMatchers, {
        error: 'expected PromQL label matchers such as job="hermes", env=~"prod.*"',
      })
      .default(''),
    basicAuth: z.strictObject({ username: z.string().min(1), password: z.string().min(1) }).optional(),
    /** How long one query may take. */
    timeout: durationMs.pipe(z.int().min(100, { error: 'expected at least 100ms' })).prefault('5s'),
  })
  .prefault({});

export type PrometheusSettings = z.output<typeof prometheusSection>;

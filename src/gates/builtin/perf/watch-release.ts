import { formatDuration } from '../../../text/duration.ts';
import type { GateContext, GateOutcome } from '../../gate.ts';
import { shownUrl } from '../deploy/release-endpoint.ts';
import { thrownOutcome } from '../support/outcome.ts';
import { releaseUrlOf } from '../support/release-url.ts';
import { sampleWindow, type WindowRun, type WindowSource } from './sample-window.ts';

/** The window settings both monitors share. */
export interface WatchSettings {
  window: number;
  sampleInterval: number;
  probe: boolean;
  probePaths: string[];
  probeRate: number;
}

/** Prometheus when `prometheus.url` is configured, else the release's own /metrics. */
function windowSource(ctx: GateContext, names: readonly string[]): WindowSource {
  const { prometheus } = ctx.config;
  return prometheus.url === undefined
    ? { kind: 'metrics' }
    : { kind: 'prometheus', settings: { ...prometheus, url: prometheus.url }, names };
}

function describeReads(base: string, source: WindowSource, settings: WatchSettings): string {
  const every = `every ${formatDuration(settings.sampleInterval)} for ${formatDuration(settings.window)}`;
  if (source.kind === 'metrics') return `reading ${shownUrl(base)}/metrics ${every}`;
  const selector = source.settings.selector === '' ? 'every series' : `{${source.settings.selector}}`;
  return `reading ${selector} from Prometheus at ${shownUrl(source.settings.url)}, one point ${every}`;
}

/**
 * The release's URL and its metrics (`names`, when read from Prometheus) over the window, the
 * probe running when set, or the outcome saying why not: no release to watch, or a window that
 * did not finish.
 */
export async function watchRelease(
  ctx: GateContext,
  settings: WatchSettings,
  names: readonly string[],
): Promise<{ base: string; window: WindowRun } | { outcome: GateOutcome }> {
  let base: string;
  try {
    base = await releaseUrlOf(ctx);
  } catch (error) {
    return { outcome: thrownOutcome('no release to watch', error) };
  }
  const probe = settings.probe ? { paths: settings.probePaths, rate: settings.probeRate } : undefined;
  const source = windowSource(ctx, names);
  ctx.log(
    `${describeReads(base, source, settings)}${probe ? ` with a ${String(probe.rate)} req/s read-only probe` : ', no probe'}`,
  );
  try {
    const window = await sampleWindow(
      {
        base,
        windowMs: settings.window,
        sampleIntervalMs: settings.sampleInterval,
        probe,
        signal: ctx.signal,
      },
      source,
    );
    return { base, window };
  } catch (error) {
    return { outcome: thrownOutcome('the window did not finish', error) };
  }
}

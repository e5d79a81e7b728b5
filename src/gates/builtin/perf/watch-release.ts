import { formatDuration } from '../../../text/duration.ts';
import type { GateContext, GateOutcome } from '../../gate.ts';
import { shownUrl } from '../deploy/release-endpoint.ts';
import { thrownOutcome } from '../support/outcome.ts';
import { releaseUrlOf } from '../support/release-url.ts';
import { sampleWindow, type WindowRun } from './sample-window.ts';

/** The window settings both monitors share. */
export interface WatchSettings {
  window: number;
  sampleInterval: number;
  probe: boolean;
  probePaths: string[];
  probeRate: number;
}

/**
 * The release's URL and its /metrics read over the window (the probe running when set), or the
 * outcome saying why not: no release to watch, or a window that did not finish.
 */
export async function watchRelease(
  ctx: GateContext,
  settings: WatchSettings,
): Promise<{ base: string; window: WindowRun } | { outcome: GateOutcome }> {
  let base: string;
  try {
    base = await releaseUrlOf(ctx);
  } catch (error) {
    return { outcome: thrownOutcome('no release to watch', error) };
  }
  const probe = settings.probe ? { paths: settings.probePaths, rate: settings.probeRate } : undefined;
  ctx.log(
    `reading ${shownUrl(base)}/metrics every ${formatDuration(settings.sampleInterval)} for ${formatDuration(settings.window)}${probe ? ` with a ${String(probe.rate)} req/s read-only probe` : ', no probe'}`,
  );
  try {
    const window = await sampleWindow({
      base,
      windowMs: settings.window,
      sampleIntervalMs: settings.sampleInterval,
      probe,
      signal: ctx.signal,
    });
    return { base, window };
  } catch (error) {
    return { outcome: thrownOutcome('the window did not finish', error) };
  }
}

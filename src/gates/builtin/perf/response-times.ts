import { errorMessage } from '../../../errors/error-message.ts';
import type { Evidence, Gate, GateContext, GateOutcome } from '../../gate.ts';
import { noDataOutcome } from '../../no-data.ts';
import { errorOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { judgeResponseTimes, type Baseline } from './judge-response-times.ts';
import { probeEvidence, windowFailure } from './window-evidence.ts';
import { responseCounters, responseFigures } from './response-figures.ts';
import { watchRelease } from './watch-release.ts';
import { recordedResults } from './sql/recorded-figures.ts';

export const responseTimesId = 'perf.response-times';

async function readBaseline(ctx: GateContext, deployments: number): Promise<Baseline> {
  try {
    return { results: await recordedResults((await ctx.database()).pool, responseTimesId, deployments) };
  } catch (error) {
    return { failure: errorMessage(error) };
  }
}

async function run(ctx: GateContext): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).perf.responseTimes;
  const watched = await watchRelease(ctx, settings, responseCounters);
  if ('outcome' in watched) return watched.outcome;
  const { window } = watched;
  const result = responseFigures(window.scrapes);
  if ('tooFew' in result) return windowFailure(window);
  if ('reset' in result)
    return errorOutcome(
      'a counter went down during the window: the release restarted or reset its metrics',
      `counter reset in ${result.reset.slice(0, 3).join(', ')}${result.reset.length > 3 ? ` and ${String(result.reset.length - 3)} more` : ''}: the window's deltas are unusable; run the gate again`,
    );
  const baseline = await readBaseline(ctx, settings.baselineDeployments);
  const evidence: Evidence[] = probeEvidence(window);
  return judgeResponseTimes(
    result.figures,
    settings,
    baseline,
    (what) => noDataOutcome(ctx.config, responseTimesId, what),
    evidence,
  );
}

/** §3.2.1 `npm run monitor:performance`: the release's response times from its /metrics or Prometheus. */
export const responseTimesGate: Gate = {
  id: responseTimesId,
  stage: 'post-deploy',
  title: 'Response times',
  description:
    "`npm run monitor:performance`: reads the release's /metrics at the start and end of `window` and every `sampleInterval` in between (with `prometheus.url` set, the same series from Prometheus instead: a range query over the window, one point every `sampleInterval`, the series `prometheus.selector` matches), and computes from the counters' deltas the API average response time (http_request_duration_seconds sum / count, every route but /metrics and /health*), the database query average (database_query_duration_seconds: the intake's operations) and the n8n webhook p95 (the 0.95 quantile of delivery_duration_seconds' bucket deltas over every attempt, interpolated within the bucket as Prometheus's histogram_quantile does). Each must be below its limit (`apiAverageMs`, `dbQueryAverageMs`, `webhookP95Ms`) and, against the baseline (the median of the same figure recorded by this gate for the last `baselineDeployments` succeeded deployments other than the one judged: the live one on its own, the running one in `hermes deploy`), at most baseline × (1 + `maxDegradation`) or baseline + `degradationFloorMs`, whichever is higher. With `probe` (default on) the gate sends `probeRate` GETs/s of `probePaths` during the window (reads only, never a lead) so that a fresh release has requests to measure; the database and webhook figures need real submissions. A figure with fewer than `minRequests` observations, or with fewer than `baselineMinimum` recorded deployments, is not judged: the no-data policy (`gates.noData`, default warn) naming it, never a pass. A counter going down during the window (a restart) is an error. Fails naming each figure over its limit or its baseline.",
  spec: '§3.2.1',
  // Its own traffic (the probe) and timings would be distorted by the other post-deploy gates' requests.
  exclusive: true,
  // The default 30 s window and room to spare; a longer window needs gates.overrides.
  timeoutMs: 90_000,
  thresholds: (config) =>
    describeThresholds(config, 'perf', 'responseTimes', {
      window: 'how long the release is watched (ms)',
      sampleInterval: 'how often /metrics is read during the window (ms), to see a restart',
      probe: 'send a light read-only load during the window',
      probeRate: "the probe's requests per second",
      probePaths: 'the paths the probe GETs in turn',
      apiAverageMs: 'maximum API average response time (ms)',
      dbQueryAverageMs: 'maximum database query average (ms)',
      webhookP95Ms: 'maximum p95 of the n8n webhook calls (ms)',
      minRequests: 'observations a figure needs in the window to be judged',
      baselineDeployments: 'succeeded deployments whose recorded figures make the baseline (their median)',
      baselineMinimum: 'recorded deployments needed before a figure is judged against its baseline',
      maxDegradation: 'how far above its baseline a figure may be (0.5: +50 %)',
      degradationFloorMs:
        'how far above its baseline a figure may be in any case (ms): noise on tiny figures',
    }),
  run,
};

import { formatDuration } from '../../../text/duration.ts';
import type { Gate, GateOutcome } from '../../gate.ts';
import { noDataOutcome } from '../../no-data.ts';
import { thrownOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import type { DeployStepHooks } from './deploy-step-hooks.ts';
import { judgeLoad } from './judge-load.ts';
import { releaseEndpoint, shownUrl } from './release-endpoint.ts';
import { runLoad, type LoadRun } from './run-load.ts';
import { startMemorySampler } from './sample-memory.ts';

export const loadDeploymentId = 'load.deployment';

/** §2.3.2 `npm run test:load:deployment`: a bounded load on the new release, memory watched. */
export function loadDeploymentGate(hooks: DeployStepHooks): Gate {
  return {
    id: loadDeploymentId,
    stage: 'deploy',
    title: 'Deployment load test',
    description:
      "`npm run test:load:deployment`: loads the new release with autocannon for `duration` (`connections` connections, at most `rate` requests/s when set), each connection sending the configured requests in turn (default GET / and GET /health/database: reads only, so that no test lead reaches the CRM), while reading the release's heap and resident memory from its /metrics every `memorySampleInterval`. Passes when requests were answered, the p95 latency is within `p95Ms` (the SLA), non-2xx answers, connection errors and timeouts together are at most `maxErrors`, and no memory leak is detected: the least-squares slope of the heap's floor (the lowest reading of each quarter of the run after its first 20 %: the lows garbage collection leaves), projected over the run's duration, is below `maxHeapGrowthMb`. Fewer than 3 heap readings leave memory unjudged: the no-data policy (`gates.noData`, default warn), never a pass by default.",
    spec: '§2.3.2',
    // The load alone would be distorted by gates running beside it, and distort theirs.
    exclusive: true,
    // The default 10 s load, its readings and room to spare; a longer duration needs gates.overrides.
    timeoutMs: 120_000,
    thresholds: (config) =>
      describeThresholds(config, 'deploy', 'load', {
        connections: 'concurrent connections',
        duration: 'how long the load runs (ms)',
        rate: 'requests per second over all connections (unset: as fast as the release answers)',
        requests: 'the requests each connection sends in turn',
        p95Ms: 'the SLA: maximum p95 latency over every request (ms)',
        maxErrors: 'maximum non-2xx answers, connection errors and timeouts, together',
        memorySampleInterval: "how often the release's /metrics is read during the load (ms)",
        maxHeapGrowthMb:
          'the growth of the heap floor over the run (least-squares slope × duration) that counts as a leak (MB)',
      }),
    async run(ctx): Promise<GateOutcome> {
      const settings = gateThresholds(ctx.config).deploy.load;
      let base: string;
      try {
        base = await hooks.releaseUrl(ctx);
      } catch (error) {
        return thrownOutcome('no release to load', error);
      }
      ctx.log(
        `loading ${shownUrl(base)} for ${formatDuration(settings.duration)} with ${String(settings.connections)} connections`,
      );
      const sampler = startMemorySampler(
        releaseEndpoint(base, '/metrics'),
        settings.memorySampleInterval,
        ctx.signal,
      );
      let load: LoadRun;
      try {
        load = await runLoad({
          url: base,
          connections: settings.connections,
          durationMs: settings.duration,
          rate: settings.rate,
          requests: settings.requests,
          signal: ctx.signal,
        });
      } catch (error) {
        await sampler.stop();
        return thrownOutcome('the load did not finish', error);
      }
      const memory = await sampler.stop();
      return judgeLoad(load, memory, settings, (what) => noDataOutcome(ctx.config, loadDeploymentId, what));
    },
  };
}

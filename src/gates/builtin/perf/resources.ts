import { availableParallelism, totalmem } from 'node:os';
import type { ResourcesSettings } from '../../../config/sections/perf-thresholds.ts';
import type { Gate, GateContext, GateOutcome } from '../../gate.ts';
import { noDataOutcome } from '../../no-data.ts';
import { isLoopback } from '../support/loopback-host.ts';
import { errorOutcome } from '../support/outcome.ts';
import { describeThresholds, gateThresholds } from '../support/thresholds.ts';
import { counterResets } from './counter-deltas.ts';
import { judgeResources, type ResourceContext } from './judge-resources.ts';
import { cpuMetric, resourceMetrics, resourceReading } from './resource-readings.ts';
import { watchRelease } from './watch-release.ts';
import { probeEvidence, windowFailure } from './window-evidence.ts';

export const resourcesId = 'perf.resources';

/**
 * The memory a release may use: `memoryLimitMb`, else this machine's total on a loopback URL (the
 * release runs here), else unknown: another machine's memory is not os.totalmem().
 */
export function memoryLimit(
  settings: Pick<ResourcesSettings, 'memoryLimitMb'>,
  base: string,
  hostTotalBytes: number,
): { bytes: number | undefined; noLimit: string } {
  if (settings.memoryLimitMb !== undefined)
    return { bytes: settings.memoryLimitMb * 1024 * 1024, noLimit: '' };
  if (isLoopback(new URL(base).hostname)) return { bytes: hostTotalBytes, noLimit: '' };
  return {
    bytes: undefined,
    noLimit: 'the release is not on this machine and memoryLimitMb is unset: its memory limit is unknown',
  };
}

async function run(ctx: GateContext): Promise<GateOutcome> {
  const settings = gateThresholds(ctx.config).perf.resources;
  const watched = await watchRelease(ctx, settings, resourceMetrics);
  if ('outcome' in watched) return watched.outcome;
  const { base, window } = watched;
  if (window.scrapes.length < 2) return windowFailure(window);
  const reset = counterResets(window.scrapes, [cpuMetric]);
  if (reset.length > 0)
    return errorOutcome(
      'the CPU counter went down during the window: the release restarted',
      `counter reset in ${reset.join(', ')}: the window's readings are of two processes; run the gate again`,
    );
  const limit = memoryLimit(settings, base, totalmem());
  const context: ResourceContext = {
    windowMs: window.durationMs,
    cores: settings.cpuPerCore ? availableParallelism() : 1,
    memoryLimitBytes: limit.bytes,
    noLimit: limit.noLimit,
  };
  return judgeResources(
    window.scrapes.map(resourceReading),
    settings,
    context,
    (what) => noDataOutcome(ctx.config, resourcesId, what),
    probeEvidence(window),
  );
}

/** §3.2.2 `npm run monitor:resources`: the release's CPU, memory, pool and leaks from its /metrics. */
export const resourcesGate: Gate = {
  id: resourcesId,
  stage: 'post-deploy',
  title: 'Resource utilization',
  description:
    "`npm run monitor:resources`: reads the release's /metrics (or, with `prometheus.url` set, its series from Prometheus) every `sampleInterval` across `window` (with `probe`, default on, sending `probeRate` read-only GETs/s of `probePaths` meanwhile) and judges: CPU below `cpuPercent` (the growth of process_cpu_seconds_total over the wall time, as % of one core; of all the host's cores with `cpuPerCore`); memory below `memoryPercent` (the peak process_resident_memory_bytes against `memoryLimitMb`, or unset the machine's total memory when the URL is a loopback one: the release runs here; on another host without memoryLimitMb memory is not judged); database connections in use (database_pool_connections minus _idle, at their peak) below `poolPercent` of database_pool_connections_max; and no resource leaks: the heap floor's least-squares slope (as load.deployment judges it) over the window below `maxHeapGrowthMb`, and the open handles' (the sum of nodejs_active_handles) below `maxHandleGrowth`. A figure with too few readings (at least 2 for CPU, 3 for a trend) is not judged: the no-data policy (`gates.noData`, default warn) naming it, never a pass. The CPU counter going down (a restart) is an error. Fails naming each figure over its limit.",
  spec: '§3.2.2',
  // Other gates' requests would show as this release's CPU and connections.
  exclusive: true,
  // The default 30 s window and room to spare; a longer window needs gates.overrides.
  timeoutMs: 90_000,
  thresholds: (config) =>
    describeThresholds(config, 'perf', 'resources', {
      window: 'how long the release is watched (ms)',
      sampleInterval: 'how often /metrics is read during the window (ms)',
      probe: 'send a light read-only load during the window',
      probeRate: "the probe's requests per second",
      probePaths: 'the paths the probe GETs in turn',
      cpuPercent: 'maximum CPU, % of one core (of all cores with cpuPerCore)',
      cpuPerCore: "divide the CPU share by the host's cores",
      memoryPercent: 'maximum peak resident memory, % of memoryLimitMb or of the machine on a loopback URL',
      memoryLimitMb: "the release's memory limit (MB); unset: the machine's total on a loopback URL only",
      poolPercent: "maximum connections in use, % of the pool's maximum",
      maxHeapGrowthMb: "the heap floor's growth over the window that counts as a leak (MB)",
      maxHandleGrowth: "the open handles' growth over the window that counts as a leak",
    }),
  run,
};

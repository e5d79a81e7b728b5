import { z } from 'zod';
import { durationMs } from './duration.ts';

const atLeast = (ms: number) =>
  durationMs.pipe(z.int().min(ms, { error: `expected at least ${String(ms)}ms` }));
const percent = z.number().gt(0, { error: 'expected a percentage above 0' }).max(100);
const readPath = z.string().startsWith('/', { error: 'expected a path starting with /' });

/**
 * What both perf gates share: the sampling window over the release's /metrics and the light
 * read-only probe that gives a fresh release something to measure.
 */
const sampling = {
  /** How long the release is watched. */
  window: atLeast(1_000).prefault('30s'),
  /** /metrics is read at the start, the end and every this often in between (a restart shows). */
  sampleInterval: atLeast(100).prefault('2s'),
  /** Send the probe's GETs during the window. */
  probe: z.boolean().default(true),
  /** The probe's requests per second over all its paths. */
  probeRate: z.number().positive().max(100, { error: 'expected at most 100 requests/s' }).default(5),
  /** The probe's paths, requested in turn with GET (reads only: never a lead). */
  probePaths: z.array(readPath).min(1).default(['/', '/privacy']),
};

/** `perf.response-times` (§3.2.1): averages and the webhook's p95 from counter deltas, and a baseline. */
const responseTimes = z
  .strictObject({
    ...sampling,
    apiAverageMs: z.number().positive().default(500),
    dbQueryAverageMs: z.number().positive().default(100),
    webhookP95Ms: z.number().positive().default(2_000),
    /** Observations a figure needs in the window to be judged. */
    minRequests: z.int().min(1).default(20),
    /** The succeeded deployments whose recorded figures make the baseline (their median). */
    baselineDeployments: z.int().min(1).max(100).default(5),
    /** Fewer deployments with a recorded figure than this: no baseline yet for it. */
    baselineMinimum: z.int().min(1).default(3),
    /** A figure above baseline × (1 + this) is a degradation (0.5: +50 %). */
    maxDegradation: z.number().min(0).default(0.5),
    /**
     * …and by at least this much (ms): a 1 ms average that turns 2 ms is noise, not a degradation
     * (measured: GET / averages 0.9 to 2.3 ms from one short window to the next).
     */
    degradationFloorMs: z.number().min(0).default(20),
  })
  .refine((s) => s.baselineMinimum <= s.baselineDeployments, {
    error: 'baselineMinimum must not exceed baselineDeployments',
    path: ['baselineMinimum'],
  })
  .refine((s) => s.sampleInterval <= s.window, {
    error: 'sampleInterval must not exceed window',
    path: ['sampleInterval'],
  })
  .prefault({});

/** `perf.resources` (§3.2.2): CPU, memory, the pool's connections and leaks over the window. */
const resources = z
  .strictObject({
    ...sampling,
    cpuPercent: percent.default(80),
    /** Divide the CPU share by the host's cores (os.availableParallelism) instead of one core's. */
    cpuPerCore: z.boolean().default(false),
    memoryPercent: percent.default(90),
    /** The memory the release may use (MB); unset, the host's total on a loopback URL only. */
    memoryLimitMb: z.number().positive().optional(),
    poolPercent: percent.default(80),
    /** The heap floor's growth over the window (least-squares slope × window) that is a leak (MB). */
    maxHeapGrowthMb: z.number().min(0).default(50),
    /** The open handles' growth over the window (least-squares slope × window) that is a leak. */
    maxHandleGrowth: z.number().min(0).default(20),
  })
  .refine((s) => s.sampleInterval <= s.window, {
    error: 'sampleInterval must not exceed window',
    path: ['sampleInterval'],
  })
  .prefault({});

/** Thresholds of the post-deploy stage's performance monitors (`gates.thresholds.perf`). */
export const perfThresholds = z.strictObject({ responseTimes, resources }).prefault({});

export type ResponseTimesSettings = z.output<typeof responseTimes>;
export type ResourcesSettings = z.output<typeof resources>;

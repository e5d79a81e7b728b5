import { z } from 'zod';
import { durationMs } from './duration.ts';

/** One request of the load, as tests.performance configures its requests. */
const loadRequest = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('GET'),
  path: z.string().startsWith('/'),
  body: z.string().optional(),
  contentType: z.string().default('application/json'),
});

/**
 * The load runs against the live database and n8n: reads only by default, because a lead posted
 * here would be committed and forwarded to the CRM like a customer's.
 */
const defaultRequests = [
  { method: 'GET' as const, path: '/', contentType: 'application/json' },
  { method: 'GET' as const, path: '/health/database', contentType: 'application/json' },
];

/** `load.deployment` (§2.3.2): a bounded load on the new release, its latency, errors and heap. */
export const deployLoadThresholds = z
  .strictObject({
    connections: z.int().min(1).max(1_000).default(10),
    duration: durationMs.pipe(z.int().min(1_000, { error: 'expected at least 1s' })).prefault('10s'),
    /** Requests per second over all connections; unset: as fast as the release answers. */
    rate: z.number().positive().optional(),
    /** Sent in turn by each connection. */
    requests: z.array(loadRequest).min(1).default(defaultRequests),
    /** The SLA: p95 latency over every request (ms). */
    p95Ms: z.number().min(0).default(500),
    /** Non-2xx answers, connection errors and timeouts, together. */
    maxErrors: z.int().min(0).default(0),
    /** How often the release's /metrics is read for its memory while the load runs. */
    memorySampleInterval: durationMs
      .pipe(z.int().min(100, { error: 'expected at least 100ms' }))
      .prefault('1s'),
    /**
     * The growth of the heap's floor over the run (MB) that counts as a leak. A fresh release's old
     * generation grows before V8's first major collection (measured: +53 MB over 10 s at 1,400 req/s,
     * no leak), so a short run allows that much.
     */
    maxHeapGrowthMb: z.number().min(0).default(150),
  })
  .prefault({});

export type DeployLoadSettings = z.output<typeof deployLoadThresholds>;
export type DeployLoadRequest = DeployLoadSettings['requests'][number];

import { z } from 'zod';
import { durationMs as duration } from './duration.ts';

/** The outbox worker: how it claims, retries, dead-letters, and when /health/n8n turns 503. */
export const deliverySection = z
  .strictObject({
    /** `hermes serve` runs a worker too (HERMES_DELIVERY_WORKER=off: only `hermes worker` delivers). */
    workerInServe: z.boolean().default(true),
    /** Deliveries in flight per worker. */
    concurrency: z.int().min(1).max(500).default(16),
    /** Most rows claimed by one statement. */
    batchSize: z.int().min(1).max(1_000).default(100),
    /** The fallback when no notification arrives (embedded database, lost LISTEN connection). */
    pollIntervalMs: z.int().min(50).max(600_000).default(1_000),
    /** How long a claimed row stays the worker's; after that another worker takes it. */
    lease: duration.default(60_000),
    /** Waits before each retry (Svix's by default); after the last one the row is dead. */
    retrySchedule: z.array(duration).min(1).prefault(['5s', '5m', '30m', '2h', '5h', '10h', '10h']),
    /** Each wait is randomised by up to this fraction either way, so retries do not arrive together. */
    jitter: z.number().min(0).max(1).default(0.2),
    circuitBreaker: z
      .strictObject({
        /** Consecutive failed deliveries that open the circuit. */
        failureThreshold: z.int().min(1).default(5),
        /** First wait before a probe; doubles after each failed probe, up to maxCooldown. */
        cooldown: duration.default(5_000),
        maxCooldown: duration.default(60_000),
      })
      .prefault({}),
    health: z
      .strictObject({
        /** /health/n8n answers 503 when the oldest pending lead has waited longer than this. */
        maxOldestPendingAge: duration.default(900_000),
        /** …or when this many deliveries in a row have failed. */
        maxConsecutiveFailures: z.int().min(1).default(5),
      })
      .prefault({}),
  })
  .prefault({});

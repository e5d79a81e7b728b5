import { z } from 'zod';
import { defaultLogLevel, logLevels } from './log-levels.ts';

export const serverSection = z
  .strictObject({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.int().min(0).max(65_535).default(3000),
    /** Passed to Fastify: false, true, a hop count, or a list of trusted proxy addresses/CIDRs. */
    trustProxy: z.union([z.boolean(), z.int().min(1), z.array(z.string())]).default(false),
    bodyLimitBytes: z
      .int()
      .min(1024)
      .default(32 * 1024),
    /** The whole request, headers and body, must arrive within this; a slower client is cut off (408). */
    requestTimeoutMs: z.int().min(1000).default(15_000),
    /** Longer URLs (path and query) are refused with 414 before anything reads them. */
    maxUrlLength: z.int().min(256).max(16_384).default(4096),
    shutdownGraceMs: z.int().min(0).default(10_000),
    corsOrigins: z.array(z.string()).default([]),
    /** The deployment this release belongs to (`hermes deploy` sets HERMES_DEPLOYMENT_ID); `/health` reports it. */
    deploymentId: z.uuid().nullable().default(null),
    /**
     * Where a blue/green target keeps this release's role (`live` or `standby`); re-read on SIGUSR2.
     * Null: always live.
     */
    roleFile: z.string().min(1).nullable().default(null),
  })
  .prefault({});

export const logSection = z
  .strictObject({
    level: z.enum(logLevels).default(defaultLogLevel),
    /** `hermes serve`'s log lines; auto: pretty in development when stdout is a terminal, else JSON. */
    format: z.enum(['auto', 'pretty', 'json']).default('auto'),
  })
  .prefault({});

import { z } from 'zod';
import { durationMs } from './duration.ts';

/** The endpoints a release must answer 200 on (DESIGN.md's health endpoints and /readyz). */
export const defaultHealthEndpoints = ['/health', '/health/database', '/health/n8n', '/readyz'];

/** `health.deployment` (§2.3.1): each endpoint of the new release must answer 200 before the deadline. */
export const deployHealthThresholds = z
  .strictObject({
    /** Paths on the release's URL, each GET until it answers 200. */
    endpoints: z.array(z.string().startsWith('/')).min(1).default(defaultHealthEndpoints),
    /** How long after the first request every endpoint must have answered 200 (no request starts later). */
    deadline: durationMs.pipe(z.int().min(100, { error: 'expected at least 100ms' })).prefault('60s'),
    /** The wait between two requests to an endpoint that has not answered 200 yet. */
    interval: durationMs.pipe(z.int().min(50, { error: 'expected at least 50ms' })).prefault('1s'),
    /** One request's longest wait for an answer, so that one hung request cannot use the whole deadline. */
    requestTimeout: durationMs.pipe(z.int().min(100, { error: 'expected at least 100ms' })).prefault('5s'),
  })
  .prefault({});

export type DeployHealthSettings = z.output<typeof deployHealthThresholds>;

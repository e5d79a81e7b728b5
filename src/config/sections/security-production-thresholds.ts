import { z } from 'zod';
import { durationMs } from './duration.ts';

/** The headers `security.production` requires on the form page by default (§3.3.1). */
export const defaultRequiredHeaders = [
  'Content-Security-Policy',
  'X-Content-Type-Options',
  'X-Frame-Options',
  'Referrer-Policy',
];

/**
 * `security.production` (§3.3.1, `npm run security:scan:production`): the deployed release's TLS,
 * security headers, admin authentication and input validation, and no new vulnerable dependency.
 */
export const securityProductionThresholds = z
  .strictObject({
    /** The oldest TLS protocol the release may negotiate. */
    minTlsVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
    /** A PEM file of CAs trusted besides the system's (a private CA); null: the system's only. */
    extraCaFile: z.string().min(1).nullable().default(null),
    /** The certificate must stay valid at least this many days. */
    certExpiryDays: z.int().min(0).default(14),
    /** Strict-Transport-Security's max-age at least (seconds; the default is 180 days). */
    hstsMinAgeSeconds: z.int().min(0).default(15_552_000),
    /** Plain HTTP fails instead of warning (TLS cannot be judged on it). */
    requireHttps: z.boolean().default(false),
    /**
     * Headers the form page must send. X-Content-Type-Options must be `nosniff`; X-Frame-Options
     * DENY or SAMEORIGIN, or the CSP's frame-ancestors in its place; any other only present.
     */
    requiredHeaders: z.array(z.string().min(1)).default(defaultRequiredHeaders),
    /**
     * Refused admin requests the scan may send (a wrong key and none both count against the
     * guard's per-address budget); null: one fewer than admin.rateLimit.refusedMax, so the scan
     * never locks its own address out (none when the limit is off).
     */
    maxRefusedProbes: z.int().min(1).nullable().default(null),
    /** One request's longest wait for an answer. */
    requestTimeout: durationMs.pipe(z.int().min(100)).prefault('10s'),
  })
  .prefault({});

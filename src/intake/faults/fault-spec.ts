import { z } from 'zod';
import { ConfigError } from '../../config/config-error.ts';
import { describeValue, formatIssue } from '../../config/format-issue.ts';
import type { HermesConfig } from '../../config/schema.ts';

/** The variable a release is started with to inject faults (DESIGN.md, "Faults for drills"). */
export const faultsVariable = 'HERMES_FAULTS';

export const healthFaultTargets = ['database', 'n8n'] as const;
export type HealthFaultTarget = (typeof healthFaultTargets)[number];

// `POST /api/contact`: a method and a route pattern as Fastify registers it (`/api/admin/leads/:leadId`).
// A refinement, not .regex(): its message is what a refused value is told (format-issue.ts).
const routeKey = z
  .string()
  .refine((value) => /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) \/\S*$/.test(value), {
    error: 'expected "<METHOD> <route pattern>", e.g. "POST /api/contact"',
  });

/** HERMES_FAULTS, as JSON: every key optional. */
export const faultSpecSchema = z.strictObject({
  /** The share of matching requests answered 500 (after the latency), 0 to 1. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Added to every matching request before its handler runs; at most an hour (a timer's range is finite). */
  latencyMs: z.number().min(0).max(3_600_000).default(0),
  /** The routes the latency and the errors apply to. */
  routes: z.array(routeKey).min(1).default(['POST /api/contact']),
  /** Faults begin this long after the server is ready: a drill's release first passes its deploy checks. */
  startAfterMs: z.number().min(0).default(0),
  /** This health endpoint answers 503 (once the faults have begun). */
  failHealth: z.enum(healthFaultTargets).optional(),
});

export type FaultSpec = z.output<typeof faultSpecSchema>;

/** A spec that injects nothing (no errors, no latency, no health failure) is no fault at all. */
export function injectsSomething(spec: FaultSpec): boolean {
  return spec.errorRate > 0 || spec.latencyMs > 0 || spec.failHealth !== undefined;
}

const knownKeys = Object.keys(faultSpecSchema.shape).join(', ');

function problemOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => `${faultsVariable}.${key}`);
    return `${keys.join(', ')}: unknown key${keys.length > 1 ? 's' : ''} (expected one of ${knownKeys})`;
  }
  // `HERMES_FAULTS.errorRate: expected number <= 1, got 1.5`
  return formatIssue({ ...issue, path: [faultsVariable, ...issue.path] }, () => undefined);
}

/**
 * HERMES_FAULTS parsed, or undefined when unset or empty. Malformed JSON or a value out of range
 * refuses to start (a ConfigError naming each field, what was expected and what was found): a
 * release must never run with a half-understood fault spec.
 */
export function parseFaultSpec(raw: string | undefined): FaultSpec | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable';
    throw new ConfigError(`invalid ${faultsVariable}`, [
      `${faultsVariable}: expected JSON such as {"errorRate": 0.3}, got ${describeValue(raw, [])} (${reason})`,
    ]);
  }
  const result = faultSpecSchema.safeParse(json, { reportInput: true });
  if (!result.success) throw new ConfigError(`invalid ${faultsVariable}`, result.error.issues.map(problemOf));
  return result.data;
}

export interface FaultsContext {
  readonly config: Pick<HermesConfig, 'environment' | 'faults'>;
  /** NODE_ENV as the process has it: production there counts even when HERMES_ENV says otherwise. */
  readonly nodeEnv: string | undefined;
}

/** Why this process is production, or undefined when it is not. */
function productionBy(context: FaultsContext): string | undefined {
  if (context.nodeEnv?.trim() === 'production') return 'NODE_ENV=production';
  if (context.config.environment === 'production') return 'the environment is production';
  return undefined;
}

/**
 * The faults `hermes serve` injects: HERMES_FAULTS parsed, undefined when unset or when it injects
 * nothing. Refused (a ConfigError naming `faults.allowInProduction`) in production unless allowed.
 */
export function resolveFaults(raw: string | undefined, context: FaultsContext): FaultSpec | undefined {
  const spec = parseFaultSpec(raw);
  if (spec === undefined || !injectsSomething(spec)) return undefined;
  const production = productionBy(context);
  if (production !== undefined && !context.config.faults.allowInProduction) {
    throw new ConfigError(`${faultsVariable} refused in production`, [
      `${faultsVariable} is set and ${production}: faults are for drills. Unset it, or set faults.allowInProduction: true in hermes.yaml to inject them in production anyway`,
    ]);
  }
  return spec;
}

/** What the start-up warning lists: the spec's values, nothing else (no PII in a spec). */
export function describeFaults(spec: FaultSpec): Record<string, unknown> {
  return {
    errorRate: spec.errorRate,
    latencyMs: spec.latencyMs,
    routes: spec.routes,
    startAfterMs: spec.startAfterMs,
    failHealth: spec.failHealth ?? null,
  };
}

import { z } from 'zod';
import { checkReadOnlyStatement } from '../read-only-statement.ts';
import { gateThresholdsSection } from './gate-thresholds.ts';
import { stages } from './stage.ts';

/**
 * `gates:` in hermes.yaml: how the engine runs gates (concurrency, per-gate overrides, the no-data
 * policy, reports, history), the team's custom gates, and the built-in gates' thresholds.
 */

const gateId = z
  .string()
  .refine((id) => id.includes('.') && id.split('.').every((part) => /^[a-z0-9][a-z0-9-]*$/.test(part)), {
    error: 'expected a gate id like family.name (lower case, digits, dashes)',
  });
const stage = z.enum(stages);
const timeoutMs = z.int().min(100).max(3_600_000);
/** What a gate returns when it has nothing to judge (no rows, no samples). */
const noDataPolicy = z.enum(['pass', 'warn', 'fail', 'error']);

const regex = z.string().refine(
  (source) => {
    try {
      // eslint-disable-next-line security/detect-non-literal-regexp -- validating the team's own pattern
      new RegExp(source);
      return true;
    } catch {
      return false;
    }
  },
  { error: 'expected a valid regular expression' },
);

const override = z.strictObject({
  enabled: z.boolean().optional(),
  /** An advisory gate's `fail` is reported as `warn` and does not block. */
  advisory: z.boolean().optional(),
  timeoutMs: timeoutMs.optional(),
  /** What an `error` (the gate could not judge) counts as, e.g. `warn` when no advisory source exists. */
  errorAs: z.enum(['error', 'warn', 'fail']).optional(),
  noData: noDataPolicy.optional(),
  /** Run with no other gate at the same time (measurements that parallel work would distort). */
  exclusive: z.boolean().optional(),
});

const customBase = {
  id: gateId,
  stage: stage.default('pre-deploy'),
  title: z.string().min(1).optional(),
  description: z.string().min(1).optional(),
  dependsOn: z.array(gateId).default([]),
  timeoutMs: timeoutMs.optional(),
};

const shellGate = z.strictObject({
  ...customBase,
  kind: z.literal('shell'),
  /** Run by `/bin/sh -c` in the repository. */
  command: z.string().min(1),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string()).default({}),
  expectExitCode: z.int().min(0).max(255).default(0),
  /** The combined output must match this pattern. */
  outputMatches: regex.optional(),
  /** The combined output must not match this pattern. */
  outputNotMatches: regex.optional(),
});

const comparison = z.enum(['==', '!=', '<=', '>=', '<', '>']);
const term = /^\s*([A-Za-z_]\w*)\s*(==|!=|<=|>=|<|>)\s*(-?\d[\d.]*)\s*$/;
const isTerm = (part: string): boolean => {
  const number = term.exec(part)?.[3];
  return number !== undefined && Number.isFinite(Number(number));
};

/**
 * A SQL gate's expectation: comparisons joined by `and`, each `name op number`, where name is
 * `value` (first column of the first row), `rows` (the row count) or a column of the first row.
 */
const expectation = z
  .string()
  .refine((text) => text.split(/\band\b/).every(isTerm), {
    error: 'expected comparisons like "value == 0" joined by "and" (names: value, rows, or a column)',
  })
  .transform((text) => ({
    text: text.trim(),
    terms: text.split(/\band\b/).map((part) => {
      const [, name = '', op = '==', number = '0'] = term.exec(part) ?? [];
      return { name, comparison: comparison.parse(op), value: Number(number) };
    }),
  }));
export type Expectation = z.output<typeof expectation>;

const sqlGate = z
  .strictObject({
    ...customBase,
    kind: z.literal('sql'),
    /** One statement that reads, run in a READ ONLY transaction that is rolled back. */
    query: z.string().min(1),
    /** `value == 0`, `rows >= 1`, `late_count < 5 and total > 0`: see `hermes gates explain`. */
    expect: expectation,
  })
  .superRefine((gate, ctx) => {
    // Refused at load, so `gates validate` names the gate; the gate checks again before it runs.
    const checked = checkReadOnlyStatement(gate.query);
    if (!checked.ok)
      ctx.addIssue({
        code: 'custom',
        path: ['query'],
        message: `${checked.problem} (gate ${gate.id})`,
        input: gate.query,
      });
  });

const httpGate = z.strictObject({
  ...customBase,
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH']).default('GET'),
  headers: z.record(z.string(), z.string()).default({}),
  body: z.string().optional(),
  expectStatus: z.array(z.int().min(100).max(599)).min(1).default([200]),
  bodyMatches: regex.optional(),
  maxLatencyMs: z.number().min(0).optional(),
});

export const customGateSchema = z.discriminatedUnion('kind', [shellGate, sqlGate, httpGate]);
export type CustomGateConfig = z.output<typeof customGateSchema>;

const reportFormat = z.enum(['json', 'junit', 'md', 'html']);
export type ReportFormat = z.output<typeof reportFormat>;
export const reportFormats: readonly ReportFormat[] = reportFormat.options;

export const gatesSection = z
  .strictObject({
    /** Gates running at the same time (independent ones; dependents wait for what they depend on). */
    concurrency: z.int().min(1).max(64).default(4),
    /** Used when neither the gate nor `overrides` sets a timeout. */
    defaultTimeoutMs: timeoutMs.default(600_000),
    noData: noDataPolicy.default('warn'),
    /** Keyed by gate id, e.g. `security.dependencies: { errorAs: warn }`. */
    overrides: z
      .record(gateId, override, {
        error: (issue) =>
          issue.code === 'invalid_key' ? 'expected a gate id like family.name as the key' : undefined,
      })
      .default({}),
    reports: z
      .strictObject({
        dir: z.string().min(1).default('reports/gates'),
        formats: z.array(reportFormat).min(1).default(['json', 'junit', 'md', 'html']),
      })
      .prefault({}),
    /** Record each run in hermes_ops.gate_runs (best effort: a run without a database still reports). */
    history: z.strictObject({ enabled: z.boolean().default(true) }).prefault({}),
    custom: z.array(customGateSchema).default([]),
    /** How custom SQL gates run. */
    sql: z
      .strictObject({
        /**
         * The role a custom SQL gate's query runs as (SET LOCAL ROLE): one that can only read. A role
         * that may write a managed table (hermes_*, hermes_ops.*) is refused when the gate runs.
         */
        role: z
          .string()
          .regex(/^[A-Za-z_][\w$-]*$/, { error: 'expected a role name' })
          .optional(),
      })
      .prefault({}),
    thresholds: gateThresholdsSection,
  })
  .superRefine((gates, ctx) => {
    const seen = new Set<string>();
    gates.custom.forEach((gate, index) => {
      if (seen.has(gate.id))
        ctx.addIssue({
          code: 'custom',
          path: ['custom', index, 'id'],
          message: `duplicate gate id ${gate.id}`,
          input: gate.id,
        });
      seen.add(gate.id);
    });
  })
  .prefault({});

export type GatesSettings = z.output<typeof gatesSection>;
export type GateOverride = z.output<typeof override>;

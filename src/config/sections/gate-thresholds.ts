import { isAbsolute } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { buildThresholds } from './build-thresholds.ts';
import { deployThresholds } from './deploy-thresholds.ts';
import { e2eThresholds } from './e2e-thresholds.ts';
import { perfThresholds } from './perf-thresholds.ts';
import { securityProductionThresholds } from './security-production-thresholds.ts';
import { errorMessage } from '../../errors/error-message.ts';
import { checkReadOnlyStatement } from '../read-only-statement.ts';
import { environments } from './environment.ts';

/**
 * Thresholds and settings of the built-in gates (`gates.thresholds` in hermes.yaml), grouped by
 * gate family. Every number defaults to the spec's value in the section the gate cites (e.g. §1.2.1);
 * docs/gates.md lists every default, `hermes gates explain` the values in effect.
 */

const count = z.int().min(0);
const percent = z.number().min(0).max(100);
const paths = z.array(z.string().min(1)).min(1);
const environment = z.enum(environments);

/**
 * A query the schema must serve with an index (its EXPLAIN plan is judged). Unset, both gates
 * judge §1.3.3's email and created_at queries on `db.records` (src/gates/builtin/db/record-queries.ts).
 */
const namedQuery = z.strictObject({ name: z.string().min(1), sql: z.string().min(1) });

/** db.query-plans runs EXPLAIN ANALYZE on the live database too: each query must only read. */
const readOnlyQuery = namedQuery.superRefine((query, ctx) => {
  const checked = checkReadOnlyStatement(query.sql);
  if (!checked.ok)
    ctx.addIssue({
      code: 'custom',
      path: ['sql'],
      message: `${checked.problem} (query "${query.name}": EXPLAIN ANALYZE runs it on the live database)`,
      input: query.sql,
    });
});

const specVariables = ['DATABASE_URL', 'POSTGRES_URL', 'NODE_ENV', 'VERCEL_ENV'];

/** code.types skips a repository without this file unless `project` names another one. */
export const defaultTsconfig = 'tsconfig.json';
/** A tool's config file, passed as `--config`; null: the tool's own lookup from the repository up. */
const toolConfig = z.string().min(1).nullable().default(null);

const code = z
  .strictObject({
    lint: z
      .strictObject({ maxErrors: count.default(0), patterns: paths.default(['.']), config: toolConfig })
      .prefault({}),
    types: z
      .strictObject({ maxErrors: count.default(0), project: z.string().min(1).default(defaultTsconfig) })
      .prefault({}),
    format: z
      .strictObject({ maxUnformatted: count.default(0), patterns: paths.default(['.']), config: toolConfig })
      .prefault({}),
  })
  .prefault({});

const security = z
  .strictObject({
    dependencies: z
      .strictObject({
        maxCritical: count.default(0),
        maxHigh: count.default(0),
        /** auto: `npm audit` when the registry answers, else the offline OSV directory. */
        source: z.enum(['auto', 'npm-audit', 'osv']).default('auto'),
        /** A directory of OSV JSON entries (npm ecosystem), as `osv-scanner --offline` uses. */
        osvDir: z.string().min(1).default('security/osv'),
        /** Documented medium vulnerabilities: id, reason, expiry. */
        allowlist: z.string().min(1).default('security/audit-allowlist.yaml'),
        auditTimeoutMs: z.int().min(1_000).default(60_000),
      })
      .prefault({}),
    code: z
      .strictObject({
        /** Percentage of scanned files without a finding. */
        minScore: percent.default(100),
        patterns: paths.default(['.']),
        /** Rules whose findings are not counted (high false-positive rate on configuration-driven code). */
        ignoreRules: z
          .array(z.string())
          .default(['security/detect-object-injection', 'security/detect-non-literal-fs-filename']),
        /**
         * Set (e.g. 4.5) to also flag string literals above this entropy (eslint-plugin-no-secrets).
         * Off by default: alphabets and hashes in code trip it as readily as keys do.
         */
        entropyTolerance: z.number().min(1).max(8).optional(),
        /** Files not scanned (globs relative to the repository), besides node_modules and .git. */
        ignore: z
          .array(z.string())
          .default([
            'package-lock.json',
            'test/fixtures/**',
            'dist/**',
            'coverage/**',
            'reports/**',
            '.hermes/**',
          ]),
        maxFileBytes: z.int().min(1_024).default(1_000_000),
      })
      .prefault({}),
    production: securityProductionThresholds,
  })
  .prefault({});

/**
 * The table of records the data checks read (db.integrity, db.query-plans, db.schema.indexes):
 * Hermes's leads by default; another project names its own table and columns.
 */
const records = z
  .strictObject({
    table: z.string().min(1).default('hermes_leads'),
    /** The record's public id: never NULL, never duplicated (the spec's lead_id). */
    idColumn: z.string().min(1).default('lead_id'),
    /** Duplicates counted by db.integrity and looked up by the default query patterns; null: none. */
    emailColumn: z.string().min(1).nullable().default('email'),
    /** The default range query's column; null: none. */
    createdAtColumn: z.string().min(1).nullable().default('created_at'),
    /** A table whose rows must each have their record (same idColumn); null: none. */
    outboxTable: z.string().min(1).nullable().default('hermes_outbox'),
  })
  .prefault({});

const db = z
  .strictObject({
    records,
    migrationsLint: z
      .strictObject({
        /** squawk rules that fail the gate; every other finding warns. */
        failRules: z
          .array(z.string())
          .default([
            'require-concurrent-index-creation',
            'require-concurrent-index-deletion',
            'require-lock-timeout',
            'adding-required-field',
            'adding-not-nullable-field',
            'adding-field-with-default',
            'adding-foreign-key-constraint',
            'adding-serial-primary-key-field',
            'changing-column-type',
            'constraint-missing-not-valid',
            'disallowed-unique-constraint',
            'ban-drop-database',
            'ban-concurrent-index-creation-in-transaction',
          ]),
        ignoreRules: z.array(z.string()).default([]),
        /** Accepted findings ({rule, file, reason}), relative to the repository; only others fail or warn. */
        baseline: z.string().min(1).default('migrations/lint-baseline.yaml'),
      })
      .prefault({}),
    schemaBreaking: z
      .strictObject({
        /** The version last deployed; unset: read from package.json at `baselineRef`. */
        baselineVersion: z.string().min(1).optional(),
        /** A git ref whose package.json and migrations are the deployed release's; unset: the newest tag. */
        baselineRef: z.string().min(1).optional(),
        /** The deployed release's newest migration ("0023"; "0": an empty schema); unset: from git or the database. */
        baselineMigration: z
          .string()
          .regex(/^\d+$/, 'expected a migration version such as "0023" (or "0")')
          .optional(),
      })
      .prefault({}),
    foreignKeys: z.strictObject({ requireIndex: z.boolean().default(true) }).prefault({}),
    indexes: z
      .strictObject({
        /** Unset: the email and created_at lookups on `db.records`. */
        queries: z.array(namedQuery).min(1).optional(),
        /** statement_timeout of the read-only EXPLAINs on the live database (ms). */
        liveTimeoutMs: z.int().min(100).default(5_000),
      })
      .prefault({}),
    integrity: z
      .strictObject({
        /** Duplicate emails are legitimate (a returning customer): reported, and judged by this policy. */
        duplicateEmails: z.enum(['report', 'warn', 'fail']).default('report'),
      })
      .prefault({}),
    queryPlans: z
      .strictObject({
        syntheticLeads: z.int().min(0).max(10_000_000).default(50_000),
        maxExecutionMs: z.number().min(0).default(10),
        /** Unset: the email and created_at lookups on `db.records`; each one read-only statement. */
        queries: z.array(readOnlyQuery).min(1).optional(),
        /** statement_timeout of the read-only EXPLAIN ANALYZEs (ms), on the live database and on scratch. */
        liveTimeoutMs: z.int().min(100).default(5_000),
      })
      .prefault({}),
    connectivity: z.strictObject({ requireSslIn: z.array(environment).default(['production']) }).prefault({}),
    smoke: z
      .strictObject({
        /** statement_timeout of each of §3.1.2's statements and of the before/after row checksums (ms). */
        statementTimeoutMs: z.int().min(100).default(30_000),
      })
      .prefault({}),
    validateData: z
      .strictObject({
        /** statement_timeout of the read-only transaction the checks run in on the live database (ms). */
        statementTimeoutMs: z.int().min(100).default(60_000),
      })
      .prefault({}),
    dataProtection: z
      .strictObject({
        /** statement_timeout of the read-only consent queries on the live database (ms). */
        statementTimeoutMs: z.int().min(100).default(60_000),
        /** How many lead_ids without a consent flag the outcome names. */
        maxListed: z.int().min(1).max(1_000).default(20),
        /** The role the service connects as; null: found from its sessions, else this connection's. */
        serviceRole: z
          .string()
          .regex(/^[A-Za-z_][\w$-]*$/, { error: 'expected a role name' })
          .nullable()
          .default(null),
      })
      .prefault({}),
  })
  .prefault({});

/** A test command as argv; `{report}` in an argument is replaced by the path its JSON report goes to. */
const testCommand = z
  .array(z.string().min(1))
  .min(1)
  .refine((argv) => argv.some((arg) => arg.includes('{report}')), {
    error: 'the command must name its JSON report with a {report} argument',
  })
  .optional();

/** A glob picomatch compiles (brackets balanced), relative to the repository root. */
const criticalGlob = z
  .string()
  .min(1)
  .superRefine((glob, ctx) => {
    const problem = globProblem(glob);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: glob });
  });

function globProblem(glob: string): string | undefined {
  if (isAbsolute(glob) || /^[A-Za-z]:/.test(glob)) return 'expected a glob relative to the repository root';
  if (glob.split('/').includes('..')) return 'expected a glob inside the repository (no ".." segment)';
  try {
    picomatch.makeRe(glob, { strictBrackets: true });
    return undefined;
  } catch (error) {
    return `expected a glob: ${errorMessage(error)}`;
  }
}

const tests = z
  .strictObject({
    unit: z
      .strictObject({
        passRate: percent.default(100),
        maxDurationMs: z.int().min(1).default(30_000),
        project: z.string().min(1).default('unit'),
        /** A command writing a Jest-compatible JSON report to its `{report}` argument; default: vitest. */
        command: testCommand,
      })
      .prefault({}),
    coverage: z
      .strictObject({
        lines: percent.default(90),
        statements: percent.default(90),
        functions: percent.default(90),
        branches: percent.default(90),
        /** auto: read the summary when it is newer than every source and test file, else run. */
        mode: z.enum(['auto', 'run', 'read']).default('auto'),
        summary: z.string().min(1).default('coverage/coverage-summary.json'),
        projects: z.array(z.string().min(1)).default(['unit', 'integration']),
        sourceDirs: paths.default(['src', 'test']),
        /** Files (globs relative to the repository) each judged against `critical` (§1.2.1 critical paths). */
        criticalPaths: z.array(criticalGlob).default([]),
        critical: z.strictObject({ lines: percent.default(95), branches: percent.default(95) }).prefault({}),
      })
      .prefault({}),
    integration: z
      .strictObject({
        passRate: percent.default(100),
        project: z.string().min(1).default('integration'),
        /** A command writing a Jest-compatible JSON report to its `{report}` argument; default: vitest. */
        command: testCommand,
        /** auto: judge `results` when it is newer than every file under coverage.sourceDirs and complete, else run. */
        mode: z.enum(['auto', 'run', 'read']).default('auto'),
        /** A vitest/Jest JSON results file (the one `.ci/run`'s `npm test` writes). */
        results: z.string().min(1).default('reports/test-results.json'),
      })
      .prefault({}),
    performance: z
      .strictObject({
        dbAvgMs: z.number().min(0).default(100),
        /** Each route's limit on its average and p95 latency (ms), unless the request sets its own. */
        apiAvgMs: z.number().min(0).default(500),
        minRequestsPerSecond: z.number().min(0).default(50),
        maxRssMb: z.number().min(1).default(512),
        /** How to start the service; it gets DATABASE_URL, HOST and PORT=0 and must print its URL. */
        command: z.array(z.string().min(1)).min(1).default(['node', 'bin/hermes.js', 'serve']),
        requests: z
          .array(
            z.strictObject({
              method: z.enum(['GET', 'POST', 'PUT', 'DELETE']).default('GET'),
              path: z.string().startsWith('/'),
              body: z.string().optional(),
              contentType: z.string().default('application/json'),
              /** This route's limit on its average and p95 latency (ms); default `apiAvgMs`. */
              maxLatencyMs: z.number().min(0).optional(),
            }),
          )
          .min(1)
          .default([{ method: 'GET', path: '/health/database', contentType: 'application/json' }]),
        durationSeconds: z.int().min(1).max(300).default(5),
        connections: z.int().min(1).max(1_000).default(10),
        dbIterations: z.int().min(1).max(10_000).default(200),
        startTimeoutMs: z.int().min(1_000).default(30_000),
      })
      .prefault({}),
  })
  .prefault({});

const env = z
  .strictObject({
    variables: z
      .strictObject({
        required: z
          .strictObject({
            // Development and test run on the embedded database, so nothing is required there.
            development: z.array(z.string()).default([]),
            test: z.array(z.string()).default([]),
            staging: z.array(z.string()).default(specVariables),
            production: z.array(z.string()).default(specVariables),
          })
          .prefault({}),
        nodeEnvValues: z.array(z.string()).min(1).default(['development', 'test', 'production']),
        vercelEnvValues: z.array(z.string()).min(1).default(['development', 'preview', 'production']),
      })
      .prefault({}),
  })
  .prefault({});

export const gateThresholdsSection = z
  .strictObject({
    code,
    security,
    db,
    tests,
    env,
    build: buildThresholds,
    deploy: deployThresholds,
    e2e: e2eThresholds,
    perf: perfThresholds,
  })
  .prefault({});

export type GateThresholds = z.output<typeof gateThresholdsSection>;

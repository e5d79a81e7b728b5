import { z } from 'zod';

/**
 * Thresholds and settings of the built-in gates (`gates.thresholds` in hermes.yaml), grouped by
 * gate family. Every number defaults to the one in spec/quality-gates.md; see `hermes gates explain`.
 */

const count = z.int().min(0);
const percent = z.number().min(0).max(100);
const paths = z.array(z.string().min(1)).min(1);
const environment = z.enum(['development', 'test', 'staging', 'production']);

/** A query the schema must serve with an index (its EXPLAIN plan is judged). */
const namedQuery = z.strictObject({ name: z.string().min(1), sql: z.string().min(1) });

/** §1.3.3's two queries, also the default query patterns of db.schema.indexes. */
const specQueries = [
  { name: 'email lookup', sql: "SELECT * FROM hermes_leads WHERE email = 'test@example.com'" },
  {
    name: 'created_at range',
    sql: "SELECT * FROM hermes_leads WHERE created_at > NOW() - INTERVAL '1 day'",
  },
];

const specVariables = ['DATABASE_URL', 'POSTGRES_URL', 'NODE_ENV', 'VERCEL_ENV'];

const code = z
  .strictObject({
    lint: z.strictObject({ maxErrors: count.default(0), patterns: paths.default(['.']) }).prefault({}),
    types: z
      .strictObject({ maxErrors: count.default(0), project: z.string().min(1).default('tsconfig.json') })
      .prefault({}),
    format: z.strictObject({ maxUnformatted: count.default(0), patterns: paths.default(['.']) }).prefault({}),
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
  })
  .prefault({});

const db = z
  .strictObject({
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
        /** A git ref whose package.json holds the deployed version; unset: the newest tag. */
        baselineRef: z.string().min(1).optional(),
      })
      .prefault({}),
    foreignKeys: z.strictObject({ requireIndex: z.boolean().default(true) }).prefault({}),
    indexes: z.strictObject({ queries: z.array(namedQuery).default(specQueries) }).prefault({}),
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
        queries: z.array(namedQuery).default(specQueries),
      })
      .prefault({}),
    connectivity: z.strictObject({ requireSslIn: z.array(environment).default(['production']) }).prefault({}),
  })
  .prefault({});

const tests = z
  .strictObject({
    unit: z
      .strictObject({
        passRate: percent.default(100),
        maxDurationMs: z.int().min(1).default(30_000),
        project: z.string().min(1).default('unit'),
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
      })
      .prefault({}),
    integration: z
      .strictObject({
        passRate: percent.default(100),
        project: z.string().min(1).default('integration'),
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

export const gateThresholdsSection = z.strictObject({ code, security, db, tests, env }).prefault({});

export type GateThresholds = z.output<typeof gateThresholdsSection>;

import type { FastifyInstance } from 'fastify';
import { redactUrl } from '../../../config/redact.ts';
import type { HermesConfig } from '../../../config/schema.ts';
import type { Database } from '../../../db/open-database.ts';
import { HermesError } from '../../../errors/hermes-error.ts';
import { buildServer } from '../../../intake/build-server.ts';
import { findProblems } from '../../../migrations/migration-status.ts';
import { chooseLogFormat, createLogger, type Logger } from '../../../observability/logger.ts';
import { createMetricsRegistry } from '../../../observability/metrics-registry.ts';
import type { DeliveryWorker } from '../../../delivery/delivery-worker.ts';
import { startServeWorker } from '../../../delivery/start-serve-worker.ts';
import type { CliContext } from '../../context.ts';
import { createMigrator } from '../migrate/create-migrator.ts';
import { withDatabase } from '../../with-database.ts';
import { withMigrationDatabase } from '../../with-migration-database.ts';
import { serviceApplicationNames } from '../../../db/service-sessions.ts';
import { adminKeysWarning } from './admin-keys-warning.ts';
import { dataKeyWarning } from '../../../leads/encryption/resolve-data-keys.ts';
import { followReleaseRole } from './release-role.ts';
import { resolveFaults } from '../../../intake/faults/fault-spec.ts';

/**
 * Applies pending migrations when allowed (always on the embedded database by default), else refuses
 * to serve an old schema. Returns the versions of this release's migrations, which /readyz checks.
 */
async function prepareSchema(
  ctx: CliContext,
  db: Database,
  config: Readonly<HermesConfig>,
  migrate: boolean,
): Promise<string[]> {
  const migrator = createMigrator(ctx, db);
  const versions = migrator.files().map((f) => f.version);
  const { applyOnStart } = config.migrations;
  if (migrate || applyOnStart === 'always' || (applyOnStart === 'embedded' && db.embedded)) {
    // As the schema's owner (database.migrationUrl) when it is not the role serving; the embedded
    // database has one role, and this process holds it.
    const run =
      db.embedded || config.database.migrationUrl === undefined
        ? await migrator.up()
        : await withMigrationDatabase(ctx, (owner) => createMigrator(ctx, owner).up());
    const applied = (run.results ?? []).filter((r) => r.status === 'success').length;
    if (applied > 0) ctx.output.error(`hermes: applied ${applied} migration${applied > 1 ? 's' : ''}`);
    if (run.error) throw run.error;
    return versions;
  }
  // A missing down file does not stop serving; anything else means the schema is not this code's.
  const problems = findProblems(await migrator.status()).filter((p) => p.kind !== 'no_down');
  if (problems.length > 0) {
    throw new HermesError(
      'schema_not_ready',
      'the database schema does not match this version: run `hermes migrate up` first, or `hermes serve --migrate`',
      { details: problems.map((p) => p.message) },
    );
  }
  return versions;
}

/**
 * Closes the server, giving in-flight requests `graceMs`; then drops the connections still open
 * (a client that never finishes its request must not hold the exit). False when time ran out.
 */
async function closeWithin(app: FastifyInstance, graceMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const closing = app.close();
  try {
    const closed = await Promise.race([closing.then(() => true as const), timedOut]);
    if (!closed) {
      app.server.closeAllConnections();
      await closing;
    }
    return closed;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts the delivery worker when this release is live; a standby release (blue/green) starts it
 * when it turns live, and pauses it when it turns standby again.
 */
function followRole(
  roleFile: string | null,
  logger: Logger,
  delivery: { worker?: DeliveryWorker | undefined },
  start: () => DeliveryWorker | undefined,
): { ready: Promise<void>; stop(): void } {
  if (roleFile === null) {
    delivery.worker = start();
    return { ready: Promise.resolve(), stop: () => undefined };
  }
  return followReleaseRole(roleFile, logger, async (role) => {
    if (role === 'standby') return delivery.worker?.pause();
    if (delivery.worker) delivery.worker.resume();
    else delivery.worker = start();
  });
}

export interface ServeOptions {
  migrate?: boolean;
  port?: number;
  /** `--pretty` / `--no-pretty`; undefined: `log.format` decides. */
  pretty?: boolean;
}

/** `hermes serve`: migrate (or check) the schema, listen, deliver, and shut down in order on a signal. */
export function runServe(
  ctx: CliContext,
  opts: ServeOptions,
  signalled: Promise<NodeJS.Signals>,
): Promise<void> {
  // A malformed HERMES_FAULTS, or faults in production without faults.allowInProduction: exit 2, before the database opens.
  const faultSpec = resolveFaults(process.env.HERMES_FAULTS, {
    config: ctx.config(),
    nodeEnv: process.env.NODE_ENV,
  });
  // Production without a data key of its own refuses to start (exit 2) before the database opens.
  const noDataKey = dataKeyWarning(ctx.config());
  return withDatabase(
    ctx,
    async (db) => {
      const config = ctx.config();
      const format = chooseLogFormat({
        flag: opts.pretty,
        configured: config.log.format,
        environment: config.environment,
        // Undefined, not false, when stdout is not a terminal: falsy all the same.
        stdoutIsTerminal: process.stdout.isTTY,
      });
      const logger = createLogger(config.log.level, undefined, { format });
      const noKeys = adminKeysWarning(config.admin);
      for (const warning of [noDataKey, noKeys]) {
        if (warning === undefined) continue;
        logger.warn(warning);
        // A pretty log is on the terminal already: said once there. JSON lines are for machines.
        if (format !== 'pretty' || !logger.isLevelEnabled('warn'))
          ctx.output.error(`hermes: warning: ${warning}`);
      }
      const expectedMigrations = await prepareSchema(ctx, db, config, opts.migrate ?? false);
      const metrics = createMetricsRegistry();
      // Started when this release is live; the intake wakes it after each committed lead.
      const delivery: { worker?: DeliveryWorker | undefined } = {};
      const onLeadCommitted = () => delivery.worker?.wake();
      const app = await buildServer({
        config,
        db,
        logger,
        metrics,
        onLeadCommitted,
        expectedMigrations,
        faults: faultSpec && { spec: faultSpec },
      });
      // Before listening: the target signals (SIGUSR2) a release it has seen answer /readyz.
      const role = followRole(config.server.roleFile, logger, delivery, () =>
        startServeWorker({ config, db, logger, metrics }),
      );
      await role.ready;
      const port = opts.port ?? config.server.port;
      try {
        await app.listen({ host: config.server.host, port });
      } catch (error) {
        role.stop();
        await delivery.worker?.stop();
        throw error;
      }
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const where = db.embedded ? `embedded PostgreSQL in ${config.embedded.dataDir}` : redactUrl(db.url);
      // The schema is ready: from now on `hermes leads show` & co. reach this database through its socket.
      const withdraw = await db.share?.();
      ctx.output.line(`Hermes listening on http://${config.server.host}:${actualPort} (database: ${where})`);
      const signal = await signalled;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      // No command starts on a database about to close.
      await withdraw?.();
      // In-flight requests get shutdownGraceMs; a request stuck on a dead connection must not hold the exit.
      const closed = await closeWithin(app, config.server.shutdownGraceMs);
      if (!closed)
        logger.warn({ graceMs: config.server.shutdownGraceMs }, 'shutdown grace elapsed: closing anyway');
      role.stop();
      await delivery.worker?.stop();
    },
    () => ctx.openDatabase(serviceApplicationNames.serve),
  );
}

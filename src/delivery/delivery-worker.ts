import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { HermesConfig } from '../config/schema.ts';
import { isConnectionFailure } from '../db/database-error.ts';
import type { Queryable } from '../db/queryable.ts';
import { HermesError } from '../errors/hermes-error.ts';
import type { Logger } from '../observability/logger.ts';
import { isFinal } from './attempt-outcome.ts';
import { AttemptWriter } from './attempt-writer.ts';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import type { ClaimedRow } from './claimed-row.ts';
import { deliveryMetrics, type DeliveryMetrics } from './delivery-metrics.ts';
import { leadPayload } from './lead-payload.ts';
import { listenForOutbox, type OutboxListener } from './outbox-listener.ts';
import { retryDelayMs } from './retry-delay.ts';
import { sendWebhook } from './send-webhook.ts';
import { claimDueRows } from './sql/claim-due-rows.ts';
import { claimProbeRow } from './sql/claim-probe-row.ts';
import type { AttemptResult } from './sql/finish-attempts.ts';
import { releaseBacklog } from './sql/release-backlog.ts';
import { WakeSignal } from './wake-signal.ts';
import { webhookTarget } from './webhook-target.ts';

export interface DeliveryWorkerOptions {
  readonly db: Queryable;
  readonly n8n: HermesConfig['n8n'];
  readonly delivery: HermesConfig['delivery'];
  readonly logger: Logger;
  /** The server's registry: the delivery metrics are registered there. */
  readonly metrics?: Registry;
  /** A real PostgreSQL's URL: LISTEN there. Unset (embedded database): in-process wake-ups and polling. */
  readonly listenUrl?: string;
  readonly workerId?: string;
}

export interface DeliveryWorker {
  readonly id: string;
  readonly circuitState: CircuitState;
  /** A lead was committed in this process: look for due rows now. */
  wake(): void;
  /** Stops claiming, lets deliveries in flight finish, and closes the LISTEN connection. */
  stop(): Promise<void>;
}

const maxDatabaseBackoffMs = 5_000;

/** Makes the database write an attempt's result, retrying through a restart while the lease lasts. */
async function persist(write: () => Promise<unknown>, deadline: number): Promise<void> {
  for (let waitMs = 100; ; waitMs = Math.min(waitMs * 2, 2_000)) {
    try {
      await write();
      return;
    } catch (error) {
      if (!isConnectionFailure(error) || Date.now() + waitMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

/**
 * The outbox worker: claims due rows under a lease, POSTs each to n8n (never inside a transaction),
 * records every attempt, retries on the schedule, dead-letters, and stops hammering a failing n8n
 * with a circuit breaker whose successful probe makes the whole backlog due at once.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const { db, delivery, logger } = options;
  const target = webhookTarget(options.n8n);
  if (delivery.lease <= options.n8n.timeoutMs) {
    throw new HermesError(
      'config_invalid',
      `delivery.lease (${String(delivery.lease)} ms) must be longer than n8n.timeoutMs (${String(options.n8n.timeoutMs)} ms), or a slow delivery is taken by another worker while it runs`,
    );
  }
  const id = options.workerId ?? `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`;
  const log = logger.child({ worker: id });
  const metrics: DeliveryMetrics | undefined = options.metrics
    ? deliveryMetrics(options.metrics, db)
    : undefined;
  const breaker = new CircuitBreaker({
    failureThreshold: delivery.circuitBreaker.failureThreshold,
    cooldownMs: delivery.circuitBreaker.cooldown,
    maxCooldownMs: delivery.circuitBreaker.maxCooldown,
    onChange(state) {
      metrics?.setCircuitState(state);
      if (state === 'open')
        log.warn({ circuit: state }, 'delivery: n8n keeps failing; circuit open, probing instead');
      else log.info({ circuit: state }, `delivery: circuit ${state}`);
    },
  });
  const signal = new WakeSignal();
  const writer = new AttemptWriter(db);
  const claimAtLeast = Math.max(1, Math.min(delivery.batchSize, Math.floor(delivery.concurrency / 4)));
  const inflight = new Set<Promise<void>>();
  let waitingForSlot = false;
  let stopping = false;
  let databaseDown = false;
  // Set when n8n answers again after failures; cleared once the release is written.
  let releaseWanted = false;
  let releasedAt = 0;
  // When this worker last heard from n8n (or tried to): a quiet worker probes every maxCooldown.
  let lastContactAt = Date.now();

  async function deliver(row: ClaimedRow, probe: boolean): Promise<void> {
    const deadline = Date.now() + delivery.lease;
    const attemptedAt = new Date();
    lastContactAt = Date.now();
    const sent = await sendWebhook(target, row.delivery_id, JSON.stringify(leadPayload(row)));
    lastContactAt = Date.now();
    const attempt = row.attempts + 1;
    let result: AttemptResult;
    let retryInMs: number | null = null;
    if (sent.outcome === 'delivered') result = 'delivered';
    else if (sent.outcome === 'payload_too_large') result = 'dead';
    else if (!row.due) result = 'probe_failed';
    else {
      retryInMs = retryDelayMs(attempt, delivery.retrySchedule, delivery.jitter);
      result = retryInMs === null ? 'dead' : 'retry';
    }
    metrics?.deliveries.inc({ outcome: sent.outcome });
    metrics?.duration.observe({ outcome: sent.outcome }, sent.latencyMs / 1000);
    if (result === 'dead') metrics?.dead.inc();
    // A success ending a failure streak (or a probe's) means n8n is back: the backlog is due now,
    // whether or not the failures were enough to open the circuit.
    // Outside a circuit close, at most once per maxCooldown: a flapping n8n (429s between
    // successes) must not run the released rows through their whole schedule in minutes.
    let recovered = false;
    if (isFinal(sent.outcome)) {
      const streakEnded = breaker.consecutiveFailures > 0 || probe;
      const closed = breaker.recordSuccess();
      recovered = closed || (streakEnded && Date.now() - releasedAt >= delivery.circuitBreaker.maxCooldown);
    } else breaker.recordFailure();

    await persist(
      () =>
        writer.write({
          outboxId: row.outbox_id,
          deliveryId: row.delivery_id,
          attempt,
          probe,
          workerId: id,
          attemptedAt,
          latencyMs: sent.latencyMs,
          statusCode: sent.statusCode,
          outcome: sent.outcome,
          result,
          error: sent.error,
          responseExcerpt: sent.responseExcerpt,
          retryInMs,
        }),
      deadline,
    );
    const facts = { lead_id: row.lead_id, attempt, outcome: sent.outcome, status: sent.statusCode, result };
    if (result === 'delivered') log.debug(facts, 'delivery: delivered');
    else if (result === 'dead') log.error({ ...facts, error: sent.error }, 'delivery: dead letter');
    else log.warn({ ...facts, error: sent.error, retry_in_ms: retryInMs }, 'delivery: attempt failed');

    if (recovered) {
      releasedAt = Date.now();
      releaseWanted = true;
      signal.notify();
    }
  }

  /** Makes the backlog due; on failure the flag stays set and the run loop tries again. */
  async function releaseIfWanted(): Promise<void> {
    if (!releaseWanted) return;
    releaseWanted = false;
    try {
      const released = await releaseBacklog(db);
      log.info({ released }, 'delivery: n8n answers again; the backlog is due now');
    } catch (error) {
      releaseWanted = true;
      throw error;
    }
  }

  function launch(row: ClaimedRow, probe: boolean): Promise<void> {
    const running = deliver(row, probe)
      .catch((error: unknown) => {
        // The row stays leased; another claim takes it when the lease ends.
        log.error(
          { lead_id: row.lead_id, err: error },
          'delivery: could not record the outcome of an attempt',
        );
      })
      .finally(() => {
        inflight.delete(running);
        if (waitingForSlot) signal.notify();
      });
    inflight.add(running);
    return running;
  }

  async function probeOnce(): Promise<void> {
    const row = await claimProbeRow(db, { leaseMs: delivery.lease, workerId: id });
    if (!row) {
      breaker.probeSkipped();
      await signal.wait(delivery.pollIntervalMs);
      return;
    }
    log.info({ lead_id: row.lead_id, due: row.due }, 'delivery: probing n8n');
    await launch(row, true);
  }

  async function claimAndLaunch(): Promise<void> {
    const free = delivery.concurrency - inflight.size;
    // Claim for several slots at once: a claim per freed slot would cost a round trip per delivery.
    if (free < claimAtLeast) {
      waitingForSlot = true;
      await signal.wait(delivery.pollIntervalMs);
      waitingForSlot = false;
      return;
    }
    const limit = Math.min(free, delivery.batchSize);
    const rows = await claimDueRows(db, { limit, leaseMs: delivery.lease, workerId: id });
    for (const row of rows) void launch(row, false);
    // Nothing due, but rows may wait for a retry hours away: probe n8n now and then, so its
    // recovery releases them without waiting for new traffic.
    if (
      rows.length === 0 &&
      inflight.size === 0 &&
      Date.now() - lastContactAt >= delivery.circuitBreaker.maxCooldown
    ) {
      const row = await claimProbeRow(db, { leaseMs: delivery.lease, workerId: id });
      if (row) {
        log.info({ lead_id: row.lead_id, due: row.due }, 'delivery: probing n8n for the waiting rows');
        await launch(row, true);
        return;
      }
      lastContactAt = Date.now();
    }
    // Fewer than asked: nothing more is due; wait for a commit, a notification or the poll.
    if (rows.length < limit) await signal.wait(delivery.pollIntervalMs);
  }

  async function run(): Promise<void> {
    let backoffMs = 100;
    while (!stopping) {
      try {
        await releaseIfWanted();
        if (breaker.state === 'closed') await claimAndLaunch();
        else if (breaker.tryProbe()) await probeOnce();
        else await signal.wait(Math.max(1, Math.min(breaker.msUntilProbe(), delivery.pollIntervalMs)));
        if (databaseDown) log.info('delivery: database reachable again');
        databaseDown = false;
        backoffMs = 100;
      } catch (error) {
        if (!databaseDown) log.warn({ err: error }, 'delivery: cannot claim outbox rows; retrying');
        databaseDown = true;
        breaker.probeSkipped();
        await signal.wait(backoffMs);
        backoffMs = Math.min(backoffMs * 2, maxDatabaseBackoffMs);
      }
    }
  }

  const listener: OutboxListener | undefined =
    options.listenUrl === undefined
      ? undefined
      : listenForOutbox(options.listenUrl, () => signal.notify(), log);
  const loop = run();
  log.info({ concurrency: delivery.concurrency }, 'delivery: worker started');

  return {
    id,
    get circuitState() {
      return breaker.state;
    },
    wake: () => signal.notify(),
    async stop() {
      stopping = true;
      signal.notify();
      await loop;
      await Promise.all(inflight);
      await listener?.close();
      log.info('delivery: worker stopped');
    },
  };
}

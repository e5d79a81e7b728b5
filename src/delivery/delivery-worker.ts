import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Registry } from 'prom-client';
import type { HermesConfig } from '../config/schema.ts';
import { isConnectionFailure } from '../db/database-error.ts';
import type { Queryable } from '../db/queryable.ts';
import type { Logger } from '../observability/logger.ts';
import type { DataKeyRing } from '../leads/encryption/field-cipher.ts';
import { decryptLeadRow } from '../leads/encryption/lead-fields.ts';
import { catchCode } from '../errors/hermes-error.ts';
import { isFinal, type AttemptOutcome } from './attempt-outcome.ts';
import { AttemptWriter } from './attempt-writer.ts';
import { shouldReleaseBacklog } from './backlog-release.ts';
import { checkLeaseOutlastsTimeout } from './check-lease.ts';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.ts';
import type { ClaimedRow } from './claimed-row.ts';
import { decideAttemptResult, type AttemptDecision } from './decide-attempt-result.ts';
import { deliveryMetrics, type DeliveryMetrics } from './delivery-metrics.ts';
import { leadPayload } from './lead-payload.ts';
import { listenForOutbox, type OutboxListener } from './outbox-listener.ts';
import { sendWebhook, type SentWebhook, type WebhookTarget } from './send-webhook.ts';
import { claimDueRows } from './sql/claim-due-rows.ts';
import { claimProbeRow } from './sql/claim-probe-row.ts';
import { releaseBacklog } from './sql/release-backlog.ts';
import { WakeSignal } from './wake-signal.ts';
import { webhookTarget } from './webhook-target.ts';
import {
  claimLimit,
  firstDatabaseBackoffMs,
  minimumClaim,
  nextDatabaseBackoffMs,
  openCircuitWaitMs,
  persistRetryMs,
  shouldProbeIdle,
} from './worker-pacing.ts';

export interface DeliveryWorkerOptions {
  readonly db: Queryable;
  readonly n8n: HermesConfig['n8n'];
  readonly delivery: HermesConfig['delivery'];
  readonly logger: Logger;
  /** Decrypt each lead's phone number and description: n8n receives them in plaintext. */
  readonly dataKeys: DataKeyRing;
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
  /**
   * Stops claiming until `resume()` and resolves once the deliveries in flight have finished: a
   * standby release (the blue/green colour traffic left) keeps its process warm but delivers nothing.
   */
  pause(): Promise<void>;
  resume(): void;
  readonly paused: boolean;
}

/** Makes the database write an attempt's result, retrying through a restart while the lease lasts. */
async function persist(write: () => Promise<unknown>, deadline: number): Promise<void> {
  for (let waitMs: number | undefined; ;) {
    try {
      await write();
      return;
    } catch (error) {
      const next = persistRetryMs(waitMs, isConnectionFailure(error), deadline - Date.now());
      if (next === null) throw error;
      waitMs = next;
      await new Promise((resolve) => setTimeout(resolve, next));
    }
  }
}

function logAttempt(
  log: Logger,
  row: ClaimedRow,
  attempt: number,
  sent: SentWebhook,
  decision: AttemptDecision,
): void {
  const { result, retryInMs } = decision;
  const facts = { lead_id: row.lead_id, attempt, outcome: sent.outcome, status: sent.statusCode, result };
  if (result === 'delivered') log.debug(facts, 'delivery: delivered');
  else if (result === 'dead') log.error({ ...facts, error: sent.error }, 'delivery: dead letter');
  else log.warn({ ...facts, error: sent.error, retry_in_ms: retryInMs }, 'delivery: attempt failed');
}

function circuitBreaker(
  delivery: HermesConfig['delivery'],
  log: Logger,
  metrics: DeliveryMetrics | undefined,
): CircuitBreaker {
  return new CircuitBreaker({
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
}

/**
 * The run loop and its state. Each method is one step; what to decide at each step (the attempt's
 * result, the backlog release, how much to claim, when to probe) is in the pure modules it calls.
 */
class OutboxWorker implements DeliveryWorker {
  readonly id: string;
  readonly #signal = new WakeSignal();
  readonly #inflight = new Set<Promise<void>>();
  readonly #breaker: CircuitBreaker;
  #stopping = false;
  #paused = false;
  // pause() callers waiting for the loop to stop between claims (a claim under way still launches).
  #parkWaiters: (() => void)[] = [];
  #loop: Promise<void> = Promise.resolve();
  #listener: OutboxListener | undefined;
  readonly #db: Queryable;
  readonly #dataKeys: DataKeyRing;
  readonly #delivery: HermesConfig['delivery'];
  readonly #target: WebhookTarget;
  readonly #log: Logger;
  readonly #metrics: DeliveryMetrics | undefined;
  readonly #writer: AttemptWriter;
  readonly #minimumClaim: number;
  #waitingForSlot = false;
  #databaseDown = false;
  // Set when n8n answers again after failures; cleared once the release is written.
  #releaseWanted = false;
  #releasedAt = 0;
  // When this worker last heard from n8n (or tried to): a quiet worker probes every maxCooldown.
  #lastContactAt = Date.now();

  constructor(options: DeliveryWorkerOptions, target: WebhookTarget, id: string, log: Logger) {
    this.#db = options.db;
    this.#dataKeys = options.dataKeys;
    this.#delivery = options.delivery;
    this.#target = target;
    this.id = id;
    this.#log = log;
    this.#metrics = options.metrics ? deliveryMetrics(options.metrics, options.db) : undefined;
    this.#breaker = circuitBreaker(options.delivery, log, this.#metrics);
    this.#writer = new AttemptWriter(options.db);
    this.#minimumClaim = minimumClaim(options.delivery.concurrency, options.delivery.batchSize);
  }

  get circuitState(): CircuitState {
    return this.#breaker.state;
  }

  /** LISTENs (on a real PostgreSQL) and starts the run loop. */
  start(listenUrl: string | undefined): void {
    if (listenUrl !== undefined) this.#listener = listenForOutbox(listenUrl, () => this.wake(), this.#log);
    this.#loop = this.#run();
    this.#log.info({ concurrency: this.#delivery.concurrency }, 'delivery: worker started');
  }

  wake(): void {
    this.#signal.notify();
  }

  get paused(): boolean {
    return this.#paused;
  }

  async pause(): Promise<void> {
    if (!this.#paused) this.#log.info('delivery: paused (standby)');
    this.#paused = true;
    if (!this.#stopping) {
      const parked = new Promise<void>((resolve) => this.#parkWaiters.push(resolve));
      this.#signal.notify();
      await parked;
    }
    await Promise.all(this.#inflight);
  }

  resume(): void {
    if (this.#paused) this.#log.info('delivery: resumed');
    this.#paused = false;
    // A pause() the loop had not parked for yet is over: it waits only for the deliveries in flight.
    for (const parked of this.#parkWaiters.splice(0)) parked();
    this.#signal.notify();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.#signal.notify();
    await this.#loop;
    for (const parked of this.#parkWaiters.splice(0)) parked();
    await Promise.all(this.#inflight);
    await this.#listener?.close();
    this.#log.info('delivery: worker stopped');
  }

  async #run(): Promise<void> {
    let backoffMs = firstDatabaseBackoffMs;
    while (!this.#stopping) {
      try {
        await this.#step();
        if (this.#databaseDown) this.#log.info('delivery: database reachable again');
        this.#databaseDown = false;
        backoffMs = firstDatabaseBackoffMs;
      } catch (error) {
        if (!this.#databaseDown)
          this.#log.warn({ err: error }, 'delivery: cannot claim outbox rows; retrying');
        this.#databaseDown = true;
        this.#breaker.probeSkipped();
        await this.#signal.wait(backoffMs);
        backoffMs = nextDatabaseBackoffMs(backoffMs);
      }
    }
  }

  async #step(): Promise<void> {
    // Paused: only resume() or stop() wakes it (the poll interval bounds a missed notify).
    if (this.#paused) {
      for (const parked of this.#parkWaiters.splice(0)) parked();
      return this.#signal.wait(this.#delivery.pollIntervalMs);
    }
    await this.#releaseIfWanted();
    if (this.#breaker.state === 'closed') await this.#claimAndLaunch();
    else if (this.#breaker.tryProbe()) await this.#probeOnce();
    else
      await this.#signal.wait(openCircuitWaitMs(this.#breaker.msUntilProbe(), this.#delivery.pollIntervalMs));
  }

  /** Makes the backlog due; on failure the flag stays set and the run loop tries again. */
  async #releaseIfWanted(): Promise<void> {
    if (!this.#releaseWanted) return;
    this.#releaseWanted = false;
    try {
      const released = await releaseBacklog(this.#db);
      this.#log.info({ released }, 'delivery: n8n answers again; the backlog is due now');
    } catch (error) {
      this.#releaseWanted = true;
      throw error;
    }
  }

  async #claimAndLaunch(): Promise<void> {
    const { concurrency, batchSize, lease, pollIntervalMs } = this.#delivery;
    const limit = claimLimit({
      concurrency,
      batchSize,
      inflight: this.#inflight.size,
      minimum: this.#minimumClaim,
    });
    if (limit === null) {
      this.#waitingForSlot = true;
      await this.#signal.wait(pollIntervalMs);
      this.#waitingForSlot = false;
      return;
    }
    const rows = await claimDueRows(this.#db, { limit, leaseMs: lease, workerId: this.id });
    for (const row of rows) void this.#launch(row, false);
    const idle = shouldProbeIdle({
      claimed: rows.length,
      inflight: this.#inflight.size,
      msSinceContact: Date.now() - this.#lastContactAt,
      intervalMs: this.#delivery.circuitBreaker.maxCooldown,
    });
    if (idle && (await this.#probeIdle())) return;
    // Fewer than asked: nothing more is due; wait for a commit, a notification or the poll.
    if (rows.length < limit) await this.#signal.wait(pollIntervalMs);
  }

  /** Probes with a waiting row, if any; false: there is none. */
  async #probeIdle(): Promise<boolean> {
    const row = await claimProbeRow(this.#db, { leaseMs: this.#delivery.lease, workerId: this.id });
    if (!row) {
      this.#lastContactAt = Date.now();
      return false;
    }
    this.#log.info({ lead_id: row.lead_id, due: row.due }, 'delivery: probing n8n for the waiting rows');
    await this.#launch(row, true);
    return true;
  }

  /** The half-open circuit's one probe. */
  async #probeOnce(): Promise<void> {
    const row = await claimProbeRow(this.#db, { leaseMs: this.#delivery.lease, workerId: this.id });
    if (!row) {
      this.#breaker.probeSkipped();
      await this.#signal.wait(this.#delivery.pollIntervalMs);
      return;
    }
    this.#log.info({ lead_id: row.lead_id, due: row.due }, 'delivery: probing n8n');
    await this.#launch(row, true);
  }

  #launch(row: ClaimedRow, probe: boolean): Promise<void> {
    const running = this.#deliver(row, probe)
      .catch((error: unknown) => {
        // The row stays leased; another claim takes it when the lease ends.
        this.#log.error(
          { lead_id: row.lead_id, err: error },
          'delivery: could not record the outcome of an attempt',
        );
      })
      .finally(() => {
        this.#inflight.delete(running);
        if (this.#waitingForSlot) this.#signal.notify();
      });
    this.#inflight.add(running);
    return running;
  }

  /** The JSON body n8n receives, the lead's encrypted fields decrypted; undefined when they cannot be. */
  #payloadOf(row: ClaimedRow): string | undefined {
    const read = catchCode('data_undecryptable', () =>
      JSON.stringify(leadPayload(decryptLeadRow(this.#dataKeys, row))),
    );
    if (read.ok) return read.value;
    // The message names the lead, the column and the key id, never the value.
    this.#log.error(
      { lead_id: row.lead_id, err: read.error },
      'delivery: cannot decrypt the lead; it waits in the outbox until its key is configured (HERMES_DATA_KEY)',
    );
    return undefined;
  }

  /** One attempt: send (never inside a transaction), decide, count, record, log. */
  async #deliver(row: ClaimedRow, probe: boolean): Promise<void> {
    const deadline = Date.now() + this.#delivery.lease;
    const body = this.#payloadOf(row);
    // Not sent, not counted: the row stays leased and is claimed again when its lease ends, by
    // this worker once its key is configured, or by one that holds it. The lead is never lost.
    if (body === undefined) {
      // A probe that could not be sent proved nothing about n8n: probe again with another row.
      if (probe) this.#breaker.probeSkipped();
      return;
    }
    const attemptedAt = new Date();
    this.#lastContactAt = Date.now();
    const sent = await sendWebhook(this.#target, row.delivery_id, body);
    this.#lastContactAt = Date.now();
    const attempt = row.attempts + 1;
    const decision = decideAttemptResult({ outcome: sent.outcome, due: row.due, attempt }, this.#delivery);
    this.#count(sent, decision);
    const release = this.#noteAnswer(sent.outcome, probe);
    await persist(
      () =>
        this.#writer.write({
          outboxId: row.outbox_id,
          deliveryId: row.delivery_id,
          attempt,
          probe,
          workerId: this.id,
          attemptedAt,
          latencyMs: sent.latencyMs,
          statusCode: sent.statusCode,
          outcome: sent.outcome,
          result: decision.result,
          retryInMs: decision.retryInMs,
          error: sent.error,
          responseExcerpt: sent.responseExcerpt,
        }),
      deadline,
    );
    logAttempt(this.#log, row, attempt, sent, decision);
    if (release) {
      this.#releasedAt = Date.now();
      this.#releaseWanted = true;
      this.#signal.notify();
    }
  }

  #count(sent: SentWebhook, decision: AttemptDecision): void {
    this.#metrics?.deliveries.inc({ outcome: sent.outcome });
    this.#metrics?.duration.observe({ outcome: sent.outcome }, sent.latencyMs / 1000);
    if (decision.result === 'dead') this.#metrics?.dead.inc();
  }

  /** Tells the circuit breaker how n8n answered; true: the backlog should be released. */
  #noteAnswer(outcome: AttemptOutcome, probe: boolean): boolean {
    if (!isFinal(outcome)) {
      this.#breaker.recordFailure();
      return false;
    }
    const failuresBefore = this.#breaker.consecutiveFailures;
    return shouldReleaseBacklog({
      circuitClosed: this.#breaker.recordSuccess(),
      failuresBefore,
      probe,
      msSinceLastRelease: Date.now() - this.#releasedAt,
      minIntervalMs: this.#delivery.circuitBreaker.maxCooldown,
    });
  }
}

/**
 * The outbox worker: claims due rows under a lease, POSTs each to n8n (never inside a transaction),
 * records every attempt, retries on the schedule, dead-letters, and stops hammering a failing n8n
 * with a circuit breaker whose successful probe makes the whole backlog due at once.
 */
export function startDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  const target = webhookTarget(options.n8n);
  checkLeaseOutlastsTimeout(options.delivery.lease, options.n8n.timeoutMs);
  const id = options.workerId ?? `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`;
  const worker = new OutboxWorker(options, target, id, options.logger.child({ worker: id }));
  worker.start(options.listenUrl);
  return worker;
}

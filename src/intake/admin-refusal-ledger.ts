import type { Queryable } from '../db/queryable.ts';
import { purgeAdminRefusals } from './sql/purge-admin-refusals.ts';
import { recordAdminRefusals, type AdminRefusalCount } from './sql/record-admin-refusals.ts';

export interface AdminRefusalLedgerOptions {
  readonly db: Queryable;
  /** The counters' window: one row per client per window. */
  readonly windowMs: number;
  /** Windows older than this are deleted (at most once per window, on the first refusal in it). */
  readonly retentionDays: number;
  /** A failed write: the refusal is still answered, the count is lost. */
  readonly onError: (error: unknown) => void;
}

interface Batch {
  readonly count: { client: string; windowStart: Date; attempts: number; rateLimited: number };
  readonly written: Promise<void>;
}

/**
 * Refused admin requests, counted into hermes_ops.admin_refusals per client and window rather
 * than one row each. Refusals that arrive while the client's previous write is in flight are
 * added up and written together: a flood from one client holds at most one pool connection
 * (the pool also serves the contact form), not one per request.
 */
export class AdminRefusalLedger {
  readonly #options: AdminRefusalLedgerOptions;
  /** Batches not yet being written: a refusal joins its client's open batch. */
  readonly #open = new Map<string, Batch>();
  /** Each client's latest write, so that its writes run one after another. */
  readonly #tails = new Map<string, Promise<void>>();
  #purgedWindowMs = -1;

  constructor(options: AdminRefusalLedgerOptions) {
    this.#options = options;
  }

  /** Counts one refusal; resolves once it is written (never rejects). */
  record(client: string, rateLimited: boolean, now = Date.now()): Promise<void> {
    const windowMs = Math.floor(now / this.#options.windowMs) * this.#options.windowMs;
    const key = `${client} ${windowMs}`;
    let batch = this.#open.get(key);
    if (!batch) {
      const count = { client, windowStart: new Date(windowMs), attempts: 0, rateLimited: 0 };
      const written = (this.#tails.get(key) ?? Promise.resolve()).then(() => this.#write(key, count));
      batch = { count, written };
      this.#open.set(key, batch);
      this.#tails.set(key, written);
      void written.then(() => {
        if (this.#tails.get(key) === written) this.#tails.delete(key);
      });
      this.#purgeBefore(windowMs);
    }
    batch.count.attempts += 1;
    if (rateLimited) batch.count.rateLimited += 1;
    return batch.written;
  }

  async #write(key: string, count: AdminRefusalCount): Promise<void> {
    // From here on, this client's refusals open the next batch.
    this.#open.delete(key);
    try {
      await recordAdminRefusals(this.#options.db, count);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  #purgeBefore(windowMs: number): void {
    if (windowMs <= this.#purgedWindowMs) return;
    this.#purgedWindowMs = windowMs;
    purgeAdminRefusals(this.#options.db, this.#options.retentionDays).catch(this.#options.onError);
  }
}

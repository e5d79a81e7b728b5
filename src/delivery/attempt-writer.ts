import { isConnectionFailure } from '../db/database-error.ts';
import type { Queryable } from '../db/queryable.ts';
import { finishAttempts, type FinishedAttempt } from './sql/finish-attempts.ts';

/** Text PostgreSQL accepts: no NUL byte (22021). Lone surrogates already become U+FFFD in UTF-8. */
function storable(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '');
}

function clean(attempt: FinishedAttempt): FinishedAttempt {
  return { ...attempt, error: storable(attempt.error), responseExcerpt: storable(attempt.responseExcerpt) };
}

interface Waiting {
  readonly attempt: FinishedAttempt;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit of attempt results: while one batch is being written, the results that finish
 * meanwhile wait and go together in the next statement. One round trip per batch instead of one
 * per delivery, with no timer adding latency when the worker is quiet.
 */
export class AttemptWriter {
  readonly #db: Queryable;
  readonly #maxBatch: number;
  #queue: Waiting[] = [];
  #writing = false;

  constructor(db: Queryable, maxBatch = 500) {
    this.#db = db;
    this.#maxBatch = maxBatch;
  }

  /** Resolves once the attempt is written; rejects with the statement's error. */
  write(attempt: FinishedAttempt): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ attempt: clean(attempt), resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.slice(0, this.#maxBatch);
      this.#queue = this.#queue.slice(batch.length);
      try {
        await finishAttempts(
          this.#db,
          batch.map((w) => w.attempt),
        );
        for (const w of batch) w.resolve();
      } catch (error) {
        if (batch.length === 1 || isConnectionFailure(error)) for (const w of batch) w.reject(error);
        // One row the database refuses must not leave the others unrecorded (and re-sent).
        else await this.#writeEach(batch);
      }
    }
    this.#writing = false;
  }

  async #writeEach(batch: readonly Waiting[]): Promise<void> {
    for (const w of batch) {
      try {
        await finishAttempts(this.#db, [w.attempt]);
        w.resolve();
      } catch (error) {
        w.reject(error);
      }
    }
  }
}

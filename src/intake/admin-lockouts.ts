/**
 * Clients over their refused-attempts budget, each until its window ends. Bounded: past
 * `capacity` clients the oldest lockout is forgotten, so a flood of addresses cannot grow memory
 * (that client's next refusal meets the limiter, still over its budget, and locks it out anew).
 */
export class AdminLockouts {
  readonly #until = new Map<string, number>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Whole seconds until the client may try again, or undefined when it is not locked out. */
  remainingS(client: string, now = Date.now()): number | undefined {
    const until = this.#until.get(client);
    if (until === undefined) return undefined;
    if (until <= now) {
      this.#until.delete(client);
      return undefined;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  lock(client: string, forMs: number, now = Date.now()): void {
    this.#until.delete(client);
    this.#until.set(client, now + forMs);
    if (this.#until.size > this.#capacity) {
      const oldest = this.#until.keys().next();
      if (!oldest.done) this.#until.delete(oldest.value);
    }
  }
}

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
  readonly now?: () => number;
  readonly onChange?: (state: CircuitState) => void;
}

/**
 * Stops a worker hammering a failing n8n: after `failureThreshold` failed deliveries in a row the
 * circuit opens and the worker claims nothing; after a cooldown it sends one probe (half-open).
 * A failed probe doubles the cooldown (up to the maximum); any success closes the circuit.
 */
export class CircuitBreaker {
  #state: CircuitState = 'closed';
  #failures = 0;
  #cooldownMs: number;
  #openUntil = 0;
  readonly #options: CircuitBreakerOptions;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
    this.#cooldownMs = options.cooldownMs;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.#state;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Milliseconds until a probe may be sent (0: now). */
  msUntilProbe(): number {
    return this.#state === 'open' ? Math.max(0, this.#openUntil - this.#now()) : 0;
  }

  /** Moves to half-open when the cooldown is over; true if the caller should probe now. */
  tryProbe(): boolean {
    if (this.#state !== 'open' || this.msUntilProbe() > 0) return false;
    this.#set('half_open');
    return true;
  }

  /** There was nothing to probe with: stay open, probe again as soon as there is. */
  probeSkipped(): void {
    if (this.#state !== 'half_open') return;
    this.#openUntil = this.#now();
    this.#set('open');
  }

  /** Returns true when this success closed an open or half-open circuit. */
  recordSuccess(): boolean {
    this.#failures = 0;
    this.#cooldownMs = this.#options.cooldownMs;
    if (this.#state === 'closed') return false;
    this.#set('closed');
    return true;
  }

  recordFailure(): void {
    this.#failures += 1;
    if (this.#state === 'half_open') {
      this.#cooldownMs = Math.min(this.#cooldownMs * 2, this.#options.maxCooldownMs);
      this.#open();
    } else if (this.#state === 'closed' && this.#failures >= this.#options.failureThreshold) {
      this.#open();
    }
  }

  #open(): void {
    this.#openUntil = this.#now() + this.#cooldownMs;
    this.#set('open');
  }

  #set(state: CircuitState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#options.onChange?.(state);
  }
}

/**
 * One probe shared by every caller: a result is kept for `keepMs(result)` milliseconds, and callers
 * that arrive while a probe is under way wait for that probe instead of starting another. A health
 * endpoint polled by load balancers, or hammered by anyone, then costs what it probes at most one
 * probe at a time and one per keep window.
 */
export class SharedProbe<T> {
  readonly #run: () => Promise<T>;
  readonly #keepMs: (result: T) => number;
  #kept: { readonly result: T; readonly until: number } | undefined;
  #inFlight: Promise<T> | undefined;

  constructor(run: () => Promise<T>, keepMs: (result: T) => number) {
    this.#run = run;
    this.#keepMs = keepMs;
  }

  get(): Promise<T> {
    const kept = this.#kept;
    if (kept && performance.now() < kept.until) return Promise.resolve(kept.result);
    this.#inFlight ??= this.#run()
      .then((result) => {
        this.#kept = { result, until: performance.now() + this.#keepMs(result) };
        return result;
      })
      .finally(() => {
        this.#inFlight = undefined;
      });
    return this.#inFlight;
  }
}

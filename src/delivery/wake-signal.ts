/** Wakes one waiting loop early; a wake-up with nobody waiting is kept for the next wait. */
export class WakeSignal {
  #pending = false;
  #resolve: (() => void) | undefined;

  notify(): void {
    const resolve = this.#resolve;
    if (resolve) resolve();
    else this.#pending = true;
  }

  /** Resolves on the next notify, or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#resolve = done;
    });
  }
}

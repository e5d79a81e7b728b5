import type { FaultSpec, HealthFaultTarget } from './fault-spec.ts';
import { healthFaulted, requestFault, routeKeyOf, type RequestFault } from './fault-decision.ts';

export interface InjectedFaultsOptions {
  readonly spec: FaultSpec;
  /** Decides which requests fail; default Math.random (tests inject a sequence). */
  readonly random?: () => number;
  /** A monotonic clock in ms; default performance.now. */
  readonly now?: () => number;
}

/**
 * The faults of one server: its spec, its clock (from `start()`, when the server is ready) and its
 * random source. The decisions are fault-decision.ts's; this only feeds them.
 */
export class InjectedFaults {
  readonly spec: FaultSpec;
  readonly #random: () => number;
  readonly #now: () => number;
  #startedAt: number | undefined;

  constructor(options: InjectedFaultsOptions) {
    this.spec = options.spec;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Starts the `startAfterMs` clock; later calls keep the first start. */
  start(): void {
    this.#startedAt ??= this.#now();
  }

  #elapsedMs(): number | undefined {
    return this.#startedAt === undefined ? undefined : this.#now() - this.#startedAt;
  }

  forRequest(method: string, routePattern: string): RequestFault | undefined {
    return requestFault(this.spec, routeKeyOf(method, routePattern), this.#elapsedMs(), this.#random);
  }

  failsHealth(target: HealthFaultTarget): boolean {
    return healthFaulted(this.spec, target, this.#elapsedMs());
  }
}

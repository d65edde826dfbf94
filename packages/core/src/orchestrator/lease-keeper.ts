import type { RunLease } from "../ports/run-store.js";
import type { ActiveRuns } from "./active-runs.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { RunInterruption } from "./run-interruption.js";

/**
 * Keeps the leases of the runs this executor is running: renews them together (one store call every third of
 * the lease) while any run is active, each under the fence its execution holds, and stops a run whose lease was
 * taken over (by another executor, or by this one's own sweep after its lease lapsed) or that ended elsewhere.
 */
export class LeaseKeeper {
  readonly #dependencies: ExecutionDependencies;
  readonly #active: ActiveRuns;
  #cancelTimer: (() => void) | undefined;
  #stopped = false;

  constructor(
    dependencies: ExecutionDependencies,
    active: ActiveRuns,
    readonly owner: string,
    readonly leaseMs: number,
  ) {
    this.#dependencies = dependencies;
    this.#active = active;
  }

  /** A new lease from now, and makes sure renewals run while runs are active. */
  lease(now: number): RunLease {
    if (this.#cancelTimer === undefined && !this.#stopped) this.#arm();
    return { owner: this.owner, expiresAt: new Date(now + this.leaseMs) };
  }

  /** Renews every active run's lease now; stops the runs whose lease is no longer held. */
  async renew(): Promise<void> {
    const running = this.#active.values();
    if (running.length === 0) return;
    const { store, clock, logger } = this.#dependencies;
    let held: string[];
    try {
      held = await store.renewLeases({ owner: this.owner, runs: running.map(({ runId, fence }) => ({ runId, fence })), expiresAt: new Date(clock.now() + this.leaseMs) });
    } catch (error) {
      // Not fatal yet: the leases run for three renewal periods. A store down that long loses them, as it should.
      logger.warn({ error }, "run leases could not be renewed");
      return;
    }
    const stillHeld = new Set(held);
    for (const run of running) {
      if (!stillHeld.has(run.runId)) run.controller.abort(new RunInterruption("lease_lost"));
    }
  }

  /**
   * Stops this executor's own earlier executions of a run it has just claimed again (its lease had lapsed here, say
   * while renewals failed): they lost the run to the claim as they would to another executor. Resolves once they
   * have ended, so that the run is never executed twice here.
   */
  async stopEarlierExecutions(claimed: { id: string; fence: number }): Promise<void> {
    const earlier = this.#active.values().filter((run) => run.runId === claimed.id && run.fence < claimed.fence);
    for (const run of earlier) run.controller.abort(new RunInterruption("lease_lost"));
    await Promise.all(earlier.map((run) => run.done));
  }

  /** Stops renewing (drain). */
  stop(): void {
    this.#stopped = true;
    this.#cancelTimer?.();
    this.#cancelTimer = undefined;
  }

  #arm(): void {
    this.#cancelTimer = this.#dependencies.clock.schedule(Math.max(1, Math.floor(this.leaseMs / 3)), () => {
      this.#cancelTimer = undefined;
      void this.renew().finally(() => {
        if (this.#active.size > 0 && !this.#stopped && this.#cancelTimer === undefined) this.#arm();
      });
    });
  }
}

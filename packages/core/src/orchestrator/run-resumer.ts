import { createClaimGate } from "../clock-skew/claim-gate.js";
import type { AgentRun } from "../model/agent-run.js";
import type { ClaimedRun } from "../ports/run-store.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import type { LeaseKeeper } from "./lease-keeper.js";
import { isPastTakeoverLimit } from "./takeover-limit.js";

/** Runs claimed in one sweep at most. */
const CLAIM_BATCH = 100;
/** Waiting runs this process keeps a wake-up timer for; later ones are found by the periodic sweep. */
const MAX_LOCAL_WAKEUPS = 10_000;

/** Options of {@link RunResumer}. */
export interface RunResumerOptions {
  /** Agents this executor can run: only their runs are claimed. */
  agentNames: () => readonly string[];
  /** Executes a claimed run from its journal. */
  resume: (run: AgentRun) => Promise<unknown>;
  /** Time between sweeps; 0 turns the periodic sweep off (then call `sweep`). */
  sweepIntervalMs: number;
  /** While it returns false, sweeps claim nothing (see `DurabilityOptions.mayClaimByClock`). */
  mayClaimByClock?: () => boolean;
  /** `durability.maxTakeovers`: a takeover past it is counted as `failed` (`resume` fails the run), others as `resumed`. */
  maxTakeovers: number;
}

/**
 * Takes over runs that need an executor: `RUNNING` runs whose lease lapsed (their process died) and `WAITING` runs
 * that are due (a sleep ended, a signal arrived, a wait timed out). A sweep claims them in the store, so that of
 * several instances sweeping at once each run goes to one, and resumes each from its journal. Waiting runs that are
 * due soon also get a local timer, so that a short sleep does not wait for the next sweep.
 */
export class RunResumer {
  readonly #dependencies: ExecutionDependencies;
  readonly #leases: LeaseKeeper;
  readonly #options: RunResumerOptions;
  readonly #wakeups = new Map<string, () => void>();
  readonly #mayClaim: () => boolean;
  #cancelSweep: (() => void) | undefined;
  #sweeping: Promise<number> | undefined;
  #nextSweep: Promise<number> | undefined;
  #stopped = false;

  constructor(dependencies: ExecutionDependencies, leases: LeaseKeeper, options: RunResumerOptions) {
    this.#dependencies = dependencies;
    this.#leases = leases;
    this.#options = options;
    this.#mayClaim = createClaimGate(options.mayClaimByClock, dependencies.logger, "run takeover");
  }

  /** Starts the periodic sweep, when it is on. */
  start(): void {
    if (this.#options.sweepIntervalMs > 0 && !this.#stopped) this.#armSweep();
  }

  /** Claims due and lapsed runs and starts resuming them; resolves with how many were claimed. */
  sweep(): Promise<number> {
    // One sweep at a time: sweeps racing in one process would only contend for the same rows. A sweep asked for
    // meanwhile (a run that became due after the one in progress read the store) runs once that one has ended.
    if (this.#sweeping !== undefined) {
      // After the one in progress whatever its end, so that a failed sweep does not leave the next one never run.
      const next = (): Promise<number> => {
        this.#nextSweep = undefined;
        return this.sweep();
      };
      return (this.#nextSweep ??= this.#sweeping.then(next, next));
    }
    return (this.#sweeping = this.#claimAndResume().finally(() => (this.#sweeping = undefined)));
  }

  /** Resumes a waiting run here when it is due, if that is soon; otherwise a sweep finds it. */
  wakeAt(run: AgentRun): void {
    if (this.#stopped || run.wakeAt === null || this.#wakeups.has(run.id)) return;
    const wakeAt = run.wakeAt.getTime();
    const horizon = this.#options.sweepIntervalMs > 0 ? this.#options.sweepIntervalMs : Number.POSITIVE_INFINITY;
    const dueInMs = wakeAt - this.#dependencies.clock.now();
    // Already due (a signal or a child's end arrived while it was parking): no timer, which a manual clock would hold.
    if (dueInMs <= 0) return void this.sweep();
    if (dueInMs > horizon || this.#wakeups.size >= MAX_LOCAL_WAKEUPS) return;
    this.#armWakeup(run.id, wakeAt);
  }

  /**
   * Sweeps once the clock says the run is due. A timer counts on the process's own time, which can run ahead of
   * the clock that claims decide by (a timer fires up to a millisecond early; the wall clock may be set back): a
   * sweep then would find the run not due and its wake-up would be lost, so the timer is set again for what remains.
   */
  #armWakeup(runId: string, wakeAt: number): void {
    const { clock } = this.#dependencies;
    const cancel = clock.schedule(Math.max(0, wakeAt - clock.now()), () => {
      if (clock.now() < wakeAt) {
        this.#armWakeup(runId, wakeAt);
        return;
      }
      this.#wakeups.delete(runId);
      void this.sweep();
    });
    this.#wakeups.set(runId, cancel);
  }

  /**
   * Stops sweeping and drops wake-up timers (drain). Resolves once a sweep in progress has ended: runs it claims from
   * then on are handed back rather than executed.
   */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelSweep?.();
    for (const cancel of this.#wakeups.values()) cancel();
    this.#wakeups.clear();
    await this.#sweeping;
  }

  /**
   * Gives up a run this executor claimed but will not execute (it is shutting down): its lease ends now, so that any
   * instance's next sweep resumes it. A run that cannot be given up is resumed once its lease lapses.
   */
  async handBack(run: AgentRun): Promise<void> {
    const { store, clock, logger } = this.#dependencies;
    try {
      await store.renewLeases({ owner: this.#leases.owner, runs: [{ runId: run.id, fence: run.fence }], expiresAt: new Date(clock.now()), giveUp: true });
      logger.info({ runId: run.id, agent: run.agentName }, "claimed run handed back: this instance is shutting down");
    } catch (error) {
      logger.warn({ runId: run.id, error }, "claimed run could not be handed back; it is resumed once its lease lapses");
    }
  }

  async #claimAndResume(): Promise<number> {
    const { store, clock, logger } = this.#dependencies;
    const agentNames = this.#options.agentNames();
    if (this.#stopped || agentNames.length === 0 || !this.#mayClaim()) return 0;
    const now = clock.now();
    let claimed: ClaimedRun[];
    try {
      const lease = this.#leases.lease(now);
      claimed = await store.claimRuns({ owner: lease.owner, now: new Date(now), leaseExpiresAt: lease.expiresAt, agentNames, limit: CLAIM_BATCH });
    } catch (error) {
      logger.warn({ error }, "runs to resume could not be claimed");
      return 0;
    }
    // Counted as claimed: a run handed back below carries its takeovers to the next claim, which counts none.
    for (const run of claimed) if (run.takenOver) this.#countTakeover(run);
    // Stopped (drained) while the claim was on its way: the runs go to another instance.
    if (this.#stopped) {
      await Promise.all(claimed.map((run) => this.handBack(run)));
      return 0;
    }
    for (const run of claimed) {
      this.#wakeups.get(run.id)?.();
      this.#wakeups.delete(run.id);
      logger.info({ runId: run.id, agent: run.agentName, fence: run.fence, takeovers: run.takeovers, takenOver: run.takenOver }, "resuming run from its journal");
      void this.#leases
        .stopEarlierExecutions(run)
        .then(() => (this.#stopped ? this.handBack(run) : this.#options.resume(run)))
        .catch((error: unknown) => logger.warn({ runId: run.id, error }, "resumed run did not complete"));
    }
    return claimed.length;
  }

  #countTakeover(run: AgentRun): void {
    const outcome = isPastTakeoverLimit(run, this.#options.maxTakeovers) ? "failed" : "resumed";
    this.#dependencies.metrics.runTakenOver({ agent: run.agentName, outcome });
  }

  #armSweep(): void {
    this.#cancelSweep = this.#dependencies.clock.schedule(this.#options.sweepIntervalMs, () => {
      void this.sweep().finally(() => {
        if (!this.#stopped) this.#armSweep();
      });
    });
  }
}

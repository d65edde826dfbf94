import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { JournalStep } from "../model/journal-step.js";
import type { ToolExecution } from "../model/tool-execution.js";
import type { RecordStepInput } from "../ports/run-store.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { RunInterruption } from "./run-interruption.js";

/** Waits before writing a journal entry again; after the last one the run stops, to be resumed. */
const JOURNAL_RETRY_DELAYS_MS = [50, 250, 1_000];

/** A journal write without the run's identity, which the journal adds. */
export interface JournalEntry {
  step: Omit<JournalStep, "runId">;
  toolExecution?: Omit<ToolExecution, "runId">;
  /** For a wait journaled as timed out, its signal's name: see `RecordStepInput.timedOutSignal`. */
  timedOutSignal?: string;
}

/**
 * One run's journal as its executor sees it: the steps read when the execution began (none for a new run), and
 * every step written since. Writes are fenced with the run's lease and retried; a write that cannot be made stops
 * the execution (see {@link RunInterruption}) instead of letting the handler go on past a step a later attempt
 * would repeat.
 */
export class RunJournal {
  readonly #dependencies: ExecutionDependencies;
  readonly #run: AgentRun;
  readonly #steps: Array<Omit<JournalStep, "runId"> | undefined>;
  #onInterrupted: ((interruption: RunInterruption) => void) | undefined;

  constructor(dependencies: ExecutionDependencies, run: AgentRun, steps: readonly JournalStep[] = []) {
    this.#dependencies = dependencies;
    this.#run = run;
    this.#steps = [];
    for (const step of steps) this.#steps[step.position] = step;
  }

  /** Stops the execution (through its cancellation) when a write interrupts it, whatever the handler catches. */
  attach(onInterrupted: (interruption: RunInterruption) => void): void {
    this.#onInterrupted = onInterrupted;
  }

  /** The run's fencing token for this execution. */
  get fence(): number {
    return this.#run.fence;
  }

  /** The entry at a position of the handler's steps, if one was journaled. */
  at(position: number): Omit<JournalStep, "runId"> | undefined {
    return this.#steps[position];
  }

  /**
   * Writes an entry before the handler goes on.
   * @throws RunInterruption `lease_lost` when another executor holds the run, `journal_unavailable` when the
   * store refused every try; SignalConflictError when the entry's `timedOutSignal` was already sent.
   */
  async write(entry: JournalEntry): Promise<void> {
    const { store, clock } = this.#dependencies;
    const { organizationId, id: runId, fence } = this.#run;
    // Literals rather than a spread of the optional field: a spread copies through V8's slow path on every step.
    const input: RecordStepInput = entry.toolExecution ? { organizationId, runId, fence, step: entry.step, toolExecution: entry.toolExecution } : { organizationId, runId, fence, step: entry.step };
    if (entry.timedOutSignal !== undefined) input.timedOutSignal = entry.timedOutSignal;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await store.recordStep(input);
        this.#steps[entry.step.position] = entry.step;
        return;
      } catch (error) {
        if (NeonhubError.isInstance(error) && (error.code === "LEASE_LOST" || error.code === "RUN_NOT_FOUND")) throw this.#interrupt(new RunInterruption("lease_lost", { cause: error }));
        // Data the store cannot hold fails the step like any other error: writing it again would not help.
        if (NeonhubError.isInstance(error) && error.code === "VALIDATION_FAILED") throw error;
        // A timeout refused because its signal came first: the wait reads the signal instead.
        if (NeonhubError.isInstance(error) && error.code === "SIGNAL_CONFLICT") throw error;
        const delay = JOURNAL_RETRY_DELAYS_MS[attempt];
        if (delay === undefined) throw this.#interrupt(new RunInterruption("journal_unavailable", { cause: error }));
        await clock.sleep(delay);
      }
    }
  }

  #interrupt(interruption: RunInterruption): RunInterruption {
    this.#onInterrupted?.(interruption);
    return interruption;
  }
}

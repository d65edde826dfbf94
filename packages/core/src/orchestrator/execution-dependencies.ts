import type { AgentRun } from "../model/agent-run.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import type { RunStore } from "../ports/run-store.js";
import type { Tracer } from "../ports/tracer.js";
import type { Redactor } from "../telemetry/redactor.js";
import type { ChildRunLimits } from "./child-run-limits.js";

/** What executing a run needs from the orchestrator. */
export interface ExecutionDependencies {
  store: RunStore;
  metrics: MetricsSink;
  tracer: Tracer;
  logger: Logger;
  redactor: Redactor;
  clock: Clock;
  /** New run and tool-execution ids (time-ordered, in the order they are made), from a time on `clock`. */
  newId: (unixMs: number) => string;
  /**
   * Starts (or, under the same idempotency key, finds) a queued child run for `ctx.runAgent`; set by the
   * orchestrator.
   */
  startChildRun: (request: ChildRunRequest) => Promise<AgentRun>;
  /** How deep a tree of child runs may grow and how many children one run may start. */
  childRunLimits: ChildRunLimits;
  /** How long this orchestrator's leases last; also the margin kept under a `with-key` step's key retention. */
  leaseMs: number;
  /** Replay tests: a step the journal does not hold as succeeded ends the run instead of running (see `replayRunHistory`). */
  replayOnly: boolean;
}

/** A child run a handler asks for. */
export interface ChildRunRequest {
  parent: AgentRun;
  agent: string;
  input: unknown;
  intent: string;
  /** Derived from the parent run and the child's step key: a repeated start finds the same child. */
  idempotencyKey: string;
  /** The child's own bound on each of its executions (`RunAgentOptions.timeoutMs`), stored with it. */
  timeoutMs?: number;
}

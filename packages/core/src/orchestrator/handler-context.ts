import type { AgentRun } from "../model/agent-run.js";
import type { RunAgentOptions, RunContext, SignalResult } from "../model/run-context.js";
import type { RunMetric } from "../model/run-metric.js";
import type { Logger } from "../ports/logger.js";
import type { Span } from "../ports/tracer.js";
import type { Redactor } from "../telemetry/redactor.js";
import { runAgentOptionsProblem, stepCallProblem, toolCallProblem, waitOptionsProblem } from "./check-call-options.js";
import { checkReportedMetric } from "./check-reported-metric.js";
import { runChildAgent } from "./child-runs.js";
import { durableSleep, durableWaitForSignal } from "./durable-waits.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { runJournaledStep } from "./journaled-step.js";
import type { RunCancellation } from "./run-cancellation.js";
import type { RunJournal } from "./run-journal.js";
import { StepPositions } from "./step-positions.js";
import type { SuspensionGate } from "./suspension-gate.js";

/**
 * The redactor of one tool call: the run's, with the call's secret values. The values are read each time it is
 * asked for, so that values added during the call (a token refreshed mid-call) are redacted from its output.
 */
function toolRedactor(base: Redactor, secretValues: readonly string[] | undefined): () => Redactor {
  let built = base;
  let builtFor = 0;
  return () => {
    const count = secretValues?.length ?? 0;
    if (count !== builtFor) {
      built = base.withValues(secretValues as readonly string[]);
      builtFor = count;
    }
    return built;
  };
}

/** What every attempt of one execution of a run shares. */
export interface RunScope {
  readonly dependencies: ExecutionDependencies;
  readonly run: AgentRun;
  readonly span: Span;
  readonly cancellation: RunCancellation;
  readonly journal: RunJournal;
  readonly gate: SuspensionGate;
  /** The last attempt that has ended (0 before any): a step an ended attempt asks for afterwards never starts. */
  endedAttempts: number;
  /** Metrics the handler reported, over all attempts. */
  readonly reported: RunMetric[];
  /** The run's logger, made on first use. */
  logger(): Logger;
  onToolCall(): void;
  /** Ends the run with `error`, whatever the handler does with it; returns it to be thrown. */
  failRun(error: unknown): unknown;
}

const parseToolName = (name: Parameters<RunContext["tool"]>[0]): { connector: string; action: string; label: string } => {
  if (typeof name === "object") return { ...name, label: `${name.connector}.${name.action}` };
  const dot = name.indexOf(".");
  return dot > 0 ? { connector: name.slice(0, dot), action: name.slice(dot + 1), label: name } : { connector: name, action: name, label: name };
};

/**
 * The context a handler receives for one attempt. A class, so that its getters live on the prototype: an object
 * literal with getters is built through V8's slow path on every run.
 */
export class HandlerContext implements RunContext {
  readonly runId: string;
  readonly agentName: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly intent: string | null;
  readonly #scope: RunScope;
  #tool: RunContext["tool"] | undefined;
  #step: RunContext["step"] | undefined;
  #reportMetric: RunContext["reportMetric"] | undefined;
  #positions: StepPositions | undefined;

  constructor(
    scope: RunScope,
    readonly attempt: number,
  ) {
    this.#scope = scope;
    this.runId = scope.run.id;
    this.agentName = scope.run.agentName;
    this.userId = scope.run.userId;
    this.organizationId = scope.run.organizationId;
    this.intent = scope.run.intent;
  }

  get signal(): AbortSignal {
    return this.#scope.cancellation.signal;
  }

  get logger(): Logger {
    return this.#scope.logger();
  }

  /** This attempt's step positions, made on first use: runs that take no step allocate nothing. */
  get #places(): StepPositions {
    return (this.#positions ??= new StepPositions());
  }

  /** Bound on first use, so that handlers may destructure it and runs that never call tools allocate nothing. */
  get tool(): RunContext["tool"] {
    return (this.#tool ??= (name, input, fn, options = {}) => {
      const problem = toolCallProblem(name, fn, options);
      if (problem !== undefined) return Promise.reject(problem);
      const scope = this.#scope;
      const { connector, action, label } = parseToolName(name);
      const redactor = toolRedactor(scope.dependencies.redactor, options.secretValues);
      return runJournaledStep(scope, this.attempt, this.#places, {
        name: options.key ?? label,
        explicitKey: options.key !== undefined,
        repeatSafety: options.repeatSafety ?? "unsafe",
        ...(options.keyRetentionMs === undefined ? {} : { keyRetentionMs: options.keyRetentionMs }),
        run: fn,
        tool: { connector, action, label, input, redactor },
      });
    });
  }

  /** Bound on first use, as `tool`. */
  get step(): RunContext["step"] {
    return (this.#step ??= (key, fn, options = {}) => {
      const problem = stepCallProblem(key, fn, options);
      if (problem !== undefined) return Promise.reject(problem);
      return runJournaledStep(this.#scope, this.attempt, this.#places, {
        name: key,
        explicitKey: true,
        repeatSafety: options.repeatSafety ?? "safe",
        ...(options.keyRetentionMs === undefined ? {} : { keyRetentionMs: options.keyRetentionMs }),
        run: fn,
      });
    });
  }

  sleep(key: string, ms: number): Promise<void> {
    return durableSleep(this.#scope, this.attempt, this.#places, key, ms);
  }

  waitForSignal<T = unknown>(name: string, options: { timeoutMs: number }): Promise<SignalResult<T>> {
    const problem = waitOptionsProblem(name, options);
    if (problem !== undefined) return Promise.reject(problem);
    return durableWaitForSignal<T>(this.#scope, this.attempt, this.#places, name, options.timeoutMs);
  }

  runAgent<T = unknown>(agent: string | { name: string }, input: unknown, options?: RunAgentOptions): Promise<T> {
    const name = typeof agent === "string" ? agent : agent?.name;
    const problem = runAgentOptionsProblem(name, options);
    if (problem !== undefined) return Promise.reject(problem);
    return runChildAgent<T>(this.#scope, this.attempt, this.#places, name, input, options);
  }

  /** Bound on first use, as `tool`. */
  get reportMetric(): RunContext["reportMetric"] {
    return (this.#reportMetric ??= (name, value, unit = "count") => {
      checkReportedMetric(name, value, unit);
      this.#scope.reported.push({ name, value, unit });
    });
  }
}

import type { AgentRun } from "../model/agent-run.js";
import type { RunContext } from "../model/run-context.js";
import type { RunMetric } from "../model/run-metric.js";
import type { Logger } from "../ports/logger.js";
import type { Span } from "../ports/tracer.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import type { RunCancellation } from "./run-cancellation.js";
import { StepKeys } from "./step-keys.js";
import { recordToolCall } from "./tool-recorder.js";

/** What every attempt of one run shares. */
export interface RunScope {
  readonly dependencies: ExecutionDependencies;
  readonly run: AgentRun;
  readonly span: Span;
  readonly cancellation: RunCancellation;
  /** Metrics the handler reported, over all attempts. */
  readonly reported: RunMetric[];
  /** The run's logger, made on first use. */
  logger(): Logger;
  onToolCall(): void;
}

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
  #reportMetric: RunContext["reportMetric"] | undefined;
  #stepKeys: StepKeys | undefined;

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

  /** Bound on first use, so that handlers may destructure it and runs that never call tools allocate nothing. */
  get tool(): RunContext["tool"] {
    return (this.#tool ??= (name, input, fn, options) => {
      const scope = this.#scope;
      // The signal is made here: only runs that call tools need an AbortController.
      const toolScope = {
        run: scope.run,
        attempt: this.attempt,
        signal: scope.cancellation.signal,
        runSpan: scope.span,
        logger: scope.logger,
        onToolCall: scope.onToolCall,
        stepKeys: (this.#stepKeys ??= new StepKeys()),
      };
      return recordToolCall(scope.dependencies, toolScope, name, input, fn, options);
    });
  }

  /** Bound on first use, as `tool`. */
  get reportMetric(): RunContext["reportMetric"] {
    return (this.#reportMetric ??= (name, value, unit = "count") => void this.#scope.reported.push({ name, value, unit }));
  }
}

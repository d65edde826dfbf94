import { LeaseLostError } from "../errors/durable-errors.js";
import { CancelledError, StoreUnavailableError, TimeoutError, ValidationError } from "../errors/errors.js";
import { fieldErrorsFromZod } from "../errors/field-errors-from-zod.js";
import { isTransientError } from "../errors/is-transient-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { RunMetric } from "../model/run-metric.js";
import type { Logger } from "../ports/logger.js";
import type { FinishRunInput } from "../ports/run-store.js";
import type { Span } from "../ports/tracer.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { retryAfterFirstFailure } from "../policies/retry-with-backoff.js";
import type { RegisteredAgent } from "./agent-registry.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import { raceWithAbort } from "./race-with-abort.js";
import type { RunCancellation } from "./run-cancellation.js";
import { errorFromStoredRun, failureOutcome, OUTPUT_INVALID_REASON, OUTPUT_SOURCE } from "./run-outcome.js";
import { HandlerContext, type RunScope } from "./handler-context.js";
import { RunInterruption } from "./run-interruption.js";
import type { RunJournal } from "./run-journal.js";
import { SuspensionGate } from "./suspension-gate.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import { isFinalRunStatus } from "../model/run-status.js";
import { endNoEarlierThan } from "../util/end-no-earlier.js";

/** One run to execute; the run is already persisted as `RUNNING`. */
export interface Execution {
  run: AgentRun;
  agent: RegisteredAgent;
  input: unknown;
  timeoutMs: number;
  span: Span;
  callerSignal: AbortSignal | undefined;
  controller: RunCancellation;
  /** The run's journal: empty for a new run, read from the store for a resumed one. */
  journal: RunJournal;
}

const FINISH_RETRY_DELAYS_MS = [50, 250, 1_000];

/** Writes the run's end again after `firstError`, after each of {@link FINISH_RETRY_DELAYS_MS}. */
async function finishAfterFailure(dependencies: ExecutionDependencies, input: FinishRunInput, firstError: unknown): Promise<AgentRun> {
  let lastError = firstError;
  for (let attempt = 0; ; attempt += 1) {
    const delay = FINISH_RETRY_DELAYS_MS[attempt];
    if (delay === undefined) {
      dependencies.logger.error({ runId: input.runId, status: input.status, error: lastError }, "run finished but could not be recorded; it resumes from its journal once its lease lapses");
      throw new StoreUnavailableError(`Run ${input.runId} ended ${input.status} but could not be recorded.`, { cause: lastError, runId: input.runId });
    }
    await dependencies.clock.sleep(delay);
    try {
      return await dependencies.store.finishRun(input);
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      lastError = error;
    }
  }
}

const isLeaseLost = (error: unknown): boolean => NeonhubError.isInstance(error) && error.code === "LEASE_LOST";

/**
 * What the caller of an execution that lost its run gets: the run's end when it has ended (cancelled, or finished
 * by the executor that took it over), else `LEASE_LOST`.
 */
async function endedElsewhere(dependencies: ExecutionDependencies, run: AgentRun): Promise<AgentRun> {
  const current = await dependencies.store.getRun(run.organizationId, run.id).catch(() => null);
  if (current === null || !isFinalRunStatus(current.status)) throw new LeaseLostError(run.id);
  if (current.status !== "COMPLETED") throw errorFromStoredRun(current);
  return current;
}

/** Ends an execution that stopped without ending its run: parks a waiting run, or leaves it to be resumed. */
async function interrupted(dependencies: ExecutionDependencies, execution: Execution, interruption: RunInterruption): Promise<AgentRun> {
  const { store, clock, logger } = dependencies;
  const { run, span } = execution;
  if (interruption.kind === "suspended") {
    try {
      const waiting = await store.suspendRun({
        organizationId: run.organizationId,
        runId: run.id,
        fence: execution.journal.fence,
        wakeAt: new Date(interruption.wakeAt),
        signalNames: interruption.signalNames,
        now: new Date(clock.now()),
      });
      span.setAttribute("neonhub.run.status", "WAITING");
      return waiting;
    } catch (error) {
      if (isLeaseLost(error)) return endedElsewhere(dependencies, run);
      // Its wait is journaled: whoever resumes the run once its lease lapses parks it again.
      logger.warn({ runId: run.id, error }, "run could not be parked as waiting; it resumes once its lease lapses");
      throw new StoreUnavailableError(`Run ${run.id} is waiting but could not be recorded as such; it will be resumed.`, { cause: error, runId: run.id });
    }
  }
  if (interruption.kind === "lease_lost") return endedElsewhere(dependencies, run);
  logger.error({ runId: run.id, error: interruption.cause }, "the run's journal could not be written; the run stopped and resumes from its journal once its lease lapses");
  throw new StoreUnavailableError(`Run ${run.id} stopped: its journal could not be written. It resumes from its journal on this or another instance.`, { cause: interruption.cause, runId: run.id, isRetryable: false });
}

/** The metrics every run records, then the handler's own. */
function runMetrics(durationMs: number, attempts: number, toolCalls: number, reported: RunMetric[]): RunMetric[] {
  const metrics: RunMetric[] = [
    { name: "duration_ms", value: durationMs, unit: "ms" },
    { name: "attempts", value: attempts, unit: "count" },
    { name: "tool_calls", value: toolCalls, unit: "count" },
  ];
  for (const metric of reported) metrics.push(metric);
  return metrics;
}

/**
 * Executes a persisted run: breaker around retries around attempts, each attempt raced against the run's
 * deadline and cancellation, the output validated, and the run finished with its metrics.
 * @returns the finished run when it completed; throws a NeonHub error carrying the run id otherwise.
 */
export async function executeRun(dependencies: ExecutionDependencies, execution: Execution): Promise<AgentRun> {
  const { store, metrics, clock, redactor } = dependencies;
  const { run, agent, span, controller } = execution;
  const definition = agent.definition;
  const startedAt = run.startedAt?.getTime() ?? clock.now();
  const timeOut = () => controller.abort(new TimeoutError(`The run did not finish within ${execution.timeoutMs} ms.`));
  const deadline = clock.now() + execution.timeoutMs;
  const cancelTimer = clock.schedule(execution.timeoutMs, timeOut);
  const callerSignal = execution.callerSignal;
  // Made only for a caller that passed a signal: most runs have none.
  let onCallerAbort: (() => void) | undefined;
  if (callerSignal !== undefined) {
    onCallerAbort = () => controller.abort(new CancelledError("The caller cancelled the run."));
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener("abort", onCallerAbort, { once: true });
  }

  // Stays 0 when the breaker rejects the run before any attempt.
  let attempts = 0;
  let toolCalls = 0;
  let runLogger: Logger | undefined;
  execution.journal.attach((interruption) => controller.abort(interruption));
  const scope: RunScope = {
    dependencies,
    run,
    span,
    cancellation: controller,
    journal: execution.journal,
    gate: new SuspensionGate(controller),
    endedAttempts: 0,
    reported: [],
    logger: () => (runLogger ??= dependencies.logger.child({ runId: run.id, agent: definition.name })),
    onToolCall: () => void (toolCalls += 1),
    failRun: (error) => {
      controller.abort(error);
      return error;
    },
  };

  const checkOutput = (output: unknown): unknown => {
    // A handler whose calls are all answered at once never yields to the timer: its deadline is checked here too.
    if (clock.now() >= deadline) {
      timeOut();
      throw controller.reason;
    }
    const parsed = definition.output.safeParse(output);
    if (!parsed.success) {
      throw new ValidationError(`Agent "${definition.name}" returned output that does not match its schema.`, fieldErrorsFromZod(parsed.error), { details: { source: OUTPUT_SOURCE } });
    }
    return parsed.data;
  };

  // Promise chains, not async functions: each async frame is one more object and microtask turn on every run.
  const attempt = (attemptNumber: number): Promise<unknown> => {
    attempts = attemptNumber;
    if (attemptNumber > 1) void store.recordAttempt(run.organizationId, run.id, attemptNumber).catch(() => undefined);
    // Cancelled before it began (while it waited for a concurrency slot): the handler is not called at all.
    if (controller.aborted) return Promise.reject(controller.reason);
    let handled: Promise<unknown>;
    try {
      handled = definition.handle(execution.input, new HandlerContext(scope, attemptNumber));
    } catch (error) {
      return Promise.reject(error);
    }
    return raceWithAbort(handled, controller, checkOutput);
  };

  // A later attempt begins once the steps the failed one left in flight have ended and been journaled: started
  // at once, it would find such a step not yet journaled (and call it again) or still STARTED (outcome unknown).
  const laterAttempt = (attemptNumber: number): Promise<unknown> =>
    raceWithAbort(scope.gate.settled(), controller)
      .then(() => attempt(attemptNumber))
      .catch((error: unknown) => {
        scope.endedAttempts = attemptNumber;
        throw error;
      });

  // The first attempt runs without building retry options: most runs need no second one.
  const withRetries = (): Promise<unknown> =>
    attempt(1).catch((firstError: unknown) => {
      scope.endedAttempts = 1;
      return retryAfterFirstFailure(laterAttempt, firstError, {
        ...agent.policies.retry,
        signal: controller.signal,
        clock,
        shouldRetry: isTransientError,
        onRetry: ({ attempt: next, delayMs }) => metrics.retryScheduled({ agent: definition.name, attempt: next, delayMs }),
      });
    });

  let output: unknown = null;
  let failure: ReturnType<typeof failureOutcome> | undefined;
  let interruption: RunInterruption | undefined;
  try {
    output = agent.breakers ? await agent.breakers.execute(run.organizationId, withRetries) : await withRetries();
  } catch (thrown) {
    if (RunInterruption.isInstance(controller.reason)) interruption = controller.reason;
    else if (RunInterruption.isInstance(thrown)) interruption = thrown;
    else failure = failureOutcome(thrown, controller.reason, run.id, redactor);
  } finally {
    cancelTimer();
    if (onCallerAbort !== undefined) callerSignal?.removeEventListener("abort", onCallerAbort);
  }
  if (interruption !== undefined) {
    try {
      return await interrupted(dependencies, execution, interruption);
    } finally {
      span.end();
    }
  }

  const completedAt = endNoEarlierThan(startedAt, clock.now());
  const durationMs = completedAt - startedAt;
  const status = failure?.status ?? "COMPLETED";
  const finish: FinishRunInput = {
    organizationId: run.organizationId,
    runId: run.id,
    status,
    statusReason: failure?.statusReason ?? "completed",
    output: failure ? null : redactor.redact(output),
    error: failure?.stored ?? null,
    attempts,
    completedAt: new Date(completedAt),
    durationMs,
    metrics: runMetrics(durationMs, attempts, toolCalls, scope.reported),
    fence: execution.journal.fence,
  };
  let finished: AgentRun;
  try {
    // The first write is awaited here rather than in a helper: another async frame would cost every run.
    try {
      finished = await store.finishRun(finish);
    } catch (error) {
      if (isLeaseLost(error)) return await endedElsewhere(dependencies, run);
      // Output the store cannot hold (text with NUL) would fail every retry and leave the run open for ever.
      const unstorable = NeonhubError.isInstance(error) && error.code === "VALIDATION_FAILED" && finish.output !== null;
      if (!unstorable) finished = await finishAfterFailure(dependencies, finish, error);
      else {
        const refused = new ValidationError(`The run's output could not be stored: ${(error as Error).message}`, [], { runId: run.id });
        const recordable: FinishRunInput = { ...finish, status: "FAILED", statusReason: OUTPUT_INVALID_REASON, output: null, error: { code: refused.code, message: refused.message } };
        await store.finishRun(recordable).catch((again: unknown) => finishAfterFailure(dependencies, recordable, again));
        throw refused;
      }
    }
  } finally {
    metrics.runFinished({ agent: definition.name, status, durationMs, attempts });
    if (failure) span.recordFailure(failure.error.code, failure.stored.message);
    span.setAttribute("neonhub.run.status", status);
    span.end();
  }
  if (dependencies.logger !== silentLogger) {
    dependencies.logger.info({ runId: run.id, agent: definition.name, status, statusReason: finished.statusReason, durationMs, attempts }, "run finished");
  }
  // A concurrent cancel may have finished the run first; the stored record is the truth.
  if (finished.status !== status) throw failureOutcome(null, new CancelledError(finished.error?.message ?? "The run was cancelled."), run.id, redactor).error;
  if (failure) throw failure.error;
  return finished;
}

import type { z } from "zod";
import type { Logger } from "../ports/logger.js";
import type { RepeatSafety } from "./repeat-safety.js";

/** Names a tool call: a connector action, or a plain tool (then `action` defaults to the connector name). */
export type ToolName = string | { connector: string; action: string };

/**
 * Options of one tool call. Checked when the call is made: a key that is not one of these, or a value of the wrong
 * type, is a `ValidationError` (`VALIDATION_FAILED`) from the call, naming the option; nothing is journaled or run.
 */
export interface ToolCallOptions {
  /**
   * Credential values to redact from the recorded input, output and error, on top of the redaction rules. The
   * array is read again when the call ends: values appended to it during the call (a token the call refreshed)
   * are redacted from the output and error too.
   */
  secretValues?: readonly string[];
  /**
   * The step's key in the run's journal. Default: the tool's name and its occurrence among the run's calls of
   * that tool (`slack.postMessage#0`). Give one when calls of a tool may happen in a different order.
   */
  key?: string;
  /** Whether the call may be repeated when its outcome is unknown. Default `unsafe` for tools. */
  repeatSafety?: RepeatSafety;
  /**
   * How long the provider keeps a `with-key` step's idempotency key (Resend: 24 hours), in whole milliseconds. The
   * step is then journaled `STARTED` before its function is called, and a resumed run that finds it still `STARTED`
   * executes it again with the same key only while its first start is younger than this less the orchestrator's
   * lease (`durability.leaseMs`, the margin); older, the run fails with `STEP_OUTCOME_UNKNOWN`, as for an `unsafe`
   * step. Without it a `with-key` step is always executed again, however late.
   * @throws ValidationError (`VALIDATION_FAILED`, field `keyRetentionMs`) when it is not a positive whole number or
   * the step is not `with-key`; the function is not called.
   * @example
   * await ctx.tool("chat.post", message, (call) => chat.post(message, call.idempotencyKey), { repeatSafety: "with-key", keyRetentionMs: 600_000 });
   */
  keyRetentionMs?: number;
}

/** Options of `ctx.step`, checked when the call is made as {@link ToolCallOptions} are. */
export interface StepOptions {
  /** Whether the step may be repeated when its outcome is unknown. Default `safe` for steps. */
  repeatSafety?: RepeatSafety;
  /** As {@link ToolCallOptions.keyRetentionMs}, for a `with-key` step. */
  keyRetentionMs?: number;
}

/** What the function of a journaled step receives. */
export interface StepContext {
  /** Aborts when the run times out or is cancelled. */
  signal: AbortSignal;
  /** Attempt of the run, from 1. */
  attempt: number;
  logger: Logger;
  /** The step's key in the run's journal. */
  stepKey: string;
  /**
   * Deterministic idempotency key of the step (from the run id and the step key): the same on every retry and
   * resume of the run. Pass it to providers that deduplicate by key.
   */
  idempotencyKey: string;
}

/** Options of `ctx.runAgent`, checked when the call is made as {@link ToolCallOptions} are. */
export interface RunAgentOptions {
  /**
   * The child's key in the parent's journal. Default: `agent:` with the agent's name and its occurrence among the
   * run's children of that agent (`agent:intake-normalize#0`). Give one when children may be started in another
   * order on a replay.
   */
  key?: string;
  /** Stored as the child run's intent. Default: the parent agent's name. */
  intent?: string;
  /**
   * The child run's request timeout, in whole milliseconds from 1 to 24 hours: stored with the child
   * (`AgentRun.timeoutMs`), it bounds each of the child's executions (its first, and each one after a durable wait or
   * a takeover) in place of its agent's `timeoutMs` policy, as a request's `timeoutMs` does. Default: the child
   * agent's policy; the parent's own timeout is not passed on, since it bounds the parent's executions and the parent
   * is not executing while it waits for the child. Checked when the child is started: a replayed parent whose child
   * is already started keeps that child and the bound it was started with, whatever it asks for now.
   * @throws ValidationError (`VALIDATION_FAILED`, field `timeoutMs`, as for a request) when it is not such an
   * integer; nothing is journaled or stored.
   * @example
   * const summary = await ctx.runAgent(summarizeAgent, { text }, { timeoutMs: 30_000 });
   */
  timeoutMs?: number;
}

/** An agent `ctx.runAgent` can start: its name, or its definition (which types the output). */
export interface ChildAgentReference<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  name: string;
  input: Input;
  output: Output;
}

/** What `ctx.waitForSignal` resolves to. */
export type SignalResult<T = unknown> = { received: true; payload: T; sentBy: string | null; sentAt: string } | { received: false; timedOut: true };

/** What the function wrapped by `ctx.tool` receives. */
export type ToolCallContext = StepContext;

/**
 * What an agent's handler receives besides its input. Pass it on as it is: its `signal`, `logger`, `tool` and
 * `reportMetric` live on its prototype, so a spread copy (`{ ...ctx }`) drops them. Destructuring works.
 */
export interface RunContext {
  runId: string;
  agentName: string;
  userId: string;
  organizationId: string;
  intent: string | null;
  /** Attempt of the run, from 1. */
  attempt: number;
  /** Aborts when the run times out or is cancelled: pass it to every call that can wait. */
  signal: AbortSignal;
  /** Logger bound to the run, with secrets redacted. */
  logger: Logger;
  /**
   * Runs `fn` as a journaled step, a recorded tool execution (status, attempt, timing, redacted input and output)
   * and a traced `execute_tool` span. On a retry or a resumed run, a call that succeeded returns its journaled
   * output without calling `fn`. The output must be JSON-serializable.
   * @example
   * const message = await ctx.tool("slack.postMessage", payload, (call) => slack.post(payload, call.signal));
   */
  tool<T>(name: ToolName, input: unknown, fn: (call: ToolCallContext) => Promise<T>, options?: ToolCallOptions): Promise<T>;
  /**
   * Runs `fn` once per run as a journaled step: on a retry or a resumed run, a step that succeeded returns its
   * journaled output without calling `fn`. For work that is not a connector call (an LLM call through any client,
   * a computation whose result must not change). The output must be JSON-serializable.
   * @example
   * const draft = await ctx.step("draft", () => llm.complete(prompt));
   */
  step<T>(key: string, fn: (step: StepContext) => Promise<T>, options?: StepOptions): Promise<T>;
  /**
   * Sleeps durably: the run is `WAITING` and holds no worker slot until `ms` have passed, then resumes from its
   * journal (on this instance or another).
   * @throws ValidationError (`VALIDATION_FAILED`) when `ms` is negative, not finite, or puts the deadline after
   * 9999-12-31T23:59:59.999Z (`STORABLE_VALUE_LIMITS.maxTimestampMs`).
   */
  sleep(key: string, ms: number): Promise<void>;
  /**
   * Waits durably for the signal `name` (`orchestrator.signal`, `POST /v1/runs/{id}/signals/{name}`). A signal
   * sent before the wait begins is kept and returned at once. After `timeoutMs` it resolves
   * `{ received: false, timedOut: true }`, unless the signal reached the store before the timeout was journaled:
   * then it is received. A signal sent once the wait timed out is refused with `SIGNAL_CONFLICT`.
   * @throws ValidationError (`VALIDATION_FAILED`) when `name` is not a name a caller can send, or `timeoutMs` is
   * negative, not finite, or puts the deadline after 9999-12-31T23:59:59.999Z.
   */
  waitForSignal<T = unknown>(name: string, options: { timeoutMs: number }): Promise<SignalResult<T>>;
  /**
   * Starts a child run of another agent (queued, linked by `parentRunId`, same organization and user) and waits
   * for it durably: while the child runs, this run is `WAITING` and holds no worker. Resolves with the child's
   * output; rejects with `ChildRunFailedError` (`CHILD_RUN_FAILED`) when the child fails, times out or is
   * cancelled. The start is journaled: a retried or resumed parent waits for the same child, never a second one.
   * Several children may be started at once and awaited together (`Promise.all`). Cancelling the parent cancels
   * its open children.
   * @example
   * const [a, b] = await Promise.all(docs.map((doc) => ctx.runAgent(normalizeAgent, { doc })));
   */
  runAgent<Input extends z.ZodType, Output extends z.ZodType>(agent: ChildAgentReference<Input, Output>, input: z.input<Input>, options?: RunAgentOptions): Promise<z.output<Output>>;
  runAgent<T = unknown>(agent: string, input: unknown, options?: RunAgentOptions): Promise<T>;
  /**
   * Adds a metric to the run's `AgentRunMetric` rows (for example tokens used). Unit default `count`.
   * @throws ValidationError (`VALIDATION_FAILED`, field `value`, `name` or `unit`) when the value is not a finite
   * number (a ratio of zero by zero), or the name or unit holds a NUL character or an unpaired surrogate; nothing is
   * recorded.
   */
  reportMetric(name: string, value: number, unit?: string): void;
}

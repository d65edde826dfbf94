import { StoreUnavailableError } from "../errors/errors.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { ToolCallContext, ToolCallOptions, ToolName } from "../model/run-context.js";
import type { Logger } from "../ports/logger.js";
import type { Span } from "../ports/tracer.js";
import { stepIdempotencyKey } from "../util/step-idempotency-key.js";
import type { ExecutionDependencies } from "./execution-dependencies.js";
import type { StepKeys } from "./step-keys.js";

/** What one run's tool calls share. */
export interface ToolScope {
  run: AgentRun;
  attempt: number;
  signal: AbortSignal;
  runSpan: Span;
  logger: () => Logger;
  onToolCall: () => void;
  stepKeys: StepKeys;
}

const parseToolName = (name: ToolName): { connector: string; action: string; label: string } => {
  if (typeof name === "object") return { ...name, label: `${name.connector}.${name.action}` };
  const dot = name.indexOf(".");
  return dot > 0 ? { connector: name.slice(0, dot), action: name.slice(dot + 1), label: name } : { connector: name, action: name, label: name };
};

const errorCodeOf = (error: unknown): string => (NeonhubError.isInstance(error) ? error.code : error instanceof Error ? error.name : "Error");

/**
 * Runs `fn` as a recorded tool execution: a `RUNNING` record before (so a crash still leaves a trace), the
 * redacted result after, an `execute_tool` span and a metric. If the start cannot be recorded the call is not made.
 */
export async function recordToolCall<T>(
  dependencies: ExecutionDependencies,
  scope: ToolScope,
  name: ToolName,
  input: unknown,
  fn: (call: ToolCallContext) => Promise<T>,
  options: ToolCallOptions = {},
): Promise<T> {
  const { store, metrics, tracer, clock } = dependencies;
  const redactor = options.secretValues?.length ? dependencies.redactor.withValues(options.secretValues) : dependencies.redactor;
  const { connector, action, label } = parseToolName(name);
  const stepKey = scope.stepKeys.next(options.key ?? label, options.key !== undefined);
  const startedAt = clock.now();
  const id = dependencies.newId(startedAt);
  const span = tracer.startSpan(`execute_tool ${label}`, {
    kind: "internal",
    parent: scope.runSpan,
    attributes: { "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": label, "neonhub.run.id": scope.run.id },
  });
  scope.onToolCall();
  try {
    await store.startToolExecution({
      id,
      organizationId: scope.run.organizationId,
      runId: scope.run.id,
      connector,
      action,
      input: redactor.redact(input),
      attempt: scope.attempt,
      startedAt: new Date(startedAt),
    });
  } catch (error) {
    span.recordFailure("STORE_UNAVAILABLE");
    span.end();
    throw new StoreUnavailableError(`Tool call ${label} was not made: it could not be recorded.`, { cause: error, runId: scope.run.id });
  }

  const finish = async (status: "SUCCEEDED" | "FAILED", output: unknown, error: unknown): Promise<void> => {
    const completedAt = clock.now();
    metrics.toolExecutionFinished({ connector, action, status, durationMs: completedAt - startedAt });
    try {
      await store.finishToolExecution({
        organizationId: scope.run.organizationId,
        id,
        status,
        output: status === "SUCCEEDED" ? redactor.redact(output) : null,
        error: status === "FAILED" ? { code: errorCodeOf(error), message: redactor.redactText(error instanceof Error ? error.message : String(error)) } : null,
        completedAt: new Date(completedAt),
        durationMs: completedAt - startedAt,
      });
    } catch (storeError) {
      // The call already happened; failing the run now would retry a side effect. Leave a trace instead.
      scope.logger().error({ toolExecutionId: id, tool: label, error: storeError }, "tool execution could not be finished in the store");
    }
  };

  try {
    const output = await fn({ signal: scope.signal, attempt: scope.attempt, logger: scope.logger(), stepKey, idempotencyKey: stepIdempotencyKey(scope.run.id, stepKey) });
    await finish("SUCCEEDED", output, null);
    return output;
  } catch (error) {
    span.recordFailure(errorCodeOf(error), redactor.redactText(error instanceof Error ? error.message : String(error)));
    await finish("FAILED", null, error);
    throw error;
  } finally {
    span.end();
  }
}

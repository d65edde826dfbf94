import { isStorableText, RUN_STATUSES, storableValueProblems, STEP_KINDS, STEP_STATUSES, TOOL_EXECUTION_STATUSES, type AgentRun, type AgentRunWithTools, type ChildRunSummary, type JournalStepSummary, type ToolExecution } from "@neonhub/core";
import { z } from "zod";
import { storableTimestampSchema } from "./storable-timestamp-schema.js";
import { queryIntegerSchema } from "./query-integer-schema.js";

const storedErrorSchema = z.object({ code: z.string(), message: z.string() }).meta({ id: "RunError" });
const timestamp = z.iso.datetime();
const anyJson = z.unknown().meta({ description: "Any JSON value." });

/** Run ids as the stores issue them; anything else cannot exist and is refused before a lookup. */
export const runIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "must be a run id");

/** A run as the API shows it. */
export const runSchema = z
  .object({
    id: z.string(),
    agentName: z.string(),
    agentVersion: z.string(),
    organizationId: z.string(),
    userId: z.string(),
    intent: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    statusReason: z.string().nullable(),
    input: anyJson,
    output: anyJson,
    error: storedErrorSchema.nullable(),
    idempotencyKey: z.string().nullable(),
    attempts: z.number().int(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    durationMs: z.number().nullable(),
    traceId: z.string().nullable(),
    parentRunId: z.string().nullable(),
    timeoutMs: z
      .number()
      .int()
      .nullable()
      .meta({ description: "The request's timeoutMs: it bounds each execution of the run (its start and each resume). Null: the agent's own timeout." }),
    wakeAt: timestamp.nullable().meta({ description: "When a WAITING run is due to resume (its sleep ends or its wait times out)." }),
    takeovers: z
      .number()
      .int()
      .meta({ description: "How many times another executor took the run over after its own stopped renewing its lease (died or stalled); past the host's NEONHUB_MAX_RUN_TAKEOVERS the run fails with TAKEOVER_LIMIT." }),
  })
  .meta({ id: "AgentRun" });

/** A step of a run's journal, without its output (which replays use and the API never shows). */
export const runStepSchema = z
  .object({
    position: z.number().int(),
    key: z.string(),
    kind: z.enum(STEP_KINDS),
    status: z.enum(STEP_STATUSES),
    error: storedErrorSchema.nullable(),
    attempts: z.number().int(),
    startedAt: timestamp,
    completedAt: timestamp.nullable(),
    wakeAt: timestamp.nullable(),
    childRunId: z
      .string()
      .nullable()
      .meta({ description: "The child run (ctx.runAgent) whose end a CHILD step read: read it with GET /v1/runs/{id}. Null for every other kind of step." }),
  })
  .meta({ id: "RunStep" });

/** A recorded connector or tool call. */
export const toolExecutionSchema = z
  .object({
    id: z.string(),
    runId: z.string(),
    connector: z.string(),
    action: z.string(),
    status: z.enum(TOOL_EXECUTION_STATUSES),
    input: anyJson,
    output: anyJson,
    error: storedErrorSchema.nullable(),
    attempt: z.number().int(),
    startedAt: timestamp,
    completedAt: timestamp.nullable(),
    durationMs: z.number().nullable(),
    stepKey: z.string().nullable(),
  })
  .meta({ id: "ToolExecution" });

/** A run started by another run (`ctx.runAgent`), with its own children: a run's tree. */
export const childRunSchema = z
  .object({
    id: z.string(),
    agentName: z.string(),
    status: z.enum(RUN_STATUSES),
    statusReason: z.string().nullable(),
    createdAt: timestamp,
    startedAt: timestamp.nullable(),
    completedAt: timestamp.nullable(),
    durationMs: z.number().nullable(),
    truncated: z.boolean().meta({ description: "True when this run's children did not fit in the tree (200 runs at most): read this run for them." }),
    get children(): z.ZodArray<typeof childRunSchema> {
      return z.array(childRunSchema);
    },
  })
  .meta({ id: "ChildRun" });

/** A run with its tool executions, its journal's steps and the runs it started. */
export const runWithToolsSchema = runSchema
  .extend({
    toolExecutions: z.array(toolExecutionSchema),
    steps: z.array(runStepSchema),
    children: z.array(childRunSchema).meta({ description: "Child runs (ctx.runAgent), oldest first, each with its own." }),
    childrenTruncated: z.boolean().meta({ description: "True when the run started more runs than the tree holds (200 at most): `children` leaves some out." }),
  })
  .meta({ id: "AgentRunWithTools" });

/** Names of signals: as `orchestrator.signal` accepts them; `child:` names are sent only by child runs. */
export const signalNameSchema = z
  .string()
  .regex(/^(?!child:)[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, "must be 1 to 100 letters, digits, '.', '_', ':' or '-', not starting with 'child:' (reserved for child runs)");

/** Any JSON value the store can hold, as a run's input must be; each problem is named by its path in the value. */
const storableJson = z.unknown().superRefine((value, context) => {
  for (const problem of storableValueProblems(value, "")) {
    context.addIssue({ code: "custom", message: problem.message, path: problem.path === "" ? [] : problem.path.split(".") });
  }
});

/** Body of `POST /v1/runs/{id}/signals/{name}`. */
export const signalBodySchema = z
  .object({
    payload: storableJson
      .optional()
      .meta({ description: "What the waiting handler receives; null when absent. Held to the limits of a run's input (no NUL or unpaired surrogates, at most 64 levels deep)." }),
  })
  .strict()
  .meta({ id: "SignalRequest" });

/** Body of `POST /v1/runs`. */
export const createRunBodySchema = z
  .object({
    agent: z.string().min(1).max(100),
    intent: z.string().max(2_000).optional(),
    input: z.unknown().refine((value) => value !== undefined, { message: "is required" }),
    idempotencyKey: z.string().min(1).max(255).optional(),
    async: z.boolean().default(false),
    timeoutMs: z.number().int().min(1).max(600_000).optional(),
  })
  .strict()
  .meta({ id: "CreateRunRequest" });

/** Answer of an asynchronous `POST /v1/runs`. */
export const queuedRunSchema = z.object({ id: z.string(), status: z.literal("QUEUED") }).meta({ id: "QueuedRun" });

/** Text a filter may hold: what the store can compare with (no NUL, no unpaired surrogate). */
const storableText = (schema: z.ZodString) => schema.refine(isStorableText, { message: "must not contain NUL or unpaired UTF-16 surrogates" });

/** Query of `GET /v1/runs`. */
export const listRunsQuerySchema = z
  .object({
    agent: storableText(z.string().min(1).max(100)).optional(),
    status: z.enum(RUN_STATUSES).optional(),
    user: storableText(z.string().min(1).max(200)).optional().meta({ description: "Only runs started by this user id." }),
    intent: storableText(z.string().min(1).max(200)).optional().meta({ description: "Only runs whose intent contains this text (case-insensitive)." }),
    createdAfter: storableTimestampSchema.optional().meta({ description: "Inclusive lower bound on createdAt." }),
    createdBefore: storableTimestampSchema.optional().meta({ description: "Exclusive upper bound on createdAt." }),
    limit: queryIntegerSchema({ min: 1, max: 100, default: 20 }),
    cursor: storableText(z.string().min(1).max(512)).optional().meta({ description: "nextCursor of the previous page." }),
  })
  .strict();

/** One page of runs. */
export const runPageSchema = z.object({ runs: z.array(runSchema), nextCursor: z.string().nullable() }).meta({ id: "RunPage" });

// toISOString is slow next to the rest of a response, and a run's timestamps repeat: createdAt equals startedAt,
// and runs answered together share milliseconds. The last two formatted are remembered (a run has at most two
// distinct ones: created and completed).
const recentTimes = [Number.NaN, Number.NaN];
const recentTexts = ["", ""];
let nextSlot = 0;
const formatTimestamp = (date: Date): string => {
  const time = date.getTime();
  if (time === recentTimes[0]) return recentTexts[0] as string;
  if (time === recentTimes[1]) return recentTexts[1] as string;
  const text = date.toISOString();
  recentTimes[nextSlot] = time;
  recentTexts[nextSlot] = text;
  nextSlot = 1 - nextSlot;
  return text;
};
const toIso = (date: Date | null): string | null => (date === null ? null : formatTimestamp(date));

/** The API view of a run: dates as ISO strings, the request fingerprint left out. */
export function toRunResource(run: AgentRun): z.input<typeof runSchema> {
  return {
    id: run.id,
    agentName: run.agentName,
    agentVersion: run.agentVersion,
    organizationId: run.organizationId,
    userId: run.userId,
    intent: run.intent,
    status: run.status,
    statusReason: run.statusReason,
    input: run.input,
    output: run.output ?? null,
    error: run.error,
    idempotencyKey: run.idempotencyKey,
    attempts: run.attempts,
    createdAt: formatTimestamp(run.createdAt),
    startedAt: toIso(run.startedAt),
    completedAt: toIso(run.completedAt),
    durationMs: run.durationMs,
    traceId: run.traceId,
    parentRunId: run.parentRunId,
    timeoutMs: run.timeoutMs,
    wakeAt: toIso(run.wakeAt),
    takeovers: run.takeovers,
  };
}

/** The API view of a journal step. */
export function toRunStepResource(step: JournalStepSummary): z.input<typeof runStepSchema> {
  return {
    position: step.position,
    key: step.key,
    kind: step.kind,
    status: step.status,
    error: step.error,
    attempts: step.attempts,
    startedAt: step.startedAt.toISOString(),
    completedAt: toIso(step.completedAt),
    wakeAt: toIso(step.wakeAt),
    childRunId: step.childRunId,
  };
}

/** The API view of a tool execution. */
export function toToolExecutionResource(execution: ToolExecution): z.input<typeof toolExecutionSchema> {
  return {
    ...execution,
    output: execution.output ?? null,
    startedAt: execution.startedAt.toISOString(),
    completedAt: toIso(execution.completedAt),
  };
}

/** The API view of a run's tree. */
export function toChildRunResource(child: ChildRunSummary): z.input<typeof childRunSchema> {
  return {
    id: child.id,
    agentName: child.agentName,
    status: child.status,
    statusReason: child.statusReason,
    createdAt: child.createdAt.toISOString(),
    startedAt: toIso(child.startedAt),
    completedAt: toIso(child.completedAt),
    durationMs: child.durationMs,
    truncated: child.truncated,
    children: child.children.map(toChildRunResource),
  };
}

/** The API view of a run with its tool executions, steps and children. */
export function toRunWithToolsResource(run: AgentRunWithTools): z.input<typeof runWithToolsSchema> {
  return {
    ...toRunResource(run),
    toolExecutions: run.toolExecutions.map(toToolExecutionResource),
    steps: run.steps.map(toRunStepResource),
    children: run.children.map(toChildRunResource),
    childrenTruncated: run.childrenTruncated,
  };
}

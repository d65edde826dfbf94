import { ValidationError, type AgentRun, type JournalStep, type RunSignal, type RunStatus, type StepKind, type StepStatus, type StoredError, type ToolExecution, type ToolExecutionStatus } from "@neonhub/core";

/**
 * The columns of an `AgentRun` row, as Prisma returns them from typed and raw queries alike: the run's own fields,
 * with its status and error as the database holds them (checked when read into an {@link AgentRun}). `durationMs` is
 * a `bigint` column: Prisma reads it as a `bigint`, `pg` as a string and PGlite as a number or a `bigint`.
 */
export type AgentRunRow = Omit<AgentRun, "status" | "error" | "durationMs"> & { status: string; error: unknown; durationMs: DatabaseBigint | null };

/** How the drivers return a PostgreSQL `bigint`. */
export type DatabaseBigint = bigint | number | string;

/**
 * A `bigint` column read as a number of milliseconds. Durations stay far below 2^53 ms (285,000 years), so the
 * conversion is exact.
 */
export function toMilliseconds(value: DatabaseBigint | null): number | null {
  return value === null ? null : Number(value);
}

/** The columns of a `RunStep` row. */
export interface RunStepRow {
  runId: string;
  position: number;
  key: string;
  kind: string;
  status: string;
  output: unknown;
  error: unknown;
  attempts: number;
  startedAt: Date;
  completedAt: Date | null;
  wakeAt: Date | null;
}

/** The columns of a `RunSignal` row. */
export interface RunSignalRow {
  runId: string;
  name: string;
  payload: unknown;
  sentBy: string | null;
  sentAt: Date;
}

/** The columns of a `ToolExecution` row. */
export interface ToolExecutionRow {
  id: string;
  runId: string;
  connector: string;
  action: string;
  status: string;
  input: unknown;
  output: unknown;
  error: unknown;
  attempt: number;
  startedAt: Date;
  completedAt: Date | null;
  durationMs: number | null;
  stepKey: string | null;
}

/**
 * JSON text for a `jsonb` parameter; a value JSON writes as nothing (`undefined`, a function, a symbol, an object whose
 * `toJSON` returns nothing) is stored as JSON null. A value JSON cannot hold (a `bigint`, a
 * cycle) is the caller's to fix, as a value the database refuses is: a `ValidationError`, never retried, so that a
 * step whose output is such a value fails instead of being taken for a lost write and run again.
 * @throws ValidationError naming what JSON could not hold.
 */
export function toJsonText(value: unknown): string {
  try {
    // JSON.stringify answers undefined, not text, for what it writes as nothing: a SQL NULL the columns refuse.
    return JSON.stringify(value) ?? "null";
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`A value cannot be stored as JSON: ${reason}.`, [{ path: "", message: "Must be a JSON value (no bigint, no cycle)" }], { cause: error });
  }
}

function toStoredError(value: unknown): StoredError | null {
  if (typeof value !== "object" || value === null) return null;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return { code: String(code ?? "UNKNOWN"), message: String(message ?? "") };
}

export function toAgentRun(row: AgentRunRow): AgentRun {
  return {
    id: row.id,
    agentName: row.agentName,
    agentVersion: row.agentVersion,
    organizationId: row.organizationId,
    userId: row.userId,
    intent: row.intent,
    status: row.status as RunStatus,
    statusReason: row.statusReason,
    input: row.input ?? null,
    output: row.output ?? null,
    error: toStoredError(row.error),
    idempotencyKey: row.idempotencyKey,
    requestHash: row.requestHash,
    attempts: row.attempts,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: toMilliseconds(row.durationMs),
    traceId: row.traceId,
    parentRunId: row.parentRunId,
    timeoutMs: row.timeoutMs,
    fence: row.fence,
    takeovers: row.takeovers,
    leaseOwner: row.leaseOwner,
    leaseExpiresAt: row.leaseExpiresAt,
    wakeAt: row.wakeAt,
  };
}

export function toJournalStep(row: RunStepRow): JournalStep {
  return {
    runId: row.runId,
    position: row.position,
    key: row.key,
    kind: row.kind as StepKind,
    status: row.status as StepStatus,
    output: row.output ?? null,
    error: toStoredError(row.error),
    attempts: row.attempts,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    wakeAt: row.wakeAt,
  };
}

export function toRunSignal(row: RunSignalRow): RunSignal {
  return { runId: row.runId, name: row.name, payload: row.payload ?? null, sentBy: row.sentBy, sentAt: row.sentAt };
}

export function toToolExecution(row: ToolExecutionRow): ToolExecution {
  return {
    id: row.id,
    runId: row.runId,
    connector: row.connector,
    action: row.action,
    status: row.status as ToolExecutionStatus,
    input: row.input ?? null,
    output: row.output ?? null,
    error: toStoredError(row.error),
    attempt: row.attempt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.durationMs,
    stepKey: row.stepKey,
  };
}

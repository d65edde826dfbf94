import {
  RunNotFoundError,
  SignalConflictError,
  isFinalRunStatus,
  refuseUnstorableTexts,
  signalAfterWaitConflict,
  timeoutAfterSignalConflict,
  type AgentRun,
  type RecordStepInput,
  type SendSignalInput,
} from "@neonhub/core";
import type { PreparedStatements } from "../database/prepared-statements.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { RECORD_STEPS_SQL, refusal, stepRecordRows } from "./journal-writes.js";
import { toAgentRun, toJsonText, type AgentRunRow } from "./run-records.js";
import { RUN_COLUMNS, runColumnsText } from "./run-writes.js";
import { oneRunSql, updateFoundRunsSql } from "./runs-by-key.js";

/*
 * A signal and the timeout of its wait are kept one or the other, never both: each write takes the run's row lock
 * (`FOR UPDATE` for the signal, `FOR SHARE` for the journal step) in a first statement, and looks for the other in a
 * later one, whose snapshot holds whatever was committed before the lock was granted.
 */

/** Wakes run `$1` of organization `$2` at `$3` when it waits and would not wake sooner. */
export const WAKE_RUN_SQL = updateFoundRunsSql(
  oneRunSql("UPDATE", `"current"."status" = 'WAITING' AND ("current"."wakeAt" IS NULL OR "current"."wakeAt" > $3::timestamptz)`),
  `"wakeAt" = $3::timestamptz`,
  runColumnsText("run"),
);

/** Whether run `$1` holds signal `$2`. */
const FIND_SIGNAL_SQL = `SELECT "name" FROM "RunSignal" WHERE "runId" = $1 AND "name" = $2`;

/**
 * Keeps a signal and wakes a run waiting for it; the run's row is locked first (see `suspendRun`). A signal whose
 * wait ended (the `SIGNAL` step keyed by its name `SUCCEEDED`) is refused, and the insert rolled back.
 */
export async function sendSignal(prisma: PrismaClient, input: SendSignalInput): Promise<AgentRun> {
  // Run rows are written as JSON, which refuses such texts; a signal's are plain columns.
  refuseUnstorableTexts("signal", { organizationId: input.organizationId, runId: input.runId, name: input.name, sentBy: input.sentBy });
  const row = await prisma.$transaction(async (transaction) => {
    const [run] = await transaction.$queryRaw<AgentRunRow[]>`
      SELECT ${RUN_COLUMNS} FROM "AgentRun" WHERE "id" = ${input.runId} AND "organizationId" = ${input.organizationId} FOR UPDATE`;
    if (!run) throw new RunNotFoundError(input.runId);
    if (isFinalRunStatus(toAgentRun(run).status)) throw new SignalConflictError(input.runId, `Run "${input.runId}" has ended (${run.status}) and takes no signals.`);
    const inserted = await transaction.$queryRaw<{ name: string }[]>`
      INSERT INTO "RunSignal" ("runId", "name", "payload", "sentBy", "sentAt")
      VALUES (${input.runId}, ${input.name}, ${toJsonText(input.payload)}::jsonb, ${input.sentBy}, ${input.sentAt}::timestamptz)
      ON CONFLICT DO NOTHING RETURNING "name"`;
    if (inserted.length === 0) throw new SignalConflictError(input.runId, `Run "${input.runId}" already received signal "${input.name}".`);
    const ended = await transaction.$queryRaw<{ key: string }[]>`
      SELECT "key" FROM "RunStep" WHERE "runId" = ${input.runId} AND "key" = ${input.name} AND "kind" = 'SIGNAL' AND "status" = 'SUCCEEDED'`;
    if (ended.length > 0) throw signalAfterWaitConflict(input.runId, input.name);
    const [woken] = await transaction.$queryRawUnsafe<AgentRunRow[]>(WAKE_RUN_SQL, input.runId, input.organizationId, input.sentAt);
    return woken ?? run;
  });
  return toAgentRun(row);
}

/**
 * Journals a wait for a signal as timed out, unless the run holds the signal: then nothing is written and
 * `SignalConflictError` is thrown. Not batched with other steps, since it needs a statement after the lock.
 * @throws LeaseLostError when the run is not held under the input's fence; RunNotFoundError when it is unknown.
 */
export async function recordSignalTimeout(prisma: PrismaClient, statements: PreparedStatements, input: RecordStepInput & { timedOutSignal: string }): Promise<void> {
  const written = await statements.transaction(async (transaction) => {
    const rows = await transaction.query<{ runId: string }>("neonhub_record_steps", RECORD_STEPS_SQL, [stepRecordRows([input])]);
    if (rows.length === 0) return false;
    const signals = await transaction.query<{ name: string }>("neonhub_find_signal", FIND_SIGNAL_SQL, [input.runId, input.timedOutSignal]);
    if (signals.length > 0) throw timeoutAfterSignalConflict(input.runId, input.timedOutSignal);
    return true;
  });
  if (!written) throw await refusal(prisma, input.organizationId, input.runId);
}

import { type FieldError, ValidationError } from "../errors/errors.js";
import type { AgentDefinition } from "../model/agent-definition.js";
import type { AgentRun, StoredError } from "../model/agent-run.js";
import { type JournalStep, STEP_KINDS, STEP_STATUSES, type StepKind, type StepStatus } from "../model/journal-step.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";

/** A time as a recorded history holds it: a `Date` read from a store, or the ISO string of a JSON file. */
export type RecordedTime = Date | string;

/**
 * The fields of a recorded run that a replay reads. An `AgentRun` read from a store is one, and so is the same run
 * saved as JSON and imported (`import history from "./run.json" with { type: "json" }`), times as strings.
 */
export interface RecordedRunRecord {
  id: string;
  organizationId: string;
  userId: string;
  intent: string | null;
  input: unknown;
  /** The run's own output, given back as `recordedOutput`. */
  output?: unknown;
  createdAt: RecordedTime;
  startedAt: RecordedTime | null;
  parentRunId?: string | null;
}

/**
 * A recorded journal step: a `JournalStep` read with `store.listSteps` (with its `output`), or the same step imported
 * from JSON. `kind` and `status` are checked when the history is replayed, as a JSON import types them as strings.
 */
export interface RecordedStep {
  position: number;
  key: string;
  /** One of `STEP_KINDS`. */
  kind: string;
  /** One of `STEP_STATUSES`. */
  status: string;
  /** What the step returned (`store.listSteps` has it; the steps of `orchestrator.getRun` do not, and cannot replay). */
  output: unknown;
  error: StoredError | null;
  attempts: number;
  startedAt: RecordedTime;
  completedAt: RecordedTime | null;
  wakeAt: RecordedTime | null;
}

/**
 * A run as recorded in a store: the run (`orchestrator.getRun` or `store.getRun`) and its journal
 * (`store.listSteps`), as read or as saved to a JSON file and imported.
 */
export interface RecordedRun {
  run: RecordedRunRecord;
  steps: readonly RecordedStep[];
}

/** How a recorded run replayed against the agent's current code. */
export interface ReplayResult {
  runId: string;
  /**
   * - `completed`: the handler replayed the whole history and returned (`output`);
   * - `history_ended`: it replayed every recorded step and then asked for one the history does not hold as done
   *   (a run recorded while it was still going, or a failed step): compatible so far. A `with-key` step left
   *   `STARTED` ends the history here whatever its age and its `keyRetentionMs`, so that a replay's outcome does not
   *   depend on the day it runs;
   * - `diverged`: it asked for a different step than the history holds at a position (`error` names both);
   * - `failed`: it failed another way (`error`), for example on output its new schema refuses.
   */
  outcome: "completed" | "history_ended" | "diverged" | "failed";
  output: unknown;
  error: StoredError | null;
  /** The recorded run's own output, to compare with `output`. */
  recordedOutput: unknown;
}

/**
 * Replays recorded runs of an agent against its current code, as Temporal's replay tests do: every step is
 * answered from the recorded journal, and no step function runs, so nothing reaches a provider. Use it in a test
 * before deploying a changed agent whose runs may be in flight: a `diverged` result is a run that would fail with
 * `NON_DETERMINISTIC` if the change were deployed.
 * @example
 * const history = { run: await store.getRun(org, id), steps: await store.listSteps(org, id) };
 * const [result] = await replayRunHistory({ agent: changedAgent, history: [history] });
 * expect(result?.outcome).toBe("completed");
 * @throws ValidationError when a recorded step's `kind` or `status` is not one a journal holds (`fieldErrors` name it).
 */
export async function replayRunHistory(options: { agent: AgentDefinition; history: readonly RecordedRun[] }): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const [index, { run, steps }] of options.history.entries()) {
    const journal = steps.map((step, position) => checkedStep(step, `history.${index}.steps.${position}`));
    const store = createMemoryRunStore();
    const createdAt = new Date(run.createdAt);
    // The recorded run, held by an executor long gone, on the version under test (the point is to try a new one).
    await store.createRun({
      id: run.id,
      agentName: options.agent.name,
      agentVersion: options.agent.version,
      organizationId: run.organizationId,
      userId: run.userId,
      intent: run.intent,
      input: run.input,
      idempotencyKey: null,
      requestHash: null,
      status: "RUNNING",
      createdAt,
      startedAt: run.startedAt === null ? createdAt : new Date(run.startedAt),
      traceId: null,
      parentRunId: run.parentRunId ?? null,
      lease: { owner: "recorded", expiresAt: new Date(0) },
    });
    for (const step of journal) await store.recordStep({ organizationId: run.organizationId, runId: run.id, fence: 1, step });
    const orchestrator = createOrchestrator({
      agents: [options.agent],
      store,
      policies: { retry: { attempts: 1 }, breaker: { enabled: false }, admission: { enabled: false } },
      durability: { sweepIntervalMs: 0, replayOnly: true },
    });
    await orchestrator.resumeDueRuns();
    const replayed = await waitForEnd(store, run);
    await orchestrator.drain({ deadlineMs: 0 });
    const error = replayed.error;
    const historyEnded = replayed.statusReason === "non_deterministic" && error?.message.startsWith("The replay reached step") === true;
    results.push({
      runId: run.id,
      outcome: replayed.status === "COMPLETED" ? "completed" : historyEnded || replayed.status === "WAITING" ? "history_ended" : error?.code === "NON_DETERMINISTIC" ? "diverged" : "failed",
      output: replayed.output,
      error,
      recordedOutput: run.output,
    });
  }
  return results;
}

/** A recorded step as the journal holds it, or a `ValidationError` naming the field that is not a kind or status. */
function checkedStep(step: RecordedStep, path: string): Omit<JournalStep, "runId"> {
  const problems: FieldError[] = [];
  if (!(STEP_KINDS as readonly string[]).includes(step.kind)) problems.push({ path: `${path}.kind`, message: `Expected one of ${STEP_KINDS.join(", ")}.` });
  if (!(STEP_STATUSES as readonly string[]).includes(step.status)) problems.push({ path: `${path}.status`, message: `Expected one of ${STEP_STATUSES.join(", ")}.` });
  if (problems.length > 0) throw new ValidationError("The recorded history holds a step that is not a journal step.", problems);
  return {
    position: step.position,
    key: step.key,
    kind: step.kind as StepKind,
    status: step.status as StepStatus,
    output: step.output,
    error: step.error,
    attempts: step.attempts,
    startedAt: new Date(step.startedAt),
    completedAt: step.completedAt === null ? null : new Date(step.completedAt),
    wakeAt: step.wakeAt === null ? null : new Date(step.wakeAt),
  };
}

/** The replayed run once it stops: the replay answers from memory, so a few turns of the event loop suffice. */
async function waitForEnd(store: ReturnType<typeof createMemoryRunStore>, run: RecordedRunRecord): Promise<AgentRun> {
  for (let turn = 0; turn < 1_000; turn += 1) {
    const current = await store.getRun(run.organizationId, run.id);
    if (current && current.status !== "RUNNING") return current;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`The replay of run ${run.id} did not stop: its handler waits on something outside its steps.`);
}

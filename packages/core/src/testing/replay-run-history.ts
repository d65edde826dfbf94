import type { AgentDefinition } from "../model/agent-definition.js";
import type { AgentRun, StoredError } from "../model/agent-run.js";
import type { JournalStep } from "../model/journal-step.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";

/**
 * A run as recorded in a store: the run (`orchestrator.getRun` or `store.getRun`) and its journal
 * (`store.listSteps`). Times may be `Date`s or the ISO strings a JSON file holds.
 */
export interface RecordedRun {
  run: AgentRun;
  steps: readonly JournalStep[];
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
 * expect(result.outcome).toBe("completed");
 */
export async function replayRunHistory(options: { agent: AgentDefinition; history: readonly RecordedRun[] }): Promise<ReplayResult[]> {
  const results: ReplayResult[] = [];
  for (const { run, steps } of options.history) {
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
      parentRunId: run.parentRunId,
      lease: { owner: "recorded", expiresAt: new Date(0) },
    });
    for (const { runId: _runId, ...step } of steps) {
      const times = { startedAt: new Date(step.startedAt), completedAt: step.completedAt === null ? null : new Date(step.completedAt), wakeAt: step.wakeAt === null ? null : new Date(step.wakeAt) };
      await store.recordStep({ organizationId: run.organizationId, runId: run.id, fence: 1, step: { ...step, ...times } });
    }
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

/** The replayed run once it stops: the replay answers from memory, so a few turns of the event loop suffice. */
async function waitForEnd(store: ReturnType<typeof createMemoryRunStore>, run: AgentRun): Promise<AgentRun> {
  for (let turn = 0; turn < 1_000; turn += 1) {
    const current = await store.getRun(run.organizationId, run.id);
    if (current && current.status !== "RUNNING") return current;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`The replay of run ${run.id} did not stop: its handler waits on something outside its steps.`);
}

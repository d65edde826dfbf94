import { ConfigurationError, RunNotFoundError, ValidationError } from "../errors/errors.js";
import type { AgentRun } from "../model/agent-run.js";
import type { RunMetric } from "../model/run-metric.js";
import type { ToolExecution } from "../model/tool-execution.js";
import type { ListRunsQuery, RunPage, RunStore } from "../ports/run-store.js";
import { decodeCursor, encodeCursor } from "../util/run-cursor.js";

/** Options of {@link createMemoryRunStore}. */
export interface MemoryRunStoreOptions {
  /** Runs kept at most; the oldest finished runs are dropped first. Default 10,000. */
  maxRuns?: number;
}

interface StoredRun {
  run: AgentRun;
  tools: ToolExecution[];
  metrics: RunMetric[];
}

const MAX_EVICTION_SCAN = 64;
// Shared by every run until its first tool call or finish: most runs of a busy store would otherwise each keep
// two empty arrays alive.
const NONE: never[] = Object.freeze([]) as never[];

// Records are copied in and out so that callers can never change what is stored.
const copyRun = (run: AgentRun): AgentRun => ({ ...run });
const copyTool = (tool: ToolExecution): ToolExecution => ({ ...tool });
const isNewerFirst = (a: AgentRun, b: AgentRun): number => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A {@link RunStore} in process memory, for tests, development and benchmarks. It is bounded: beyond `maxRuns`
 * the oldest finished run (with its tool executions and metrics) is dropped.
 */
export function createMemoryRunStore(options: MemoryRunStoreOptions = {}): RunStore {
  const maxRuns = options.maxRuns ?? 10_000;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new ConfigurationError("maxRuns must be a positive integer.");
  const runs = new Map<string, StoredRun>();
  const idempotency = new Map<string, string>();
  const toolOwners = new Map<string, string>();
  const idempotencyKeyOf = (organizationId: string, key: string) => `${organizationId}\u0000${key}`;

  const find = (organizationId: string, runId: string): StoredRun | undefined => {
    const stored = runs.get(runId);
    return stored && stored.run.organizationId === organizationId ? stored : undefined;
  };

  const forget = (runId: string, stored: StoredRun): void => {
    runs.delete(runId);
    if (stored.run.idempotencyKey !== null) idempotency.delete(idempotencyKeyOf(stored.run.organizationId, stored.run.idempotencyKey));
    for (const tool of stored.tools) toolOwners.delete(tool.id);
  };

  // Creation order, kept apart from the Map: evicting from a Map's front makes V8 skip ever more holes.
  let order: string[] = [];
  let head = 0;
  const evictIfFull = (): void => {
    for (let scanned = 0; runs.size >= maxRuns && head < order.length; scanned += 1) {
      const runId = order[head++] as string;
      const stored = runs.get(runId);
      if (!stored) continue;
      // Open runs are still being written; keep them unless nothing else can go.
      if ((stored.run.status === "RUNNING" || stored.run.status === "QUEUED") && scanned < MAX_EVICTION_SCAN) order.push(runId);
      else forget(runId, stored);
    }
    if (head > 1_024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
  };

  const toolOf = (organizationId: string, id: string): ToolExecution | undefined => {
    const runId = toolOwners.get(id);
    return runId === undefined ? undefined : find(organizationId, runId)?.tools.find((tool) => tool.id === id);
  };

  return {
    specificationVersion: "v1",

    async createRun(input) {
      if (input.idempotencyKey !== null) {
        const existingId = idempotency.get(idempotencyKeyOf(input.organizationId, input.idempotencyKey));
        const existing = existingId === undefined ? undefined : runs.get(existingId);
        if (existing) return { created: false, run: copyRun(existing.run) };
      }
      evictIfFull();
      // Fields are listed one by one: spreading the input and adding more puts V8 objects this large in
      // dictionary mode, which made each create about a hundred times slower.
      const run: AgentRun = {
        id: input.id,
        agentName: input.agentName,
        agentVersion: input.agentVersion,
        organizationId: input.organizationId,
        userId: input.userId,
        intent: input.intent,
        status: input.status,
        statusReason: null,
        input: input.input,
        output: null,
        error: null,
        idempotencyKey: input.idempotencyKey,
        requestHash: input.requestHash,
        attempts: input.status === "RUNNING" ? 1 : 0,
        createdAt: input.createdAt,
        startedAt: input.startedAt,
        completedAt: null,
        durationMs: null,
        traceId: input.traceId,
        parentRunId: input.parentRunId,
      };
      runs.set(run.id, { run, tools: NONE, metrics: NONE });
      order.push(run.id);
      if (input.idempotencyKey !== null) idempotency.set(idempotencyKeyOf(input.organizationId, input.idempotencyKey), run.id);
      return { created: true, run: copyRun(run) };
    },

    async startRun(input) {
      const stored = find(input.organizationId, input.runId);
      if (!stored || stored.run.status !== "QUEUED") return null;
      Object.assign(stored.run, { status: "RUNNING", startedAt: input.startedAt, traceId: input.traceId, attempts: 1 });
      return copyRun(stored.run);
    },

    async recordAttempt(organizationId, runId, attempts) {
      const stored = find(organizationId, runId);
      if (stored && stored.run.attempts < attempts) stored.run.attempts = attempts;
    },

    async finishRun(input) {
      const stored = find(input.organizationId, input.runId);
      if (!stored) throw new RunNotFoundError(input.runId);
      if (stored.run.status !== "RUNNING" && stored.run.status !== "QUEUED") return copyRun(stored.run);
      const run = stored.run;
      run.status = input.status;
      run.statusReason = input.statusReason;
      run.output = input.output;
      run.error = input.error;
      run.attempts = input.attempts;
      run.completedAt = input.completedAt;
      run.durationMs = input.durationMs;
      stored.metrics = input.metrics.map((metric) => ({ ...metric }));
      return copyRun(stored.run);
    },

    async getRun(organizationId, runId) {
      const stored = find(organizationId, runId);
      return stored ? copyRun(stored.run) : null;
    },

    async findRunByIdempotencyKey(organizationId, key) {
      const runId = idempotency.get(idempotencyKeyOf(organizationId, key));
      const stored = runId === undefined ? undefined : runs.get(runId);
      return stored ? copyRun(stored.run) : null;
    },

    async listRuns(query: ListRunsQuery): Promise<RunPage> {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 500) {
        throw new ValidationError("limit must be an integer from 1 to 500.", [{ path: "limit", message: "Must be from 1 to 500" }]);
      }
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const matching: AgentRun[] = [];
      for (const { run } of runs.values()) {
        if (run.organizationId !== query.organizationId) continue;
        if (query.agentName !== undefined && run.agentName !== query.agentName) continue;
        if (query.status !== undefined && run.status !== query.status) continue;
        if (query.createdAfter !== undefined && run.createdAt < query.createdAfter) continue;
        if (query.createdBefore !== undefined && run.createdAt >= query.createdBefore) continue;
        if (after && isNewerFirst(run, { ...run, createdAt: after.createdAt, id: after.id }) <= 0) continue;
        matching.push(run);
      }
      matching.sort(isNewerFirst);
      const page = matching.slice(0, query.limit).map(copyRun);
      const last = page[page.length - 1];
      return { runs: page, nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null };
    },

    async startToolExecution(input) {
      const stored = find(input.organizationId, input.runId);
      if (!stored) throw new RunNotFoundError(input.runId);
      const tool: ToolExecution = {
        id: input.id,
        runId: input.runId,
        connector: input.connector,
        action: input.action,
        status: "RUNNING",
        input: input.input,
        output: null,
        error: null,
        attempt: input.attempt,
        startedAt: input.startedAt,
        completedAt: null,
        durationMs: null,
      };
      if (stored.tools === NONE) stored.tools = [];
      stored.tools.push(tool);
      toolOwners.set(tool.id, input.runId);
      return copyTool(tool);
    },

    async finishToolExecution(input) {
      const tool = toolOf(input.organizationId, input.id);
      if (!tool) throw new RunNotFoundError(input.id, { details: { entity: "toolExecution" } });
      Object.assign(tool, { status: input.status, output: input.output, error: input.error, completedAt: input.completedAt, durationMs: input.durationMs });
      return copyTool(tool);
    },

    async listToolExecutions(organizationId, runId) {
      return (find(organizationId, runId)?.tools ?? []).map(copyTool);
    },

    async listRunMetrics(organizationId, runId) {
      return (find(organizationId, runId)?.metrics ?? []).map((metric) => ({ ...metric }));
    },

    async recoverOrphanedRuns(input) {
      const recovered: string[] = [];
      for (const { run } of runs.values()) {
        if (run.status !== "RUNNING" || run.startedAt === null || run.startedAt >= input.startedBefore) continue;
        Object.assign(run, {
          status: "FAILED",
          statusReason: input.statusReason,
          error: { code: "HANDLER_FAILED", message: "The process running this run stopped before it finished." },
          completedAt: input.completedAt,
          durationMs: input.completedAt.getTime() - run.startedAt.getTime(),
        });
        recovered.push(run.id);
      }
      return recovered;
    },

    async checkHealth() {},
    async close() {},
  };
}

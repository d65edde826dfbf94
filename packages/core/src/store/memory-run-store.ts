import { LeaseLostError, SignalConflictError } from "../errors/durable-errors.js";
import { timeoutAfterSignalConflict, signalAfterWaitConflict } from "../errors/signal-conflicts.js";
import { ConfigurationError, RunNotFoundError, ValidationError } from "../errors/errors.js";
import { AlreadyExistsError } from "../errors/already-exists-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { JournalStep } from "../model/journal-step.js";
import type { RunSignal } from "../model/run-signal.js";
import { isFinalRunStatus } from "../model/run-status.js";
import type { RunMetric } from "../model/run-metric.js";
import type { ToolExecution } from "../model/tool-execution.js";
import type { ClaimedRun, ListRunsQuery, RunPage, RunStore } from "../ports/run-store.js";
import { summarizeAgentPeriodRecords, validateSummarizeAgentPeriodQuery, type PeriodRun } from "../util/agent-period-summary.js";
import { checkDeleteEndedRuns, checkQueuedRunsLimit } from "../util/run-store-limits.js";
import { decodeCursor, encodeCursor } from "../util/run-cursor.js";
import { summarizeRunRecords, validateListRunsFilters, validateSummarizeRunsQuery } from "../util/run-summary.js";
import { checkReportedMetric } from "../orchestrator/check-reported-metric.js";
import { copyStoredError, jsonTextOf, keptValueOf, readKept } from "./json-form.js";
import { keptError, keptText, refuseUnstorableText } from "./refuse-unstorable-text.js";
import { refuseUnreadableTexts } from "../util/store-text-checks.js";

/** Runs a memory store keeps when `maxRuns` is not given. */
const DEFAULT_MAX_RUNS = 1_000;
/** Options of {@link createMemoryRunStore}. */
export interface MemoryRunStoreOptions {
  /**
   * Runs kept at most. When the store is full, its older half is dropped at once, except runs still open (queued,
   * running or waiting) and the ended children of open parents, which are dropped only when such runs alone fill
   * the store (oldest first). So it holds the newest `maxRuns / 2` to `maxRuns` runs, and never more than `maxRuns`. Default 1,000: enough history for tests and development, and small enough that at high
   * rates most runs are collected while still young. A store that keeps each run past a young-generation
   * collection (10,000 runs at thousands of runs per second) doubles what `orchestrate` costs per run.
   */
  maxRuns?: number;
}

/**
 * A kept run: the fields of an `AgentRun`, with its times as milliseconds since the store's own epoch and its
 * metrics as one flat list (name, value, unit, name, ...). Every kept run is copied and then promoted by V8's
 * young-generation collector, and a `Date` is a 96-byte object, each metric one more, and a time since 1970 a
 * heap-allocated number, where a time since the store was made fits in a small integer for 24 days. So fewer
 * objects per run make a busy store cheaper. Callers only ever see `AgentRun` copies.
 */
interface KeptRun extends Omit<AgentRun, "createdAt" | "startedAt" | "completedAt" | "leaseExpiresAt" | "wakeAt"> {
  /** An object or array `input` as its JSON text (and `input` null), as a step's output is kept; null otherwise. */
  inputJson: string | null;
  /** An object or array `output` as its JSON text (and `output` null); null otherwise. */
  outputJson: string | null;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  leaseExpiresAt: number | null;
  wakeAt: number | null;
  tools: KeptTool[];
  metrics: Array<string | number>;
  steps: KeptStep[];
  signals: KeptSignal[];
}

/** A kept tool execution: without its run's id, its input and output kept as a step's output is, its times as the store's times. */
interface KeptTool extends Omit<ToolExecution, "runId" | "startedAt" | "completedAt"> {
  inputJson: string | null;
  outputJson: string | null;
  startedAt: number;
  completedAt: number | null;
}

/** A kept signal: without its run's id, its payload kept as a step's output is, and its time as the store's time. */
interface KeptSignal extends Omit<RunSignal, "runId" | "sentAt"> {
  payloadJson: string | null;
  sentAt: number;
}

/**
 * A kept journal step: without its run's id, and with its times as the store's times, for the reason given for
 * {@link KeptRun}. A step kept with its two `Date`s cost about three times as much to keep as the step itself.
 */
interface KeptStep extends Omit<JournalStep, "runId" | "startedAt" | "completedAt" | "wakeAt"> {
  /**
   * An object or array output as its JSON text (and `output` null), read back as a new value each time, so that a
   * replay from this store gets what one from a database's JSON column gets: a `Date` as its ISO string, no
   * `undefined` property, a class instance as a plain object. Other outputs are kept in `output`, nothing as null.
   */
  outputJson: string | null;
  startedAt: number;
  completedAt: number | null;
  wakeAt: number | null;
}

/** True for the step of a wait for the signal `name` that has ended: one that received it, or timed out. */
const endedWait = (step: KeptStep, name: string): boolean => step.kind === "SIGNAL" && step.key === name && step.status === "SUCCEEDED";

// Shared by every run until its first tool call or finish: most runs of a busy store would otherwise each keep
// two empty arrays alive.
const NONE: never[] = Object.freeze([]) as never[];

const INTERRUPTED = Object.freeze({ code: "STEP_OUTCOME_UNKNOWN", message: "The run ended while this call was in flight." });

/** Converts between `Date`s and a store's times, milliseconds since its epoch. */
interface StoreTimes {
  of(date: Date): number;
  date(time: number): Date;
}

/** The largest `timeoutMs` a run keeps, as in a PostgreSQL `integer` column. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

// Records are copied in and out so that callers can never change what is stored: each copy gets its own Dates and values.
const toAgentRun = (kept: KeptRun, times: StoreTimes): AgentRun => ({
  id: kept.id,
  agentName: kept.agentName,
  agentVersion: kept.agentVersion,
  organizationId: kept.organizationId,
  userId: kept.userId,
  intent: kept.intent,
  status: kept.status,
  statusReason: kept.statusReason,
  input: readKept(kept.input, kept.inputJson),
  output: readKept(kept.output, kept.outputJson),
  error: copyStoredError(kept.error),
  idempotencyKey: kept.idempotencyKey,
  requestHash: kept.requestHash,
  attempts: kept.attempts,
  createdAt: times.date(kept.createdAt),
  startedAt: kept.startedAt === null ? null : times.date(kept.startedAt),
  completedAt: kept.completedAt === null ? null : times.date(kept.completedAt),
  durationMs: kept.durationMs,
  traceId: kept.traceId,
  parentRunId: kept.parentRunId,
  timeoutMs: kept.timeoutMs,
  fence: kept.fence,
  takeovers: kept.takeovers,
  leaseOwner: kept.leaseOwner,
  leaseExpiresAt: kept.leaseExpiresAt === null ? null : times.date(kept.leaseExpiresAt),
  wakeAt: kept.wakeAt === null ? null : times.date(kept.wakeAt),
});
const toJournalStep = (step: KeptStep, runId: string, times: StoreTimes): JournalStep => ({
  runId,
  position: step.position,
  key: step.key,
  kind: step.kind,
  status: step.status,
  output: readKept(step.output, step.outputJson),
  error: copyStoredError(step.error),
  attempts: step.attempts,
  startedAt: times.date(step.startedAt),
  completedAt: step.completedAt === null ? null : times.date(step.completedAt),
  wakeAt: step.wakeAt === null ? null : times.date(step.wakeAt),
});
const toKeptTool = (tool: Omit<ToolExecution, "runId">, times: StoreTimes): KeptTool => ({
  id: keptText(tool.id, "toolExecution.id"),
  connector: keptText(tool.connector, "toolExecution.connector"),
  action: keptText(tool.action, "toolExecution.action"),
  status: tool.status,
  input: keptValueOf(tool.input),
  inputJson: jsonTextOf(tool.input, "toolExecution.input"),
  output: keptValueOf(tool.output),
  outputJson: jsonTextOf(tool.output, "toolExecution.output"),
  error: keptError(tool.error, "toolExecution.error"),
  stepKey: keptText(tool.stepKey, "toolExecution.stepKey"),
  attempt: tool.attempt,
  startedAt: times.of(tool.startedAt),
  completedAt: tool.completedAt === null ? null : times.of(tool.completedAt),
  durationMs: tool.durationMs,
});
const toToolExecution = (tool: KeptTool, runId: string, times: StoreTimes): ToolExecution => ({
  id: tool.id,
  runId,
  connector: tool.connector,
  action: tool.action,
  status: tool.status,
  input: readKept(tool.input, tool.inputJson),
  output: readKept(tool.output, tool.outputJson),
  error: copyStoredError(tool.error),
  stepKey: tool.stepKey,
  attempt: tool.attempt,
  startedAt: times.date(tool.startedAt),
  completedAt: tool.completedAt === null ? null : times.date(tool.completedAt),
  durationMs: tool.durationMs,
});

const flattenMetrics = (metrics: RunMetric[]): Array<string | number> => {
  if (metrics.length === 0) return NONE;
  // Sized once: an array grown by `push` keeps room for more, which the collector copies with it.
  const flat = new Array<string | number>(metrics.length * 3);
  let index = 0;
  for (const metric of metrics) {
    flat[index] = metric.name;
    flat[index + 1] = metric.value;
    flat[index + 2] = metric.unit;
    index += 3;
  }
  return flat;
};
const expandMetrics = (flat: Array<string | number>): RunMetric[] => {
  const metrics: RunMetric[] = [];
  for (let index = 0; index < flat.length; index += 3) {
    metrics.push({ name: flat[index] as string, value: flat[index + 1] as number, unit: flat[index + 2] as string });
  }
  return metrics;
};

/** Newest first, then the larger id first: the order of every page. */
const isNewerFirst = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/**
 * A {@link RunStore} in process memory, for tests, development and benchmarks. It is bounded: when it holds
 * `maxRuns` runs, the older half of its finished runs (with their tool executions and metrics) is dropped.
 */
export function createMemoryRunStore(options: MemoryRunStoreOptions = {}): RunStore {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new ConfigurationError("maxRuns must be a positive integer.");
  // Two generations. Runs are added to `newer`; when it is full, `older` is dropped as a whole and `newer` takes its
  // place. Deleting the oldest run on every create instead cost most of a microsecond per run in a busy process:
  // each delete reads a long-untouched run, its id and the Map's table, all out of the CPU's caches.
  const generationSize = Math.ceil(maxRuns / 2);
  const epoch = Date.now();
  const times: StoreTimes = { of: (date) => date.getTime() - epoch, date: (time) => new Date(time + epoch) };
  const copyOf = (kept: KeptRun): AgentRun => toAgentRun(kept, times);
  let newer = new Map<string, KeptRun>();
  let older = new Map<string, KeptRun>();
  const idempotency = new Map<string, string>();
  const idempotencyKeyOf = (organizationId: string, key: string) => `${organizationId}\u0000${key}`;
  const byId = (runId: string): KeptRun | undefined => newer.get(runId) ?? older.get(runId);
  /** Every kept run, the newer generation first. */
  function* allRuns(): Generator<KeptRun> {
    yield* newer.values();
    yield* older.values();
  }

  /** The run of the organization; writes refuse their texts before they look it up. */
  const find = (organizationId: string, runId: string): KeptRun | undefined => {
    const run = byId(runId);
    return run && run.organizationId === organizationId ? run : undefined;
  };

  /** {@link find} for a read, which checks nothing else before it looks the run up. */
  const findToRead = (organizationId: string, runId: string): KeptRun | undefined => {
    // No stored text holds NUL or an unpaired surrogate: a read refuses them as PostgreSQL does NUL, rather than
    // answering "not found" (see `refuseUnreadableTexts`).
    refuseUnreadableTexts("run", { organizationId, runId });
    return find(organizationId, runId);
  };

  const forget = (run: KeptRun): void => {
    if (run.idempotencyKey !== null) idempotency.delete(idempotencyKeyOf(run.organizationId, run.idempotencyKey));
  };

  /**
   * Drops the older generation, except its open runs and the ended children of open parents (a waiting parent
   * still has to read how its child ended), which move to the newer one; the newer becomes the older.
   */
  const dropOlderGeneration = (): void => {
    const dropped = older;
    older = newer;
    newer = new Map();
    const isOpen = (runId: string): boolean => {
      const run = dropped.get(runId) ?? byId(runId);
      return run !== undefined && !isFinalRunStatus(run.status);
    };
    for (const run of dropped.values()) {
      if (!isFinalRunStatus(run.status) || (run.parentRunId !== null && isOpen(run.parentRunId))) newer.set(run.id, run);
      else forget(run);
    }
  };

  /** Drops the oldest run, open or not. */
  const dropOldest = (): void => {
    const generation = older.size > 0 ? older : newer;
    const oldest = generation.values().next().value as KeptRun;
    generation.delete(oldest.id);
    forget(oldest);
  };

  const makeRoom = (): void => {
    // Twice at most: a second drop is needed only when maxRuns is 1 or 2, or when open runs fill a generation.
    for (let drops = 0; drops < 2 && (newer.size >= generationSize || newer.size + older.size >= maxRuns); drops += 1) dropOlderGeneration();
    // Left full only by open runs, from a caller that never finishes its runs: the store stays bounded anyway.
    while (newer.size + older.size >= maxRuns) dropOldest();
  };

  /** Gives the run to an executor: a new lease and a higher fence. */
  const hold = (kept: KeptRun, lease: { owner: string; expiresAt: Date }): void => {
    kept.fence += 1;
    kept.leaseOwner = lease.owner;
    kept.leaseExpiresAt = times.of(lease.expiresAt);
  };

  /** The run, when it is `RUNNING` under this fence. */
  const fenced = (organizationId: string, runId: string, fence: number): KeptRun => {
    const kept = find(organizationId, runId);
    if (!kept) throw new RunNotFoundError(runId);
    if (kept.status !== "RUNNING" || kept.fence !== fence) throw new LeaseLostError(runId);
    return kept;
  };

  return {
    specificationVersion: "v2",

    async createRun(input) {
      if (input.timeoutMs != null && (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 1 || input.timeoutMs > MAX_TIMEOUT_MS)) {
        throw new ValidationError("The run to create is invalid: timeoutMs.", [{ path: "timeoutMs", message: `Must be an integer from 1 to ${MAX_TIMEOUT_MS}` }]);
      }
      // Fields are listed one by one: spreading the input and adding more puts V8 objects this large in
      // dictionary mode, which made each create about a hundred times slower. Texts are checked as they are read,
      // before the idempotency key is looked up: the database store refuses them even for a create it would not make.
      const run: KeptRun = {
        id: keptText(input.id, "id"),
        agentName: keptText(input.agentName, "agentName"),
        agentVersion: keptText(input.agentVersion, "agentVersion"),
        organizationId: keptText(input.organizationId, "organizationId"),
        userId: keptText(input.userId, "userId"),
        intent: keptText(input.intent, "intent"),
        status: input.status,
        statusReason: null,
        input: keptValueOf(input.input),
        inputJson: jsonTextOf(input.input, "input"),
        output: null,
        outputJson: null,
        error: null,
        idempotencyKey: keptText(input.idempotencyKey, "idempotencyKey"),
        requestHash: keptText(input.requestHash, "requestHash"),
        attempts: input.status === "RUNNING" ? 1 : 0,
        createdAt: times.of(input.createdAt),
        startedAt: input.startedAt === null ? null : times.of(input.startedAt),
        completedAt: null,
        durationMs: null,
        traceId: keptText(input.traceId, "traceId"),
        parentRunId: keptText(input.parentRunId, "parentRunId"),
        timeoutMs: input.timeoutMs ?? null,
        fence: input.lease === null ? 0 : 1,
        takeovers: 0,
        leaseOwner: input.lease === null ? null : keptText(input.lease.owner, "lease.owner"),
        leaseExpiresAt: input.lease === null ? null : times.of(input.lease.expiresAt),
        wakeAt: null,
        tools: NONE,
        metrics: NONE,
        steps: NONE,
        signals: NONE,
      };
      if (input.idempotencyKey !== null) {
        const existingId = idempotency.get(idempotencyKeyOf(input.organizationId, input.idempotencyKey));
        const existing = existingId === undefined ? undefined : byId(existingId);
        if (existing) return { created: false, run: copyOf(existing) };
      }
      // As the database's primary key: a create retried after its answer was lost finds the run it wrote, and an id
      // is never taken over by another organization's run.
      const sameId = byId(run.id);
      if (sameId) {
        if (sameId.organizationId !== run.organizationId) throw new AlreadyExistsError("run", ["id"]);
        return { created: false, run: copyOf(sameId) };
      }
      makeRoom();
      newer.set(run.id, run);
      if (input.idempotencyKey !== null) idempotency.set(idempotencyKeyOf(input.organizationId, input.idempotencyKey), run.id);
      return { created: true, run: copyOf(run) };
    },

    async startRun(input) {
      refuseUnstorableText(input.organizationId, "organizationId");
      refuseUnstorableText(input.runId, "runId");
      refuseUnstorableText(input.agentVersion, "agentVersion");
      refuseUnstorableText(input.traceId, "traceId");
      refuseUnstorableText(input.lease.owner, "lease.owner");
      const kept = find(input.organizationId, input.runId);
      if (!kept || kept.status !== "QUEUED") return null;
      kept.status = "RUNNING";
      kept.agentVersion = input.agentVersion;
      kept.startedAt = times.of(input.startedAt);
      kept.traceId = input.traceId;
      kept.attempts = 1;
      hold(kept, input.lease);
      return copyOf(kept);
    },

    async recordAttempt(organizationId, runId, attempts) {
      refuseUnstorableText(organizationId, "organizationId");
      refuseUnstorableText(runId, "runId");
      const kept = find(organizationId, runId);
      if (kept && kept.attempts < attempts) kept.attempts = attempts;
    },

    async finishRun(input) {
      // Checked whatever the run's state: the database store refuses them before it reads the run.
      refuseUnstorableText(input.organizationId, "organizationId");
      refuseUnstorableText(input.runId, "runId");
      const statusReason = keptText(input.statusReason, "statusReason");
      const error = keptError(input.error, "error");
      // Refused as the database store refuses them, before anything is written: it writes metrics as JSON, which
      // holds no NaN, NUL or unpaired surrogate. The check `ctx.reportMetric` makes says so.
      for (const metric of input.metrics) checkReportedMetric(metric.name, metric.value, metric.unit);
      const outputJson = jsonTextOf(input.output, "output");
      const kept = find(input.organizationId, input.runId);
      if (!kept) throw new RunNotFoundError(input.runId);
      if (isFinalRunStatus(kept.status)) return copyOf(kept);
      if (input.fence !== undefined && input.fence !== kept.fence) throw new LeaseLostError(kept.id);
      for (const tool of kept.tools) {
        if (tool.status === "RUNNING") Object.assign(tool, { status: "FAILED", error: INTERRUPTED, completedAt: times.of(input.completedAt) });
      }
      kept.leaseOwner = null;
      kept.leaseExpiresAt = null;
      kept.wakeAt = null;
      kept.status = input.status;
      kept.statusReason = statusReason;
      kept.output = keptValueOf(input.output);
      kept.outputJson = outputJson;
      kept.error = error;
      kept.attempts = input.attempts;
      kept.completedAt = times.of(input.completedAt);
      kept.durationMs = input.durationMs;
      kept.metrics = flattenMetrics(input.metrics);
      return copyOf(kept);
    },

    async getRun(organizationId, runId) {
      const kept = findToRead(organizationId, runId);
      return kept ? copyOf(kept) : null;
    },

    async findRunByIdempotencyKey(organizationId, key) {
      refuseUnreadableTexts("run", { organizationId, idempotencyKey: key });
      const runId = idempotency.get(idempotencyKeyOf(organizationId, key));
      const run = runId === undefined ? undefined : byId(runId);
      return run ? copyOf(run) : null;
    },

    async listRuns(query: ListRunsQuery): Promise<RunPage> {
      if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 500) {
        throw new ValidationError("limit must be an integer from 1 to 500.", [{ path: "limit", message: "Must be from 1 to 500" }]);
      }
      validateListRunsFilters(query);
      const { organizationId, agentName, userId, parentRunId, intentContains } = query;
      refuseUnreadableTexts("runs", { organizationId, agentName, userId, parentRunId, intentContains });
      const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const intentSearch = query.intentContains?.toLowerCase();
      const after = cursor === undefined ? undefined : { createdAt: times.of(cursor.createdAt), id: cursor.id };
      const createdAfter = query.createdAfter === undefined ? undefined : times.of(query.createdAfter);
      const createdBefore = query.createdBefore === undefined ? undefined : times.of(query.createdBefore);
      const matching: KeptRun[] = [];
      for (const kept of allRuns()) {
        if (kept.organizationId !== query.organizationId) continue;
        if (query.agentName !== undefined && kept.agentName !== query.agentName) continue;
        if (query.status !== undefined && kept.status !== query.status) continue;
        if (query.userId !== undefined && kept.userId !== query.userId) continue;
        if (query.parentRunId !== undefined && kept.parentRunId !== query.parentRunId) continue;
        if (intentSearch !== undefined && !kept.intent?.toLowerCase().includes(intentSearch)) continue;
        if (createdAfter !== undefined && kept.createdAt < createdAfter) continue;
        if (createdBefore !== undefined && kept.createdAt >= createdBefore) continue;
        if (after && isNewerFirst(kept, after) <= 0) continue;
        matching.push(kept);
      }
      matching.sort(isNewerFirst);
      const page = matching.slice(0, query.limit).map(copyOf);
      const last = page[page.length - 1];
      return { runs: page, nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null };
    },

    async summarizeRuns(query) {
      validateSummarizeRunsQuery(query);
      refuseUnreadableTexts("runs", { organizationId: query.organizationId });
      const since = times.of(query.since);
      const until = times.of(query.until);
      const window: Array<{ agentName: string; status: AgentRun["status"]; createdAt: Date; durationMs: number | null }> = [];
      for (const kept of allRuns()) {
        if (kept.organizationId !== query.organizationId || kept.createdAt < since || kept.createdAt >= until) continue;
        window.push({ agentName: kept.agentName, status: kept.status, createdAt: times.date(kept.createdAt), durationMs: kept.durationMs });
      }
      return summarizeRunRecords(window);
    },

    async summarizeAgentPeriod(query) {
      validateSummarizeAgentPeriodQuery(query);
      refuseUnreadableTexts("agent's runs", { organizationId: query.organizationId, agentName: query.agentName });
      const since = times.of(query.since);
      const until = times.of(query.until);
      const period: PeriodRun[] = [];
      for (const kept of allRuns()) {
        if (kept.organizationId !== query.organizationId || kept.agentName !== query.agentName || kept.createdAt < since || kept.createdAt >= until) continue;
        period.push({ status: kept.status, durationMs: kept.durationMs, metrics: expandMetrics(kept.metrics), tools: kept.tools });
      }
      return summarizeAgentPeriodRecords(query, period);
    },

    async listToolExecutions(organizationId, runId) {
      // Stable sort: calls that started in the same millisecond keep the order they were recorded in.
      const kept = findToRead(organizationId, runId);
      if (!kept) return [];
      return [...kept.tools].sort((a, b) => a.startedAt - b.startedAt).map((tool) => toToolExecution(tool, kept.id, times));
    },

    async listRunMetrics(organizationId, runId) {
      const kept = findToRead(organizationId, runId);
      return kept ? expandMetrics(kept.metrics) : [];
    },

    async listSteps(organizationId, runId) {
      const kept = findToRead(organizationId, runId);
      if (!kept) return [];
      return kept.steps.map((step) => toJournalStep(step, kept.id, times)).sort((a, b) => a.position - b.position);
    },

    async recordStep(input) {
      // The step is made before the run is read, as the database store refuses its values before it reads the run.
      refuseUnstorableText(input.organizationId, "organizationId");
      refuseUnstorableText(input.runId, "runId");
      const entry = input.step;
      const step: KeptStep = {
        position: entry.position,
        key: keptText(entry.key, "step.key"),
        kind: entry.kind,
        status: entry.status,
        output: keptValueOf(entry.output),
        outputJson: jsonTextOf(entry.output, "output"),
        error: keptError(entry.error, "step.error"),
        attempts: entry.attempts,
        startedAt: times.of(entry.startedAt),
        completedAt: entry.completedAt === null ? null : times.of(entry.completedAt),
        wakeAt: entry.wakeAt === null ? null : times.of(entry.wakeAt),
      };
      const tool = input.toolExecution ? toKeptTool(input.toolExecution, times) : undefined;
      const kept = fenced(input.organizationId, input.runId, input.fence);
      refuseUnstorableText(input.timedOutSignal, "timedOutSignal");
      if (input.timedOutSignal !== undefined && kept.signals.some((signal) => signal.name === input.timedOutSignal)) throw timeoutAfterSignalConflict(kept.id, input.timedOutSignal);
      if (kept.steps === NONE) kept.steps = [];
      const steps = kept.steps;
      // Steps are written in order, so the entry is usually the next one or the last one written.
      const last = steps.length - 1;
      const at = last >= 0 && steps[last]!.position === step.position ? last : steps.findIndex((candidate) => candidate.position === step.position);
      if (at >= 0) steps[at] = step;
      else steps.push(step);
      if (tool) {
        if (kept.tools === NONE) kept.tools = [];
        const existing = kept.tools.findIndex((candidate) => candidate.id === tool.id);
        if (existing >= 0) kept.tools[existing] = tool;
        else kept.tools.push(tool);
      }
    },

    async renewLeases(input) {
      if (input.runs.length === 0) return [];
      refuseUnstorableText(input.owner, "owner");
      for (const { runId } of input.runs) refuseUnstorableText(runId, "runs.runId");
      const expiresAt = times.of(input.expiresAt);
      const held: string[] = [];
      for (const { runId, fence } of input.runs) {
        const kept = byId(runId);
        if (!kept || kept.status !== "RUNNING" || kept.leaseOwner !== input.owner || kept.fence !== fence) continue;
        kept.leaseExpiresAt = expiresAt;
        if (input.giveUp === true) kept.leaseOwner = null;
        held.push(runId);
      }
      return held;
    },

    async claimRuns(input) {
      // As the database store: a claim of no agent, or of no run, reads nothing and so refuses nothing.
      if (input.agentNames.length === 0 || input.limit < 1) return [];
      refuseUnstorableText(input.owner, "owner");
      for (const agentName of input.agentNames) refuseUnstorableText(agentName, "agentNames");
      const now = times.of(input.now);
      const agents = new Set(input.agentNames);
      const claimed: ClaimedRun[] = [];
      for (const kept of allRuns()) {
        if (claimed.length >= input.limit) break;
        if (!agents.has(kept.agentName)) continue;
        const lapsed = kept.status === "RUNNING" && (kept.leaseExpiresAt ?? kept.startedAt ?? now) < now;
        const due = kept.status === "WAITING" && kept.wakeAt !== null && kept.wakeAt <= now;
        if (!lapsed && !due) continue;
        const takenOver = lapsed && kept.leaseOwner !== null;
        if (takenOver) kept.takeovers += 1;
        kept.status = "RUNNING";
        kept.wakeAt = null;
        hold(kept, { owner: input.owner, expiresAt: input.leaseExpiresAt });
        claimed.push(Object.assign(copyOf(kept), { takenOver }));
      }
      return claimed;
    },

    async suspendRun(input) {
      refuseUnstorableText(input.organizationId, "organizationId");
      refuseUnstorableText(input.runId, "runId");
      const kept = fenced(input.organizationId, input.runId, input.fence);
      for (const name of input.signalNames) refuseUnstorableText(name, "signalNames");
      const signalled = input.signalNames.length > 0 && kept.signals.some((signal) => input.signalNames.includes(signal.name));
      kept.status = "WAITING";
      kept.leaseOwner = null;
      kept.leaseExpiresAt = null;
      kept.wakeAt = times.of(signalled ? input.now : input.wakeAt);
      return copyOf(kept);
    },

    async sendSignal(input) {
      // In the database store's order: the run is read and checked before the signal's own values are.
      refuseUnstorableText(input.organizationId, "organizationId");
      refuseUnstorableText(input.runId, "runId");
      const kept = find(input.organizationId, input.runId);
      if (!kept) throw new RunNotFoundError(input.runId);
      if (isFinalRunStatus(kept.status)) throw new SignalConflictError(kept.id, `Run "${kept.id}" has ended (${kept.status}) and takes no signals.`);
      refuseUnstorableText(input.name, "name");
      refuseUnstorableText(input.sentBy, "sentBy");
      const payloadJson = jsonTextOf(input.payload, "payload");
      if (kept.signals.some((signal) => signal.name === input.name)) throw new SignalConflictError(kept.id, `Run "${kept.id}" already received signal "${input.name}".`);
      if (kept.steps.some((step) => endedWait(step, input.name))) throw signalAfterWaitConflict(kept.id, input.name);
      if (kept.signals === NONE) kept.signals = [];
      const sentAt = times.of(input.sentAt);
      kept.signals.push({ name: input.name, payload: keptValueOf(input.payload), payloadJson, sentBy: input.sentBy, sentAt });
      if (kept.status === "WAITING" && (kept.wakeAt === null || kept.wakeAt > sentAt)) kept.wakeAt = sentAt;
      return copyOf(kept);
    },

    async getSignal(organizationId, runId, name) {
      refuseUnreadableTexts("signal", { name });
      const signal = findToRead(organizationId, runId)?.signals.find((candidate) => candidate.name === name);
      return signal ? { runId, name: signal.name, payload: readKept(signal.payload, signal.payloadJson), sentBy: signal.sentBy, sentAt: times.date(signal.sentAt) } : null;
    },

    async listQueuedRuns(input) {
      const limit = checkQueuedRunsLimit(input.limit);
      refuseUnreadableTexts("queued runs", { "after.runId": input.after?.runId });
      const createdBefore = times.of(input.createdBefore);
      const queued: KeptRun[] = [];
      const after = input.after === undefined ? null : { createdAt: times.of(input.after.createdAt), id: input.after.runId };
      const isAfter = (kept: KeptRun) => after === null || kept.createdAt > after.createdAt || (kept.createdAt === after.createdAt && kept.id > after.id);
      for (const kept of allRuns()) if (kept.status === "QUEUED" && kept.createdAt < createdBefore && isAfter(kept)) queued.push(kept);
      queued.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return queued.slice(0, limit).map((kept) => ({ organizationId: kept.organizationId, runId: kept.id, agentName: kept.agentName, createdAt: times.date(kept.createdAt) }));
    },

    async deleteEndedRuns(input) {
      const { createdBefore, limit } = checkDeleteEndedRuns(input);
      const cutOff = times.of(createdBefore);
      const parentIsOpen = (kept: KeptRun) => {
        const parent = kept.parentRunId === null ? undefined : byId(kept.parentRunId);
        return parent !== undefined && !isFinalRunStatus(parent.status);
      };
      const ended: KeptRun[] = [];
      for (const kept of allRuns()) if (isFinalRunStatus(kept.status) && kept.createdAt < cutOff && !parentIsOpen(kept)) ended.push(kept);
      ended.sort((a, b) => a.createdAt - b.createdAt);
      const deleted = ended.slice(0, limit);
      for (const kept of deleted) {
        if (!newer.delete(kept.id)) older.delete(kept.id);
        forget(kept);
      }
      return deleted.length;
    },

    async checkHealth() {},
    async close() {},
  };
}

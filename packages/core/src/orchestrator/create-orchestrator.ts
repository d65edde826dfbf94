import { CancelledError, ConfigurationError, IdempotencyConflictError, RateLimitedError, RunNotFoundError, StoreUnavailableError, UnauthorizedError, ValidationError } from "../errors/errors.js";
import { fieldErrorsFromZod } from "../errors/field-errors-from-zod.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentRun } from "../model/agent-run.js";
import type { OrchestrateRequest } from "../model/orchestrate-request.js";
import { isFinalRunStatus } from "../model/run-status.js";
import { DEFAULT_RUN_QUEUE, type RunJob } from "../ports/run-queue.js";
import type { RateLimitDecision } from "../ports/rate-limiter.js";
import type { Orchestrator, OrchestratorOptions } from "../orchestrator-types.js";
import { createInProcessRunQueue } from "../policies/in-process-run-queue.js";
import { createMemoryRateLimiter } from "../policies/memory-rate-limiter.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { noopMetricsSink } from "../telemetry/noop-metrics-sink.js";
import { createOpenTelemetryTracer } from "../telemetry/open-telemetry-tracer.js";
import { createRedactingLogger } from "../telemetry/redacting-logger.js";
import { createRedactor } from "../telemetry/redactor.js";
import { silentLogger } from "../telemetry/silent-logger.js";
import { systemClock } from "../telemetry/system-clock.js";
import { requestHash } from "../util/request-hash.js";
import { createTimeOrderedIds } from "../util/time-ordered-id.js";
import { randomUUID } from "node:crypto";
import { NonDeterministicError, TakeoverLimitError } from "../errors/durable-errors.js";
import { ActiveRuns } from "./active-runs.js";
import { LeaseKeeper } from "./lease-keeper.js";
import { RunJournal } from "./run-journal.js";
import { RunResumer } from "./run-resumer.js";
import { validateSignal } from "./validate-signal.js";
import { AgentRegistry, type RegisteredAgent } from "./agent-registry.js";
import type { ChildRunRequest, ExecutionDependencies } from "./execution-dependencies.js";
import { ParentNotifier, readChildRunTree } from "./run-tree.js";
import { RunEndWatchers } from "./run-end-watchers.js";
import { waitForRunEnd } from "./wait-for-run.js";
import { cancelChildOfCancelledParent } from "./child-start-guard.js";
import { requireChildDepth, resolveChildRunLimits } from "./child-run-limits.js";
import { errorFromStoredRun } from "./run-outcome.js";
import { RunCancellation } from "./run-cancellation.js";
import { executeRun } from "./run-executor.js";
import { validateRequest, requireCaller } from "./validate-request.js";
import { failHeldRun } from "./fail-held-run.js";
import { isPastTakeoverLimit } from "./takeover-limit.js";
import { failWithInvalidInput, parseStoredInput, storableQueuedInput } from "./stored-input.js";
import { waitForFinalRun } from "./wait-for-final-run.js";
import { summarizeStep } from "./summarize-step.js";
import { endNoEarlierThan } from "../util/end-no-earlier.js";

/** Defaults of durable execution: a lapsed lease is taken over after 30 s; due runs are looked for every second. */
const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_SWEEP_INTERVAL_MS = 1_000;
/** Takeovers a run survives before it fails with TAKEOVER_LIMIT: more than a rolling restart or two, fewer than a crash loop costs. */
const DEFAULT_MAX_TAKEOVERS = 5;

function resolveDurability(durability: OrchestratorOptions["durability"] = {}): { executorId: string; leaseMs: number; sweepIntervalMs: number; maxTakeovers: number } {
  const leaseMs = durability.leaseMs ?? DEFAULT_LEASE_MS;
  const maxTakeovers = durability.maxTakeovers ?? DEFAULT_MAX_TAKEOVERS;
  const sweepIntervalMs = durability.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  if (!Number.isFinite(leaseMs) || leaseMs < 3) throw new ConfigurationError("durability.leaseMs must be a number of milliseconds, at least 3.");
  if (!Number.isFinite(sweepIntervalMs) || sweepIntervalMs < 0) throw new ConfigurationError("durability.sweepIntervalMs must be a non-negative number (0 turns sweeping off).");
  if (durability.mayClaimByClock !== undefined && typeof durability.mayClaimByClock !== "function") throw new ConfigurationError("durability.mayClaimByClock must be a function.");
  if (!(Number.isSafeInteger(maxTakeovers) && maxTakeovers >= 0) && maxTakeovers !== Number.POSITIVE_INFINITY) {
    throw new ConfigurationError(`durability.maxTakeovers must be a non-negative integer or Infinity, got ${String(maxTakeovers)}.`);
  }
  return { executorId: durability.executorId ?? randomUUID(), leaseMs, sweepIntervalMs, maxTakeovers };
}

/** A request that passed validation, authorization and admission. */
interface AdmittedRequest {
  request: OrchestrateRequest;
  agent: RegisteredAgent;
  input: unknown;
  hash: string | null;
  /** The input as it is stored, when already redacted (queued runs). */
  storedInput?: unknown;
}

const isPromise = <T>(value: T | Promise<T>): value is Promise<T> => typeof (value as { then?: unknown }).then === "function";

/**
 * Creates the orchestrator: every run is validated, authorized, checked against its idempotency key, admitted
 * by the rate limit, persisted, and executed behind the agent's breaker, retries and deadline.
 * @example
 * const orchestrator = createOrchestrator({ agents: [echo], store: createMemoryRunStore() });
 * const run = await orchestrator.orchestrate({ agent: "echo", input: { text: "hi" }, context: { userId: "u1", organizationId: "o1" } });
 */
export function createOrchestrator(options: OrchestratorOptions): Orchestrator {
  if (typeof options !== "object" || options === null || !Array.isArray(options.agents)) {
    throw new ConfigurationError("createOrchestrator needs { agents: AgentDefinition[] }.");
  }
  if (options.maxTrackedKeys !== undefined && !(Number.isInteger(options.maxTrackedKeys) && options.maxTrackedKeys >= 1)) {
    throw new ConfigurationError(`maxTrackedKeys must be a positive integer, got ${String(options.maxTrackedKeys)}.`);
  }
  const clock = options.clock ?? systemClock;
  const metrics = options.metrics ?? noopMetricsSink;
  const redactor = createRedactor({ keys: options.redactKeys ?? [] });
  const durability = resolveDurability(options.durability);
  const dependencies: ExecutionDependencies = {
    store: options.store ?? createMemoryRunStore(),
    metrics,
    tracer: options.tracer ?? createOpenTelemetryTracer(),
    logger: createRedactingLogger(options.logger ?? silentLogger, redactor),
    redactor,
    clock,
    newId: createTimeOrderedIds(),
    // Defined below, where enqueueing is.
    startChildRun: (request) => startChildRun(request),
    childRunLimits: resolveChildRunLimits(options.childRuns),
    leaseMs: durability.leaseMs,
    replayOnly: options.durability?.replayOnly === true,
  };
  const { store, logger, tracer } = dependencies;
  const rateLimiter = options.rateLimiter ?? createMemoryRateLimiter({ maxKeys: options.maxTrackedKeys ?? 100_000, clock });
  const queue = options.queue ?? createInProcessRunQueue({ metrics });
  const registry = new AgentRegistry(options.policies, metrics, clock);
  for (const agent of options.agents) registry.register(agent);
  // Bounded by the runs executing at once, which admission and concurrency caps bound.
  const active = new ActiveRuns();
  // Callers of waitForRun, by run: bounded (DEFAULT_MAX_WATCHED_RUNS); beyond it they look at the store only.
  const watchers = new RunEndWatchers();
  const leases = new LeaseKeeper(dependencies, active, durability.executorId, durability.leaseMs);
  // Queued runs this process holds in an in-process queue, by run id, with their organization (bounded by the
  // queue's own limit on pending jobs).
  const queuedHere = new Map<string, string>();
  let draining = false;
  // Runs being started here, from admission until they end: a run admitted just before a drain began starts
  // executing after it, and the drain waits for it too. Bounded by the runs admitted at once.
  const starting = new Set<Promise<unknown>>();
  // Runs that began executing while draining, and the reason to stop any once the drain's deadline has passed.
  const startedWhileDraining = new Set<string>();
  let shutdownReason: CancelledError | null = null;
  const trackStart = <T>(start: Promise<T>): Promise<T> => {
    const settled: Promise<unknown> = start.then(
      () => starting.delete(settled),
      () => starting.delete(settled),
    );
    starting.add(settled);
    return start;
  };

  // Synchronous on purpose: each async step is another promise and more microtask turns on every run.
  const admit = (request: OrchestrateRequest): AdmittedRequest => {
    if (draining) throw new StoreUnavailableError("The orchestrator is shutting down; retry on another instance.", { retryAfterMs: 1_000 });
    validateRequest(request);
    const agent = registry.get(request.agent);
    const parsed = agent.definition.input.safeParse(request.input);
    if (!parsed.success) {
      throw new ValidationError(`The input does not match the schema of agent "${request.agent}".`, fieldErrorsFromZod(parsed.error).map((field) => ({ ...field, path: field.path ? `input.${field.path}` : "input" })));
    }
    requireCaller(request);
    return { request, agent, input: parsed.data, hash: request.idempotencyKey === undefined ? null : requestHash(request.agent, request.intent ?? null, request.input) };
  };

  const authorize = async ({ request, agent }: AdmittedRequest): Promise<void> => {
    if (options.authorize && !(await options.authorize(request.context, agent.definition))) {
      throw new UnauthorizedError(`The caller may not run agent "${request.agent}".`);
    }
  };

  /** A caller's `parentRunId` must name a run of its own organization: runs are linked only within one. */
  const requireParentRun = async ({ request }: AdmittedRequest): Promise<void> => {
    if (request.parentRunId === undefined) return;
    if ((await store.getRun(request.context.organizationId, request.parentRunId)) !== null) return;
    throw new ValidationError("parentRunId does not name a run of the caller's organization.", [{ path: "parentRunId", message: "Unknown run" }]);
  };

  const enforceDecision = (agentName: string, decision: RateLimitDecision): void => {
    if (decision.allowed) return;
    metrics.rateLimited({ agent: agentName, scope: "admission" });
    throw new RateLimitedError(`Too many runs of agent "${agentName}" for this user; retry in ${decision.retryAfterMs} ms.`, decision.retryAfterMs);
  };

  /** Answers synchronously when the limiter does (the in-memory one), so that admitted runs wait for nothing. */
  const checkAdmission = ({ request, agent }: AdmittedRequest): void | Promise<void> => {
    if (!agent.policies.admission.enabled) return;
    const { limit, windowMs } = agent.policies.admission;
    const pending = rateLimiter.consume(`${request.agent}\u0000${request.context.organizationId}\u0000${request.context.userId}`, { limit, windowMs });
    if (isPromise(pending)) return pending.then((decision) => enforceDecision(request.agent, decision));
    enforceDecision(request.agent, pending);
  };

  const replay = async (existing: AgentRun, admitted: AdmittedRequest, waitForEnd: boolean): Promise<AgentRun> => {
    if (existing.requestHash !== admitted.hash) throw new IdempotencyConflictError(admitted.request.idempotencyKey as string, { runId: existing.id });
    if (!waitForEnd || existing.status === "WAITING") return existing;
    const final = isFinalRunStatus(existing.status) ? existing : await waitForFinalRun(store, clock, existing, active.get(existing.id)?.done, (existing.timeoutMs ?? admitted.agent.policies.timeoutMs) * 2);
    if (final.status !== "COMPLETED" && final.status !== "WAITING") throw errorFromStoredRun(final);
    return final;
  };

  const persist = async (admitted: AdmittedRequest, status: "QUEUED" | "RUNNING") => {
    const { request, agent } = admitted;
    const now = clock.now();
    const span = tracer.startSpan(agent.span.name, { kind: "internal", attributes: agent.span.attributes });
    // One Date for both fields: the run starts as it is created.
    const createdAt = new Date(now);
    try {
      const { created, run } = await store.createRun({
        id: dependencies.newId(now),
        agentName: request.agent,
        agentVersion: agent.definition.version,
        organizationId: request.context.organizationId,
        userId: request.context.userId,
        intent: request.intent ?? null,
        input: admitted.storedInput ?? redactor.redact(request.input),
        idempotencyKey: request.idempotencyKey ?? null,
        requestHash: admitted.hash,
        status,
        createdAt,
        startedAt: status === "RUNNING" ? createdAt : null,
        traceId: span.traceId,
        parentRunId: request.parentRunId ?? null,
        timeoutMs: request.timeoutMs ?? null,
        lease: status === "RUNNING" ? leases.lease(now) : null,
      });
      if (created) span.setAttribute("gen_ai.agent.id", run.id);
      else span.end();
      return { created, run, span };
    } catch (error) {
      span.recordFailure("STORE_UNAVAILABLE");
      span.end();
      if (NeonhubError.isInstance(error) && error.code !== "STORE_UNAVAILABLE") throw error;
      // The store's own verdict stands: a write the database refused (a missing table) fails however often it is repeated.
      const storeError = NeonhubError.isInstance(error) ? error : null;
      throw new StoreUnavailableError("The run could not be recorded, so it was not started.", {
        cause: error,
        isRetryable: storeError?.isRetryable ?? true,
        ...(storeError?.retryAfterMs === undefined ? {} : { retryAfterMs: storeError.retryAfterMs }),
        ...(storeError?.details === undefined ? {} : { details: storeError.details }),
      });
    }
  };

  /**
   * Executes a run under its own `timeoutMs`, stored when it was created, so that every execution (the first, a
   * resume, a takeover) has the caller's bound; `request.timeoutMs` is for runs stored without one (a job queued by
   * an earlier version carries it).
   */
  const execute = (
    run: AgentRun,
    agent: RegisteredAgent,
    input: unknown,
    span: ReturnType<typeof tracer.startSpan>,
    request: Pick<OrchestrateRequest, "timeoutMs" | "signal">,
    journal = new RunJournal(dependencies, run),
  ) => {
    const controller = new RunCancellation();
    if (draining) startedWhileDraining.add(run.id);
    if (shutdownReason) controller.abort(shutdownReason);
    const start = () => executeRun(dependencies, { run, agent, input, span, controller, timeoutMs: run.timeoutMs ?? request.timeoutMs ?? agent.policies.timeoutMs, callerSignal: request.signal, journal });
    // A run waiting for a slot is active already: its lease is renewed, and a cancel or drain reaches it.
    agent.concurrency?.reserveAdmitted();
    const done = agent.concurrency ? agent.concurrency.run(start, controller.signal) : start();
    active.add(run.id, run.organizationId, run.fence, controller, done);
    if (run.parentRunId !== null || watchers.has(run.id)) {
      done.then(
        (finished) => runEnded(finished),
        // A run that failed rejects; one that lost its lease goes on elsewhere: the store says which.
        () => void store.getRun(run.organizationId, run.id).then((stored) => stored && runEnded(stored), () => undefined),
      );
    }
    return done;
  };

  /** A run that went on waiting is woken here when it is due soon. */
  const noteWaiting = (run: AgentRun): AgentRun => {
    if (run.status === "WAITING") resumer.wakeAt(run);
    return run;
  };

  const invokeSpan = (run: Pick<AgentRun, "agentName" | "id">) =>
    tracer.startSpan(`invoke_agent ${run.agentName}`, {
      kind: "internal",
      attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": run.agentName, "gen_ai.agent.id": run.id },
    });

  /** Continues a run this executor claimed, from its journal, on the agent version it started on. */
  const resume = async (claimed: AgentRun): Promise<void> => {
    if (isPastTakeoverLimit(claimed, durability.maxTakeovers)) {
      logger.warn({ runId: claimed.id, agent: claimed.agentName, takeovers: claimed.takeovers, maxTakeovers: durability.maxTakeovers }, "run failed: taken over too many times");
      runEnded(await failHeldRun(dependencies, claimed, "takeover_limit", new TakeoverLimitError(claimed, durability.maxTakeovers)));
      return;
    }
    const agent = registry.get(claimed.agentName);
    if (agent.definition.version !== claimed.agentVersion) {
      const error = new NonDeterministicError(`Run ${claimed.id} started on version ${claimed.agentVersion} of agent "${claimed.agentName}", but this instance has version ${agent.definition.version}; it cannot be resumed here.`);
      runEnded(await failHeldRun(dependencies, claimed, "agent_version_changed", error));
      return;
    }
    const stored = parseStoredInput(agent, claimed);
    if (!stored.valid) return void runEnded(await failWithInvalidInput(dependencies, claimed, stored.error));
    const steps = await store.listSteps(claimed.organizationId, claimed.id);
    if (draining) return resumer.handBack(claimed);
    noteWaiting(await execute(claimed, agent, stored.input, invokeSpan(claimed), {}, new RunJournal(dependencies, claimed, steps)));
  };

  const resumer = new RunResumer(dependencies, leases, { agentNames: () => registry.list().map((entry) => entry.definition.name), resume, sweepIntervalMs: durability.sweepIntervalMs, mayClaimByClock: options.durability?.mayClaimByClock, maxTakeovers: durability.maxTakeovers });
  const parents = new ParentNotifier(dependencies, () => void resumer.sweep());
  /** A run that ended here, or stopped executing here (it waits, or went on elsewhere): its parent and its waiters are told. */
  const runEnded = (run: AgentRun): void => {
    parents.childEnded(run);
    watchers.notify(run.id);
  };

  const runAdmitted = async (admitted: AdmittedRequest): Promise<AgentRun> => {
    try {
      admitted.agent.concurrency?.reserve();
    } catch (error) {
      metrics.rateLimited({ agent: admitted.request.agent, scope: "concurrency" });
      throw error;
    }
    let reserved = admitted.agent.concurrency !== null;
    try {
      const { created, run, span } = await persist(admitted, "RUNNING");
      if (!created) return replay(run, admitted, true);
      // Admission's reservation ends here: the run takes its own place in the concurrency line as it executes.
      reserved = false;
      admitted.agent.concurrency?.release();
      const finished = await execute(run, admitted.agent, admitted.input, span, admitted.request);
      return finished.status === "WAITING" ? noteWaiting(finished) : finished;
    } finally {
      if (reserved) admitted.agent.concurrency?.release();
    }
  };

  const executeQueued = async (job: RunJob): Promise<void> => {
    queuedHere.delete(job.runId);
    let agentName = job.agentName;
    // Only a job that does not name its agent costs a read: the start below refuses a run that is no longer QUEUED.
    if (agentName === undefined) {
      const queued = await store.getRun(job.organizationId, job.runId);
      if (!queued || queued.status !== "QUEUED") return;
      agentName = queued.agentName;
    }
    const agent = registry.get(agentName);
    const span = invokeSpan({ agentName, id: job.runId });
    const now = clock.now();
    // Pinned to the version that executes it: a queued run has no journal yet, whichever version queued it.
    const run = await store.startRun({ organizationId: job.organizationId, runId: job.runId, agentVersion: agent.definition.version, startedAt: new Date(now), traceId: span.traceId, lease: leases.lease(now) });
    if (!run) return span.end();
    const stored = parseStoredInput(agent, run);
    if (!stored.valid) {
      span.recordFailure(stored.error.code, stored.error.message);
      span.end();
      return void runEnded(await failWithInvalidInput(dependencies, run, stored.error));
    }
    await execute(run, agent, stored.input, span, job.timeoutMs === undefined ? {} : { timeoutMs: job.timeoutMs }).then(noteWaiting, (error: unknown) => {
      logger.warn({ runId: run.id, agent: run.agentName, code: NeonhubError.isInstance(error) ? error.code : "HANDLER_FAILED" }, "queued run failed");
    });
  };

  const orchestrateRequest = async (request: OrchestrateRequest): Promise<AgentRun> => {
    const admitted = admit(request);
    if (options.authorize) await authorize(admitted);
    await requireParentRun(admitted);
    if (admitted.request.idempotencyKey !== undefined) {
      const existing = await store.findRunByIdempotencyKey(request.context.organizationId, admitted.request.idempotencyKey);
      if (existing) return replay(existing, admitted, true);
    }
    const admission = checkAdmission(admitted);
    if (admission) await admission;
    return await runAdmitted(admitted);
  };

  queue.start?.((job) => trackStart(executeQueued(job)));
  resumer.start();

  /**
   * Cancels a run that is not executing here (queued, waiting, or executing elsewhere). `current` is the run as last
   * read, when it may have started: its attempts and the time since its start are kept in its record.
   */
  const finishOutside = async (organizationId: string, runId: string, reason: string, current?: AgentRun) => {
    const now = endNoEarlierThan(current?.startedAt?.getTime() ?? 0, clock.now());
    const attempts = current?.attempts ?? 0;
    const durationMs = current?.startedAt ? now - current.startedAt.getTime() : 0;
    const finished = await store.finishRun({
      organizationId,
      runId,
      status: "CANCELLED",
      statusReason: reason,
      output: null,
      error: { code: "CANCELLED", message: reason === "shutdown" ? "The host shut down before the run started." : "The run was cancelled." },
      attempts,
      completedAt: new Date(now),
      durationMs,
      metrics: [],
    });
    // A run that had already ended is returned as it was, and was counted when it ended.
    const endedHere = finished.status === "CANCELLED" && finished.statusReason === reason && finished.completedAt?.getTime() === now && finished.attempts === attempts;
    if (endedHere) metrics.runFinished({ agent: finished.agentName, status: "CANCELLED", durationMs, attempts });
    runEnded(finished);
    return finished;
  };

  /**
   * Queues a run; children (`ctx.runAgent`) skip admission, which their parent already passed. `beforeQueue` may
   * refuse a run just stored, before it is queued (it then ends the run itself).
   */
  const enqueueRun = async (request: OrchestrateRequest, admission: boolean, beforeQueue?: (run: AgentRun) => Promise<void>): Promise<AgentRun> => {
    const admitted = admit(request);
    admitted.storedInput = storableQueuedInput(redactor, request.input);
    if (options.authorize) await authorize(admitted);
    // A child's parent is the run starting it; only a caller's own link is checked.
    if (beforeQueue === undefined) await requireParentRun(admitted);
    if (admitted.request.idempotencyKey !== undefined) {
      const existing = await store.findRunByIdempotencyKey(request.context.organizationId, admitted.request.idempotencyKey);
      if (existing) return replay(existing, admitted, false);
    }
    if (admission) await checkAdmission(admitted);
    const { created, run, span } = await persist(admitted, "QUEUED");
    if (!created) return replay(run, admitted, false);
    span.end();
    if (beforeQueue) await beforeQueue(run);
    // Only an in-process queue loses its jobs on shutdown; a durable queue's jobs may run on another instance.
    if (!queue.durable) queuedHere.set(run.id, run.organizationId);
    const job: RunJob = {
      organizationId: run.organizationId,
      runId: run.id,
      queue: admitted.agent.definition.queue ?? DEFAULT_RUN_QUEUE,
      agentName: run.agentName,
      ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    };
    try {
      await queue.add(job, executeQueued);
    } catch (error) {
      queuedHere.delete(run.id);
      await finishOutside(run.organizationId, run.id, "queue_rejected").catch(() => undefined);
      throw error;
    }
    metrics.queueDepthChanged({ queue: job.queue, pending: queue.pending(job.queue) });
    return run;
  };

  const startChildRun = async ({ parent, agent, input, intent, idempotencyKey, timeoutMs }: ChildRunRequest): Promise<AgentRun> => {
    await requireChildDepth(store, parent, dependencies.childRunLimits.maxDepth);
    const context = { organizationId: parent.organizationId, userId: parent.userId };
    return enqueueRun({ agent, input, intent, idempotencyKey, parentRunId: parent.id, context, ...(timeoutMs === undefined ? {} : { timeoutMs }) }, false, (child) =>
      cancelChildOfCancelledParent(store, parent, child, () => finishOutside(child.organizationId, child.id, "cancelled")),
    );
  };

  const cancelRun = async (organizationId: string, runId: string): Promise<AgentRun> => {
    const running = active.get(runId);
    if (running && running.organizationId === organizationId) {
      running.controller.abort(new CancelledError("The run was cancelled."));
      await running.done.catch(() => undefined);
    }
    // The local execution may have stopped without ending the run (it was parking as WAITING, lost its lease or
    // its journal): the run is then cancelled like one that is not executing here.
    const run = await store.getRun(organizationId, runId);
    if (!run) throw new RunNotFoundError(runId);
    const cancelled = isFinalRunStatus(run.status) ? run : await finishOutside(organizationId, runId, "cancelled", run);
    await cancelOpenChildren(organizationId, runId);
    return cancelled;
  };

  /**
   * Cancels the open runs below a cancelled run, page by page. A child that already ended may still have open
   * children of its own (a parent that failed or timed out leaves them running), so its subtree is visited too.
   */
  const cancelOpenChildren = async (organizationId: string, parentRunId: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ organizationId, parentRunId, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const child of page.runs) await (isFinalRunStatus(child.status) ? cancelOpenChildren(organizationId, child.id) : cancelRun(organizationId, child.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  };

  return {
    store,

    orchestrate: (request) => trackStart(orchestrateRequest(request)),

    enqueue: (request) => enqueueRun(request, true),

    cancel: cancelRun,

    async getRun(organizationId, runId) {
      const run = await store.getRun(organizationId, runId);
      if (!run) return null;
      const [toolExecutions, steps, tree] = await Promise.all([store.listToolExecutions(organizationId, runId), store.listSteps(organizationId, runId), readChildRunTree(store, run)]);
      // Journaled outputs are what replays use, unredacted: they never leave the orchestrator.
      return { ...run, toolExecutions, steps: steps.map(summarizeStep), children: tree.children, childrenTruncated: tree.truncated };
    },

    async signal(organizationId, runId, name, payload, signalOptions = {}) {
      validateSignal(name, payload, signalOptions.sentBy);
      const now = clock.now();
      const run = await store.sendSignal({ organizationId, runId, name, payload: payload ?? null, sentBy: signalOptions.sentBy ?? null, sentAt: new Date(now) });
      if (run.status === "WAITING" && run.wakeAt !== null && run.wakeAt.getTime() <= now) void resumer.sweep();
      return run;
    },

    resumeDueRuns: () => resumer.sweep(),

    waitForRun: (organizationId, runId, waitOptions) => waitForRunEnd({ store, clock, active, watchers }, organizationId, runId, waitOptions),

    wakeRunWaiters: (runId) => (runId === undefined ? watchers.notifyAll() : watchers.notify(runId)),

    listRuns: (query) => store.listRuns(query),

    listAgents: (organizationId) =>
      registry.list().map(({ definition, breakers, jsonSchemas, policies }) => ({
        name: definition.name,
        version: definition.version,
        description: definition.description,
        kind: definition.kind ?? null,
        inputSchema: jsonSchemas().input,
        outputSchema: jsonSchemas().output,
        breakerState: breakers?.state(organizationId) ?? "closed",
        breakerScope: policies.breaker.scope,
        admission: policies.admission.enabled ? { limit: policies.admission.limit, windowMs: policies.admission.windowMs } : null,
      })),

    registerAgent: (agent) => void registry.register(agent),

    async drain({ deadlineMs }) {
      draining = true;
      // Runs a sweep in progress claims from now on are handed back; the sweep is waited for like a running run.
      const sweepEnded = resumer.stop();
      // No queued run starts on an instance that is going away: an in-process queue keeps its jobs until they are
      // cancelled below, a durable one leaves them to other instances. Runs already started are waited for below.
      const paused = queue.pause?.() ?? Promise.resolve();
      paused.catch(() => undefined);
      // Waited for until none is left: a run admitted, or a job taken, just before the drain began starts after it.
      const open = new Set(active.values().map((run) => run.runId));
      const settled = async () => {
        await sweepEnded;
        while (starting.size > 0 || active.size > 0) await Promise.all([...starting, ...active.values().map((run) => run.done)]);
      };
      let timedOut = false;
      let cancelDeadline = () => {};
      const deadline = new Promise<void>((resolve) => {
        cancelDeadline = clock.schedule(deadlineMs, () => {
          timedOut = true;
          resolve();
        });
      });
      await Promise.race([settled(), deadline]);
      // A deadline timer left behind would keep the process alive until it fired, long after the drain.
      cancelDeadline();
      const interrupted: string[] = [];
      if (timedOut) {
        // From now on a run that still gets to start (its creation was slow) is stopped as it starts.
        shutdownReason = new CancelledError("The host shut down before the run finished.", { details: { reason: "shutdown" } });
        for (const run of active.values()) {
          interrupted.push(run.runId);
          run.controller.abort(shutdownReason);
        }
        await Promise.all(active.values().map((run) => run.done));
      }
      if (!queue.durable) {
        for (const [runId, organizationId] of queuedHere) await finishOutside(organizationId, runId, "shutdown").catch(() => undefined);
        queuedHere.clear();
      }
      await queue.close();
      leases.stop();
      registry.shutdown();
      const ran = new Set([...open, ...startedWhileDraining]);
      return { finished: ran.size - interrupted.length, interrupted };
    },
  };
}

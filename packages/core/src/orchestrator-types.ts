import type { AgentDefinition } from "./model/agent-definition.js";
import type { BreakerScope, RunPolicyOverrides } from "./model/agent-policies.js";
import type { AgentRun, AgentRunWithTools } from "./model/agent-run.js";
import type { CallerContext, OrchestrateRequest } from "./model/orchestrate-request.js";
import type { BreakerState } from "./ports/metrics-sink.js";
import type { Clock } from "./ports/clock.js";
import type { Logger } from "./ports/logger.js";
import type { MetricsSink } from "./ports/metrics-sink.js";
import type { RateLimiter } from "./ports/rate-limiter.js";
import type { ListRunsQuery, RunPage, RunStore } from "./ports/run-store.js";
import type { RunQueue } from "./ports/run-queue.js";
import type { Tracer } from "./ports/tracer.js";
import type { ChildRunLimitOptions } from "./orchestrator/child-run-limits.js";

/** Decides whether a caller may run an agent; the orchestrator already requires both ids. */
export type AuthorizeFunction = (caller: CallerContext, agent: AgentDefinition) => boolean | Promise<boolean>;

/** Options of {@link createOrchestrator}. Everything but `agents` has a default. */
export interface OrchestratorOptions {
  agents: AgentDefinition[];
  /** Defaults to an in-memory store (bounded; for tests and development). */
  store?: RunStore;
  /** Defaults to a sink that drops everything. */
  metrics?: MetricsSink;
  /** Defaults to the OpenTelemetry API tracer (no-op unless an SDK is registered). */
  tracer?: Tracer;
  /** Defaults to a silent logger. Whatever is given is wrapped with secret redaction. */
  logger?: Logger;
  /** Defaults applied to every agent; agents override them field by field. */
  policies?: RunPolicyOverrides;
  /**
   * What leases, wake times, run timestamps and timeouts go by. Defaults to the system clock. Processes sharing a
   * store should give it the database's time, a `ClockSkewMonitor`'s `referenceClock`, so that they agree on leases.
   */
  clock?: Clock;
  /** Defaults to a bounded in-memory fixed-window limiter. */
  rateLimiter?: RateLimiter;
  /** Defaults to an in-process queue. */
  queue?: RunQueue;
  /** Extra authorization on top of the required user and organization ids. */
  authorize?: AuthorizeFunction;
  /** Key names (case-insensitive, substring match) whose values are redacted, added to the built-in list. */
  redactKeys?: string[];
  /**
   * Upper bound of the admission windows (one per agent, organization and user) the default in-memory limiter keeps;
   * past it the oldest are forgotten and start afresh. Default 100,000. Unused when `rateLimiter` is given.
   */
  maxTrackedKeys?: number;
  /** Leases and resumption of durable runs. */
  durability?: DurabilityOptions;
  /** Bounds of the tree of child runs one root run may start (`ctx.runAgent`): depth 10 and 500 per run by default. */
  childRuns?: ChildRunLimitOptions;
}

/** How this orchestrator holds runs and takes over others' (see the "Durable runs" docs). */
export interface DurabilityOptions {
  /** This executor's id in run leases. Default: a random UUID per orchestrator. */
  executorId?: string;
  /** How long a run's lease lasts; it is renewed every third of that. Default 30,000 ms. */
  leaseMs?: number;
  /**
   * How often to look for runs to take over (lapsed leases) or wake (due waits). Default 1,000 ms; 0 turns the
   * periodic sweep off (call `resumeDueRuns` yourself).
   */
  sweepIntervalMs?: number;
  /**
   * Asked before each sweep: while it returns false, this orchestrator takes over no run (lapsed leases, due waiting
   * runs), since which leases have lapsed and which waits are due is decided by its clock. Pass
   * `() => !monitor.isSkewed()` of a `ClockSkewMonitor`. Runs this orchestrator executes keep running and keep
   * renewing their leases: those writes use its clock too, but fencing keeps other executors safe from them. The
   * sweep logs once when it stops and once when it resumes. Default: always true.
   */
  mayClaimByClock?: () => boolean;
  /**
   * How many times a run may be taken over after its executor stopped renewing its lease before it fails with
   * `TAKEOVER_LIMIT` (status reason `takeover_limit`) instead of being executed again, as BullMQ fails a job stalled
   * more than `maxStalledCount` times. A run that makes its process die or stall (a handler that exhausts memory,
   * blocks the event loop past the lease, or exits) would otherwise be taken over by one instance after another,
   * bringing each down. Wake-ups after durable waits and runs given up by an instance shutting down do not count.
   * A non-negative integer, or `Infinity` for no limit. Default 5.
   */
  maxTakeovers?: number;
  /**
   * For replay tests only (`replayRunHistory`): a step the run's journal does not hold as done ends the run with
   * `NON_DETERMINISTIC` (`details.historyEnded`) instead of running. Never set it on an orchestrator that serves runs.
   */
  replayOnly?: boolean;
}

/** Public description of a registered agent. */
export interface AgentInfo {
  name: string;
  version: string;
  description: string;
  kind: string | null;
  /** JSON Schema of the input, generated from the zod schema. */
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  /**
   * State of the breaker that the caller's runs meet: the agent's, or with `breakerScope: "organization"` the breaker
   * of the organization given to {@link Orchestrator.listAgents} (`closed` when none is given, or before its first run).
   */
  breakerState: BreakerState;
  /** Whether the agent keeps one breaker (`agent`) or one per organization (`organization`). */
  breakerScope: BreakerScope;
  /** The admission limit per (agent, user), or null when admission is not limited. */
  admission: { limit: number; windowMs: number } | null;
}

/** Result of {@link Orchestrator.drain}. */
export interface DrainResult {
  /** Runs that finished before the deadline. */
  finished: number;
  /** Runs still open at the deadline, cancelled and recorded as such. */
  interrupted: string[];
}

/** Options of {@link Orchestrator.waitForRun}. */
export interface WaitForRunOptions {
  /** How long to wait for the run's end, in milliseconds. Default 60,000. */
  timeoutMs?: number;
  /** Stops waiting (not the run): the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The orchestrator. Create with {@link createOrchestrator}. */
export interface Orchestrator {
  /**
   * Runs an agent through the whole pipeline and returns the finished run.
   * @throws NeonhubError with a stable code; `runId` is set when a run was persisted.
   */
  orchestrate(request: OrchestrateRequest): Promise<AgentRun>;
  /** Validates, authorizes and admits the request, persists it `QUEUED` and executes it in the background. */
  enqueue(request: OrchestrateRequest): Promise<AgentRun>;
  /** Cancels a queued, running or waiting run of the organization; returns the run as it ended. */
  cancel(organizationId: string, runId: string): Promise<AgentRun>;
  /**
   * The run with its tool executions and its journal's steps (without their outputs, which only replays use), or
   * null when it does not exist in the organization.
   */
  getRun(organizationId: string, runId: string): Promise<AgentRunWithTools | null>;
  listRuns(query: ListRunsQuery): Promise<RunPage>;
  /**
   * Sends a signal to a run: a run waiting for it (`ctx.waitForSignal(name)`) resumes; one that is not waiting yet
   * takes it when its wait begins. One signal per name and run.
   * The payload is held to the limits of a run's input (`STORABLE_VALUE_LIMITS`: no NUL character or unpaired
   * surrogate in any text or key, finite numbers, at most 64 levels of nesting), and `sentBy` must be such text.
   * @throws ValidationError for a bad name, payload or sender (`fieldErrors` name `payload.<path>` or `sentBy`),
   * before anything is stored; RunNotFoundError for a run of another organization; SignalConflictError for a name
   * already used or a run that ended.
   */
  signal(organizationId: string, runId: string, name: string, payload: unknown, options?: { sentBy?: string }): Promise<AgentRun>;
  /**
   * Takes over runs whose executor died (lapsed lease) and waiting runs that are due, and resumes them from their
   * journal here; resolves with how many were taken. The orchestrator does this every `sweepIntervalMs` by itself.
   */
  resumeDueRuns(): Promise<number>;
  /**
   * Resolves with the run once it has ended (`COMPLETED`, `FAILED`, `CANCELLED` or `TIMED_OUT`): for a run started
   * with {@link Orchestrator.enqueue}, or one that waits durably. A run executing in this process is seen ending at
   * once; one executing elsewhere (another instance, a worker) at the next look at the store, every 50 ms at first
   * and every second at most. A `WAITING` run is waited for through its wait.
   * @example
   * const queued = await orchestrator.enqueue(request);
   * const run = await orchestrator.waitForRun(queued.organizationId, queued.id, { timeoutMs: 30_000 });
   * @throws ValidationError for bad options; RunNotFoundError for a run of another organization; TimeoutError
   * (retryable, `details.status` the run's status then) when it has not ended within `timeoutMs`; the signal's
   * reason when `signal` aborts. The run itself goes on in each case.
   */
  waitForRun(organizationId: string, runId: string, options?: WaitForRunOptions): Promise<AgentRun>;
  /**
   * Makes the callers of {@link Orchestrator.waitForRun} in this process that wait for the run read the store again
   * now, instead of at their next look (up to a second away). For hosts that hear of runs ending in other processes,
   * through a Redis channel or PostgreSQL `NOTIFY`: the waiters read the run's end from the store, so a wrong or late
   * note costs one read and nothing else. Does nothing when nobody here waits for the run. Without `runId`, every
   * caller waiting here reads the store again: for a channel that reports it may have lost notes.
   * @example
   * channel.subscribe((note) => isFinalRunStatus(note.status) && orchestrator.wakeRunWaiters(note.runId));
   * channel.onGap(() => orchestrator.wakeRunWaiters());
   */
  wakeRunWaiters(runId?: string): void;
  /**
   * The registered agents. `organizationId` picks whose breaker an organization-scoped agent reports in `breakerState`.
   * @example
   * orchestrator.listAgents(caller.organizationId).filter((agent) => agent.breakerState === "open");
   */
  listAgents(organizationId?: string): AgentInfo[];
  /** Registers another agent; names are unique. */
  registerAgent(agent: AgentDefinition): void;
  /**
   * Stops accepting runs and starting queued ones (the queue is paused at once), waits up to `deadlineMs` for open
   * runs, then cancels what is left. Runs accepted just before the drain began, whose creation was still on its
   * way, are waited for like the others; one whose creation answers only after the deadline is cancelled as it starts.
   */
  drain(options: { deadlineMs: number }): Promise<DrainResult>;
  /** The store the orchestrator writes to. */
  readonly store: RunStore;
}

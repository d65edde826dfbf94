import {
  ConfigurationError,
  createClockSkewMonitor,
  createInProcessRunQueue,
  createOrchestrator,
  createRunRetention,
  createScheduleManager,
  createScheduler,
  DEFAULT_RUN_QUEUE,
  systemClock,
  type AgentDefinition,
  type Clock,
  type ClockSkewMonitor,
  type Orchestrator,
  type QueueSettings,
  type RateLimiter,
  type RunQueue,
  type RunRetention,
  type ScheduleManager,
  type Scheduler,
} from "@neonhub/core";
import { builtInConnectors, checkApiVersions, checkBaseUrls, createConnectorClient, createConnectorRegistry, type ApiVersionStatus, type ConnectorClient, type ConnectorDefinition } from "@neonhub/connectors";
import { createPrometheusMetrics, type PrometheusMetrics } from "@neonhub/metrics";
import type { NeonhubDatabase, PrismaCredentialStore } from "@neonhub/persistence-prisma";
import { createBullmqRunQueue, createQueuedRunReconciler, createRedisEventChannel, createRedisRateLimiter, type QueuedRunReconciler } from "@neonhub/redis";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Redis } from "ioredis";
import type { Logger as PinoLogger } from "pino";
import { createExampleAgents } from "../agents/example-agents.js";
import type { RunConnectors } from "../agents/run-connectors.js";
import { connectorBaseUrlVariable, oauthClientVariable, oauthFieldVariable, type HostConfig } from "../config/host-config.js";
import { checkOAuthClients } from "../connections/check-oauth-clients.js";
import { createRunEventHub, type RunEventHub } from "../inspector/run-event-hub.js";
import { parseRunNote, relayRunEvents, wakeRunWaitersOnEnds, type RunNote } from "../inspector/run-event-relay.js";
import { withRunEvents, type RunEventSink } from "../inspector/with-run-events.js";
import type { HealthCheck } from "../routes/operations-routes.js";
import { clockHealthCheck } from "./clock-health-check.js";
import { readHostVersion } from "./host-version.js";
import { openHostDatabase } from "./open-host-database.js";
import { PLATFORM_QUEUES } from "./platform-queues.js";
import { queuedRunsHealthCheck } from "./queued-runs-health-check.js";

/** Queued runs executing at once in one process without Redis, across its queues; free slots go by priority. */
const IN_PROCESS_MAX_CONCURRENCY = 16;
const DAY_MS = 86_400_000;
/** How often the host measures its clock against the database's: a drift of seconds takes NTP far longer to build. */
const CLOCK_CHECK_INTERVAL_MS = 30_000;

/**
 * Everything a host process runs on, whatever its role: the database, Redis, connectors, metrics, agents, the run
 * queue, the orchestrator, and the background work (reconciler, scheduler) that the role gives it.
 */
export interface HostRuntime {
  version: string;
  /** This process's id in run leases (`AgentRun.leaseOwner`): `<hostname>/<pid>/<random>`, logged at start. */
  executorId: string;
  database: NeonhubDatabase;
  redis: Redis | null;
  metrics: PrometheusMetrics;
  connectors: ConnectorClient;
  /** Connector credentials, when a credentials key is configured. */
  credentials: PrismaCredentialStore | null;
  keys: { encryptionKey: string; previousKeys: string[] } | null;
  agents: AgentDefinition[];
  runEvents: RunEventHub;
  orchestrator: Orchestrator;
  schedules: ScheduleManager;
  /** Measures this process's clock against the database's; while skewed, no run is taken over and no tick started. */
  clockSkew: ClockSkewMonitor;
  /** The database's time as this process best knows it (`clockSkew.referenceClock`): what every stored time is set by. */
  databaseClock: Clock;
  /** `database` and `clock` always, `redis` and `queuedRuns` with Redis. */
  healthChecks: Record<string, HealthCheck>;
  /** Read at every scrape and health answer, against the wall clock's day. */
  connectorApiVersions: () => readonly ApiVersionStatus[];
  /** Starts the reconciler and the scheduler where the role runs them (not on `api`). */
  startBackgroundWork(): void;
  /** Stops them: no runs put back or scheduled from now on. */
  stopBackgroundWork(): Promise<void>;
  /** Releases every connection; call after draining the orchestrator. */
  close(): Promise<void>;
}

/**
 * What a host serves beside the built-in connectors and the example agents: a plugin's connectors, and agents of
 * its own that call them (and the built-ins) through the host's connector client.
 */
export interface HostExtensions {
  connectors?: readonly ConnectorDefinition[];
  agents?: (connectors: RunConnectors) => AgentDefinition[];
  /**
   * This process's clock (the system clock by default): what the clock skew monitor measures against the database's.
   * Everything that stores or compares a time (the orchestrator, the schedules, connection tokens, API key expiry,
   * OAuth authorizations) goes by it corrected to the database's (`ClockSkewMonitor.referenceClock`).
   */
  clock?: Clock;
}

/** The queues a process declares: the platform's, and the default settings for any other queue an agent names. */
function declaredQueues(agents: readonly AgentDefinition[]): Record<string, QueueSettings> {
  const named = Object.fromEntries(agents.map((agent) => [agent.queue ?? DEFAULT_RUN_QUEUE, {}] as const));
  return { ...named, ...PLATFORM_QUEUES };
}

/**
 * Opens every dependency named by the configuration. A `worker` or `all` process consumes the run queue and runs
 * the reconciler and the scheduler; an `api` process only enqueues onto Redis. Every role sweeps for runs to take
 * over (a lapsed lease, a due wait), so that the synchronous runs of a dead API host are finished too.
 */
export async function openHostRuntime(config: HostConfig, logger: PinoLogger, extensions: HostExtensions = {}): Promise<HostRuntime> {
  if (config.connectorsMode === "live" && config.credentialsKey === null) {
    throw new ConfigurationError("NEONHUB_CONNECTORS_MODE=live needs NEONHUB_CREDENTIALS_KEY (32 bytes, hex or base64) to read connector credentials.");
  }
  if (config.role !== "all" && config.redisUrl === null) throw new ConfigurationError(`NEONHUB_ROLE=${config.role} needs REDIS_URL: queued runs go through Redis from API hosts to workers.`);
  // Every connector the host serves is registered here, so a base URL for any other is a mistake (a misspelled id).
  const registry = createConnectorRegistry({ connectors: [...builtInConnectors, ...(extensions.connectors ?? [])] });
  checkBaseUrls(config.connectorBaseUrls, registry, connectorBaseUrlVariable);
  // Here rather than in the connection service, which only a host with a credentials key creates.
  checkOAuthClients(config.oauthClients, registry, { client: oauthClientVariable, field: oauthFieldVariable });
  const version = readHostVersion();
  const database = await openHostDatabase(config);
  const closers: Array<() => Promise<unknown>> = [() => database.close()];
  const closeAll = async (onError: (error: unknown) => void) => {
    for (const close of closers) await close().catch(onError);
  };
  try {
    const redis = config.redisUrl === null ? null : await connectRedis(config.redisUrl, logger);
    if (redis) closers.unshift(() => redis.quit().catch(() => redis.disconnect()));
    const clock = extensions.clock ?? systemClock;
    const clockSkew = createClockSkewMonitor({ readReferenceTime: () => database.readDatabaseTime(), clock, maxSkewMs: config.maxClockSkewMs, intervalMs: CLOCK_CHECK_INTERVAL_MS, logger });
    // Measured before the orchestrator's first sweep, so that a host started with a skewed clock takes nothing over.
    const firstOffset = await clockSkew.measure();
    logger.info({ offsetMs: firstOffset?.offsetMs ?? null, uncertaintyMs: firstOffset?.uncertaintyMs ?? null, skewed: clockSkew.isSkewed() }, "clock measured against the database's");
    clockSkew.start();
    closers.unshift(() => clockSkew.stop());
    // Leases, wake times, run times, ticks and token expiries are set and compared by the database's time as this host
    // knows it, so that hosts whose clocks differ agree on them.
    const databaseClock = clockSkew.referenceClock;
    const connectorApiVersions = () => checkApiVersions(registry.list(), { clock: systemClock });
    const metrics = createPrometheusMetrics({ connectorApiVersions, knownQueues: Object.keys(PLATFORM_QUEUES), knownConnectors: registry.list().map((connector) => connector.id), logger });
    const keys = config.credentialsKey === null ? null : { encryptionKey: config.credentialsKey, previousKeys: config.previousCredentialsKeys };
    const credentials = keys === null ? null : database.createCredentialStore(keys);
    if (credentials) metrics.observeConnections(() => credentials.countByStatus());
    const connectors = createConnectorClient({
      registry,
      baseUrls: config.connectorBaseUrls,
      mode: config.connectorsMode,
      metrics: metrics.sink,
      logger,
      oauthClients: (connector) => config.oauthClients[connector],
      // Token expiries are stored by the connection service on the database's clock too.
      clock: databaseClock,
      ...(config.mockLatencyMs > 0 ? { mock: { latency: { fixedMs: config.mockLatencyMs } } } : {}),
      ...(config.connectorsMode === "live" && credentials ? { credentials } : {}),
    });
    closers.unshift(() => connectors.close());
    // Under the deployment's prefix, as its queues: deployments sharing a Redis must not share admission windows.
    const rateLimiter: RateLimiter | undefined = redis ? createRedisRateLimiter({ redis, keyPrefix: `${config.queuePrefix}:admission` }) : undefined;
    const agents = [...createExampleAgents(connectors, { runs: database.runStore, settings: database.agentSettingsStore, clock: databaseClock }), ...(extensions.agents?.(connectors) ?? [])];
    // Their series start at zero, so that rates and alerts see an agent's first run and first failure.
    metrics.knowAgents(agents.map((agent) => agent.name));
    const queues = declaredQueues(agents);
    const bullmq = config.redisUrl
      ? // A job held by a process that died goes to another one after the run lease, as its run does.
        createBullmqRunQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, queues, metrics: metrics.sink, consume: config.role !== "api", lockMs: config.runLeaseMs })
      : null;
    const queue: RunQueue = bullmq ?? createInProcessRunQueue({ queues, maxConcurrency: IN_PROCESS_MAX_CONCURRENCY, metrics: metrics.sink });
    const runEvents = createRunEventHub({ maxSubscribersPerOrganization: config.runEventStreamsPerOrganization });
    closers.push(async () => runEvents.close());
    // With Redis, every process's runs reach every API process's live streams (workers run the queued ones).
    const runEventChannel = config.redisUrl
      ? createRedisEventChannel<RunNote>({ redisUrl: config.redisUrl, channel: `${config.queuePrefix}:run-events`, parse: parseRunNote })
      : null;
    if (runEventChannel) closers.unshift(() => runEventChannel.close());
    const runEventSink: RunEventSink = runEventChannel ? relayRunEvents(runEventChannel, runEvents, { receive: config.role !== "worker", logger }) : runEvents;
    const executorId = `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
    metrics.observeClockOffset(() => clockSkew.currentOffset());
    // Beyond the maximum skew the correction is not trusted (a clock that far off may step again before the next
    // measurement): such a host takes nothing over and starts no tick.
    const mayClaimByClock = () => !clockSkew.isSkewed();
    const orchestrator = createOrchestrator({
      agents,
      store: withRunEvents(database.runStore, runEventSink),
      metrics: metrics.sink,
      logger,
      ...(rateLimiter ? { rateLimiter } : {}),
      queue,
      policies: { breaker: { scope: config.agentBreakerScope } },
      clock: databaseClock,
      // Runs left by a process that died are taken over once their lease lapses, and waiting runs woken when due.
      durability: { executorId, leaseMs: config.runLeaseMs, sweepIntervalMs: config.sweepIntervalMs, mayClaimByClock, maxTakeovers: config.maxRunTakeovers },
    });
    // A worker's runs end elsewhere than the API host's long polls wait for them: its note wakes them.
    if (runEventChannel && config.role !== "worker") wakeRunWaitersOnEnds(runEventChannel, orchestrator);
    const background = config.role !== "api";
    // Redis may lose its data; PostgreSQL keeps what was accepted, and the reconciler puts lost runs back.
    const reconciler: QueuedRunReconciler | null =
      bullmq && background ? createQueuedRunReconciler({ store: database.runStore, queue: bullmq, agents, delayMs: config.reconcileDelayMs, clock: databaseClock, logger, metrics: metrics.sink }) : null;
    closers.unshift(async () => reconciler?.stop());
    const schedules = createScheduleManager({ store: database.scheduleStore, agents, clock: databaseClock });
    // Every process may run a scheduler: each tick is claimed by exactly one of them.
    const scheduler: Scheduler | null =
      background && config.schedulerIntervalMs > 0
        ? createScheduler({ orchestrator, store: database.scheduleStore, clock: databaseClock, logger, metrics: metrics.sink, intervalMs: config.schedulerIntervalMs, mayClaimByClock })
        : null;
    closers.unshift(async () => scheduler?.stop());
    // Bounds the run history; several processes may prune at once (the store skips rows another one holds).
    const retention: RunRetention | null =
      background && config.runRetentionDays > 0 ? createRunRetention({ store: database.runStore, retentionMs: config.runRetentionDays * DAY_MS, clock: databaseClock, logger, metrics: metrics.sink }) : null;
    closers.unshift(async () => retention?.stop());

    const healthChecks: Record<string, HealthCheck> = { database: () => database.checkHealth(), clock: clockHealthCheck(clockSkew, config.maxClockSkewMs) };
    if (redis) healthChecks.redis = async () => void (await redis.ping());
    // Only where queued runs survive and are reconciled: an in-process queue's leftovers are cancelled on shutdown.
    if (bullmq) healthChecks.queuedRuns = queuedRunsHealthCheck(database.runStore, config.queuedRunAlertMs, databaseClock);

    return {
      version,
      executorId,
      database,
      clockSkew,
      databaseClock,
      redis,
      metrics,
      connectors,
      credentials,
      keys,
      agents,
      runEvents,
      orchestrator,
      schedules,
      healthChecks,
      connectorApiVersions,
      startBackgroundWork() {
        reconciler?.start();
        scheduler?.start();
        retention?.start();
      },
      async stopBackgroundWork() {
        await reconciler?.stop();
        // No new scheduled runs while draining; a tick not claimed yet is claimed by another process or on the next start.
        await scheduler?.stop();
        await retention?.stop();
      },
      close: () => closeAll((error) => logger.warn({ err: error }, "closing a dependency failed")),
    };
  } catch (error) {
    await closeAll(() => undefined);
    throw error;
  }
}

async function connectRedis(redisUrl: string, logger: PinoLogger): Promise<Redis> {
  // No offline queue: while Redis is down, admission falls back to memory at once instead of waiting.
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
  let lastReported = 0;
  redis.on("error", (error: Error) => {
    if (Date.now() - lastReported < 10_000) return;
    lastReported = Date.now();
    logger.warn({ err: { message: error.message } }, "Redis connection error");
  });
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw new ConfigurationError(`Redis at REDIS_URL cannot be reached: ${(error as Error).message}`);
  }
  return redis;
}

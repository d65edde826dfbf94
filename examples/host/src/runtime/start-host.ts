import { type AgentDefinition, ConfigurationError, createInProcessRunQueue, createOrchestrator, createScheduleManager, createScheduler, systemClock, type Orchestrator, type RateLimiter, type RunQueue } from "@neonhub/core";
import { builtInConnectors, checkApiVersions, type ConnectorDefinition, createConnectorClient, createConnectorRegistry } from "@neonhub/connectors";
import { createPrometheusMetrics } from "@neonhub/metrics";
import type { FastifyInstance } from "fastify";
import { createBullmqRunQueue, createQueuedRunReconciler, createRedisRateLimiter } from "@neonhub/redis";
import { Redis } from "ioredis";
import type { Logger as PinoLogger } from "pino";
import { createExampleAgents } from "../agents/example-agents.js";
import type { RunConnectors } from "../agents/run-connectors.js";
import { createHostApp } from "../app/create-host-app.js";
import { createConnectionService } from "../connections/connection-service.js";
import { createCachedApiKeyStore } from "../auth/cached-api-key-store.js";
import { provisionDevelopmentKey } from "../auth/provision-development-key.js";
import type { HostConfig } from "../config/host-config.js";
import { locateInspectorAssets, readInspectorAssets } from "../inspector/inspector-assets.js";
import { createRunEventHub } from "../inspector/run-event-hub.js";
import { withRunEvents } from "../inspector/with-run-events.js";
import type { HealthCheck } from "../routes/operations-routes.js";
import { provisionDevelopmentSchedules } from "../schedules/development-schedules.js";
import { readHostVersion } from "./host-version.js";
import { openHostDatabase } from "./open-host-database.js";
import { PLATFORM_QUEUES } from "./platform-queues.js";
import { queuedRunsHealthCheck } from "./queued-runs-health-check.js";

/** A started host: listening, with the means to stop it gracefully. */
export interface RunningHost {
  app: FastifyInstance;
  orchestrator: Orchestrator;
  /** The address it listens on, `http://host:port`. */
  url: string;
  /** Stops accepting, lets runs finish up to the deadline, cancels the rest and releases every connection. */
  stop(): Promise<void>;
}

/**
 * What a host serves beside the built-in connectors and the example agents: a plugin's connectors, and agents of
 * its own that call them (and the built-ins) through the host's connector client.
 */
export interface HostExtensions {
  connectors?: readonly ConnectorDefinition[];
  agents?: (connectors: RunConnectors) => AgentDefinition[];
}

const IDLE_SWEEP_MS = 25;

/** Queued runs executing at once in one process without Redis, across its queues; free slots go by priority. */
const IN_PROCESS_MAX_CONCURRENCY = 16;

/** Opens every dependency named by the configuration, builds the app with `extensions` and starts listening. */
export async function startHost(
  config: HostConfig,
  logger: PinoLogger,
  announce: (text: string) => void = (text) => process.stdout.write(text),
  extensions: HostExtensions = {},
): Promise<RunningHost> {
  if (config.connectorsMode === "live" && config.credentialsKey === null) {
    throw new ConfigurationError("NEONHUB_CONNECTORS_MODE=live needs NEONHUB_CREDENTIALS_KEY (32 bytes, hex or base64) to read connector credentials.");
  }
  const version = readHostVersion();
  const database = await openHostDatabase(config);
  const closers: Array<() => Promise<unknown>> = [() => database.close()];
  try {
    const redis = config.redisUrl === null ? null : await connectRedis(config.redisUrl, logger);
    if (redis) closers.unshift(() => redis.quit().catch(() => redis.disconnect()));
    const registry = createConnectorRegistry({ connectors: [...builtInConnectors, ...(extensions.connectors ?? [])] });
    // Read at every scrape and health answer, against the wall clock's day.
    const connectorApiVersions = () => checkApiVersions(registry.list(), { clock: systemClock });
    const metrics = createPrometheusMetrics({ connectorApiVersions, knownQueues: Object.keys(PLATFORM_QUEUES) });
    const keys = config.credentialsKey === null ? null : { encryptionKey: config.credentialsKey, previousKeys: config.previousCredentialsKeys };
    const credentials = keys === null ? null : database.createCredentialStore(keys);
    if (credentials) metrics.observeConnections(() => credentials.countByStatus());
    const connectors = createConnectorClient({
      registry,
      mode: config.connectorsMode,
      metrics: metrics.sink,
      logger,
      oauthClients: (connector) => config.oauthClients[connector],
      ...(config.mockLatencyMs > 0 ? { mock: { latency: { fixedMs: config.mockLatencyMs } } } : {}),
      ...(config.connectorsMode === "live" && credentials ? { credentials } : {}),
    });
    closers.unshift(() => connectors.close());
    const rateLimiter: RateLimiter | undefined = redis ? createRedisRateLimiter({ redis }) : undefined;
    const agents = [...createExampleAgents(connectors), ...(extensions.agents?.(connectors) ?? [])];
    const bullmq = config.redisUrl ? createBullmqRunQueue({ redisUrl: config.redisUrl, prefix: config.queuePrefix, queues: PLATFORM_QUEUES, metrics: metrics.sink }) : null;
    const queue: RunQueue = bullmq ?? createInProcessRunQueue({ queues: PLATFORM_QUEUES, maxConcurrency: IN_PROCESS_MAX_CONCURRENCY, metrics: metrics.sink });
    const runEvents = createRunEventHub();
    closers.push(async () => runEvents.close());
    const orchestrator = createOrchestrator({
      agents,
      store: withRunEvents(database.runStore, runEvents),
      metrics: metrics.sink,
      logger,
      ...(rateLimiter ? { rateLimiter } : {}),
      queue,
      // Runs left by a host that died are taken over once their lease lapses, and waiting runs woken when due.
      durability: { leaseMs: config.runLeaseMs, sweepIntervalMs: config.sweepIntervalMs },
    });
    // Redis may lose its data; PostgreSQL keeps what was accepted, and the reconciler puts lost runs back.
    const reconciler = bullmq ? createQueuedRunReconciler({ store: database.runStore, queue: bullmq, agents, delayMs: config.reconcileDelayMs, logger }) : null;
    reconciler?.start();
    closers.unshift(async () => reconciler?.stop());

    const schedules = createScheduleManager({ store: database.scheduleStore, agents });
    // Every host may run a scheduler: each tick is claimed by exactly one of them.
    const scheduler = config.schedulerIntervalMs > 0 ? createScheduler({ orchestrator, store: database.scheduleStore, logger, intervalMs: config.schedulerIntervalMs }) : null;
    closers.unshift(async () => scheduler?.stop());

    const issued = await provisionDevelopmentKey(database.apiKeyStore, config.developmentApiKey);
    // In mock mode the examples run on fixtures; live, a person enables them once the connections exist.
    if (issued) await provisionDevelopmentSchedules(schedules, agents.map((agent) => agent.name), { enabled: config.connectorsMode === "mock" });
    const healthChecks: Record<string, HealthCheck> = { database: () => database.checkHealth() };
    if (redis) healthChecks.redis = async () => void (await redis.ping());
    // Only where queued runs survive and are reconciled: an in-process queue's leftovers are cancelled on shutdown.
    if (bullmq) healthChecks.queuedRuns = queuedRunsHealthCheck(database.runStore, config.queuedRunAlertMs, systemClock);
    const app = await createHostApp({
      orchestrator,
      // Every authenticated request looks its key up: from memory for a while, rather than with a query each time.
      apiKeyStore: config.apiKeyCacheTtlMs > 0 ? createCachedApiKeyStore(database.apiKeyStore, { ttlMs: config.apiKeyCacheTtlMs }) : database.apiKeyStore,
      connectors: { list: () => connectors.catalog().map(({ id, kind, displayName, mode, actions, implemented }) => ({ id, kind, displayName, mode, implemented, actions })) },
      metrics,
      healthChecks,
      connectorApiVersions,
      version,
      logger,
      ...(credentials && keys
        ? {
            connections: createConnectionService({
              store: credentials,
              states: database.createOAuthStateStore(keys),
              connectors,
              oauthClients: config.oauthClients,
              redirectUri: config.publicUrl === null ? null : `${config.publicUrl}/v1/oauth/callback`,
              returnUrls: config.oauthReturnUrls,
              allowInsecureOAuthRequests: config.allowInsecureOAuthRequests,
            }),
          }
        : {}),
      runEvents,
      schedules,
      inspectorAssets: readInspectorAssets(locateInspectorAssets(config.inspectorAssetsDirectory)),
    });
    const url = await app.listen({ port: config.port, host: config.host });
    scheduler?.start();
    if (issued) {
      announce(
        config.developmentApiKey === null
          ? `\nDevelopment API key (shown once, stored hashed): ${issued.key}\n  curl -H "Authorization: Bearer ${issued.key}" ${url}/v1/agents\n\n`
          : `\nDevelopment API key from NEONHUB_DEV_API_KEY provisioned for ${issued.record.organizationId}.\n\n`,
      );
    }
    logger.info({ url, version, connectorsMode: config.connectorsMode, database: config.databaseUrl === null ? "embedded" : "postgresql", redis: redis !== null }, "NeonHub host listening");

    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        await reconciler?.stop();
        // No new scheduled runs while draining; a tick not claimed yet is claimed by another host or on the next start.
        await scheduler?.stop();
        // Stop listening first (requests on open connections now get 503), then let runs end or cancel them.
        const closed = app.close();
        const drained = await orchestrator.drain({ deadlineMs: config.shutdownDeadlineMs });
        logger.info({ finished: drained.finished, interrupted: drained.interrupted }, "runs drained");
        // Keep-alive connections whose last response was in flight become idle only now: close them as they do.
        const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
        await closed.finally(() => clearInterval(sweep));
        for (const close of closers) await close().catch((error: unknown) => logger.warn({ err: error }, "closing a dependency failed"));
      })());
    return { app, orchestrator, url, stop };
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined);
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

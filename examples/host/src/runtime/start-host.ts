import { ConfigurationError, createOrchestrator, type Orchestrator, type RateLimiter, type RunQueue } from "@neonhub/core";
import { createConnectorClient } from "@neonhub/connectors";
import { createPrometheusMetrics } from "@neonhub/metrics";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { Logger as PinoLogger } from "pino";
import { createExampleAgents } from "../agents/example-agents.js";
import { createHostApp } from "../app/create-host-app.js";
import { createCachedApiKeyStore } from "../auth/cached-api-key-store.js";
import { provisionDevelopmentKey } from "../auth/provision-development-key.js";
import type { HostConfig } from "../config/host-config.js";
import { locateInspectorAssets, readInspectorAssets } from "../inspector/inspector-assets.js";
import { createRunEventHub } from "../inspector/run-event-hub.js";
import { withRunEvents } from "../inspector/with-run-events.js";
import { createBullmqRunQueue } from "../redis/bullmq-run-queue.js";
import { createRedisRateLimiter } from "../redis/redis-rate-limiter.js";
import type { HealthCheck } from "../routes/operations-routes.js";
import { readHostVersion } from "./host-version.js";
import { openHostDatabase } from "./open-host-database.js";

/** A started host: listening, with the means to stop it gracefully. */
export interface RunningHost {
  app: FastifyInstance;
  orchestrator: Orchestrator;
  /** The address it listens on, `http://host:port`. */
  url: string;
  /** Stops accepting, lets runs finish up to the deadline, cancels the rest and releases every connection. */
  stop(): Promise<void>;
}

const IDLE_SWEEP_MS = 25;

/** Runs left `RUNNING` this long on a shared database belong to a dead instance (several times the longest run). */
const SHARED_DATABASE_ORPHAN_AGE_MS = 15 * 60_000;

/** Opens every dependency named by the configuration, builds the app and starts listening. */
export async function startHost(config: HostConfig, logger: PinoLogger, announce: (text: string) => void = (text) => process.stdout.write(text)): Promise<RunningHost> {
  if (config.connectorsMode === "live" && config.credentialsKey === null) {
    throw new ConfigurationError("NEONHUB_CONNECTORS_MODE=live needs NEONHUB_CREDENTIALS_KEY (32 bytes, hex or base64) to read connector credentials.");
  }
  const version = readHostVersion();
  const database = await openHostDatabase(config);
  const closers: Array<() => Promise<unknown>> = [() => database.close()];
  try {
    const redis = config.redisUrl === null ? null : await connectRedis(config.redisUrl, logger);
    if (redis) closers.unshift(() => redis.quit().catch(() => redis.disconnect()));
    const metrics = createPrometheusMetrics();
    const connectors = createConnectorClient({
      mode: config.connectorsMode,
      metrics: metrics.sink,
      logger,
      ...(config.mockLatencyMs > 0 ? { mock: { latency: { fixedMs: config.mockLatencyMs } } } : {}),
      ...(config.connectorsMode === "live" ? { credentials: database.createCredentialStore({ encryptionKey: config.credentialsKey as string }) } : {}),
    });
    closers.unshift(() => connectors.close());
    const rateLimiter: RateLimiter | undefined = redis ? createRedisRateLimiter({ redis }) : undefined;
    const queue: RunQueue | undefined = config.redisUrl ? createBullmqRunQueue({ redisUrl: config.redisUrl, queueName: config.queueName, metrics: metrics.sink }) : undefined;
    const runEvents = createRunEventHub();
    closers.push(async () => runEvents.close());
    const orchestrator = createOrchestrator({
      agents: createExampleAgents(connectors),
      store: withRunEvents(database.runStore, runEvents),
      metrics: metrics.sink,
      logger,
      ...(rateLimiter ? { rateLimiter } : {}),
      ...(queue ? { queue } : {}),
    });
    // One process owns an embedded database, so anything still RUNNING there was left by a crash.
    await orchestrator.recoverOrphanedRuns({ olderThanMs: config.databaseUrl === null ? 0 : SHARED_DATABASE_ORPHAN_AGE_MS });

    const issued = await provisionDevelopmentKey(database.apiKeyStore, config.developmentApiKey);
    const healthChecks: Record<string, HealthCheck> = { database: () => database.checkHealth() };
    if (redis) healthChecks.redis = async () => void (await redis.ping());
    const app = await createHostApp({
      orchestrator,
      // Every authenticated request looks its key up: from memory for a while, rather than with a query each time.
      apiKeyStore: config.apiKeyCacheTtlMs > 0 ? createCachedApiKeyStore(database.apiKeyStore, { ttlMs: config.apiKeyCacheTtlMs }) : database.apiKeyStore,
      connectors: { list: () => connectors.catalog().map(({ id, kind, displayName, mode, actions, implemented }) => ({ id, kind, displayName, mode, implemented, actions })) },
      metrics,
      healthChecks,
      version,
      logger,
      runEvents,
      inspectorAssets: readInspectorAssets(locateInspectorAssets(config.inspectorAssetsDirectory)),
    });
    const url = await app.listen({ port: config.port, host: config.host });
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

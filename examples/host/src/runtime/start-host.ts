import { ConfigurationError, type Orchestrator } from "@neonhub/core";
import type { FastifyInstance } from "fastify";
import type { Logger as PinoLogger } from "pino";
import { createHostApp } from "../app/create-host-app.js";
import { createConnectionService } from "../connections/connection-service.js";
import { createConnectorCatalog } from "../connections/connector-catalog.js";
import { createCachedApiKeyStore } from "../auth/cached-api-key-store.js";
import { provisionDevelopmentKey } from "../auth/provision-development-key.js";
import type { HostConfig } from "../config/host-config.js";
import { loadInspectorAssets } from "../inspector/inspector-assets.js";
import { provisionDevelopmentSchedules } from "../schedules/development-schedules.js";
import { type HostExtensions, openHostRuntime } from "./open-host-runtime.js";

export type { HostExtensions } from "./open-host-runtime.js";
import { stopGracefully } from "./stop-gracefully.js";

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
 * Opens every dependency named by the configuration, builds the app with `extensions` and starts listening. With `NEONHUB_ROLE=api`
 * queued runs go to Redis for the workers (see `startWorker`); with `all` (the default) this process runs them too.
 */
export async function startHost(
  config: HostConfig,
  logger: PinoLogger,
  announce: (text: string) => void = (text) => process.stdout.write(text),
  extensions: HostExtensions = {},
): Promise<RunningHost> {
  if (config.role === "worker") throw new ConfigurationError("NEONHUB_ROLE=worker serves no API: start the worker entry (`start:worker`) instead.");
  const inspectorAssets = loadInspectorAssets(config.inspectorAssetsDirectory);
  const runtime = await openHostRuntime(config, logger, extensions);
  const { database, connectors, credentials, keys, orchestrator } = runtime;
  try {
    // A random key with every scope is for the embedded quick start: on PostgreSQL (a deployment) it would be printed
    // to the logs of production, and come back after each revoke. There only a key the operator names is provisioned.
    const issued =
      config.databaseUrl === null || config.developmentApiKey !== null ? await provisionDevelopmentKey(database.apiKeyStore, config.developmentApiKey, runtime.databaseClock) : null;
    // In mock mode the examples run on fixtures; live, a person enables them once the connections exist.
    if (issued) await provisionDevelopmentSchedules(runtime.schedules, runtime.agents.map((agent) => agent.name), { enabled: config.connectorsMode === "mock" });
    const app = await createHostApp({
      orchestrator,
      // Every authenticated request looks its key up: from memory for a while, rather than with a query each time.
      apiKeyStore: config.apiKeyCacheTtlMs > 0 ? createCachedApiKeyStore(database.apiKeyStore, { ttlMs: config.apiKeyCacheTtlMs }) : database.apiKeyStore,
      connectors: createConnectorCatalog(connectors, (connector) => config.oauthClients[connector] !== undefined, config.publicUrl !== null),
      metrics: runtime.metrics,
      healthChecks: runtime.healthChecks,
      connectorApiVersions: runtime.connectorApiVersions,
      version: runtime.version,
      publicUrl: config.publicUrl,
      // Key expiry and run times are stored by the database's time, so they are judged by it.
      clock: runtime.databaseClock,
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
              requireConfirm: config.oauthCompletion === "confirm",
              revokeExpiredGrants: config.revokeExpiredOAuthGrants,
              clock: runtime.databaseClock,
              logger,
            }),
          }
        : {}),
      runEvents: runtime.runEvents,
      schedules: runtime.schedules,
      inspectorAssets,
    });
    const url = await app.listen({ port: config.port, host: config.host });
    runtime.startBackgroundWork();
    if (issued) {
      announce(
        config.developmentApiKey === null
          ? `\nDevelopment API key (shown once, stored hashed): ${issued.key}\n  curl -H "Authorization: Bearer ${issued.key}" ${url}/v1/agents\n\n`
          : `\nDevelopment API key from NEONHUB_DEV_API_KEY provisioned for ${issued.record.organizationId}.\n\n`,
      );
    }
    logger.info(
      { url, version: runtime.version, role: config.role, executorId: runtime.executorId, connectorsMode: config.connectorsMode, database: config.databaseUrl === null ? "embedded" : "postgresql", redis: runtime.redis !== null },
      "NeonHub host listening",
    );
    return { app, orchestrator, url, stop: stopGracefully({ runtime, app, deadlineMs: config.shutdownDeadlineMs, logger }) };
  } catch (error) {
    await orchestrator.drain({ deadlineMs: 0 }).catch(() => undefined);
    await runtime.close();
    throw error;
  }
}

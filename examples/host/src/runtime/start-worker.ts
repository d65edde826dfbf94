import { ConfigurationError, type Orchestrator } from "@neonhub/core";
import type { FastifyInstance } from "fastify";
import type { Logger as PinoLogger } from "pino";
import { createWorkerApp } from "../app/create-worker-app.js";
import type { HostConfig } from "../config/host-config.js";
import { type HostExtensions, openHostRuntime } from "./open-host-runtime.js";
import { stopGracefully } from "./stop-gracefully.js";

/** A started worker: consuming queued runs, with the means to stop it gracefully. */
export interface RunningWorker {
  orchestrator: Orchestrator;
  /** The health and metrics server, when `NEONHUB_WORKER_PORT` is set. */
  app: FastifyInstance | null;
  /** Its address, `http://host:port`, or null. */
  url: string | null;
  /** Stops taking jobs, lets runs finish up to the deadline, cancels the rest and releases every connection. */
  stop(): Promise<void>;
}

/**
 * Starts a worker process: it runs queued runs from Redis (every queue of its agents), takes over runs whose lease
 * lapsed, wakes due waits, puts back queued runs Redis lost and starts scheduled runs, and serves no API. With a
 * worker port it answers `GET /api/health` and `GET /metrics` there.
 */
export async function startWorker(config: HostConfig, logger: PinoLogger, extensions: HostExtensions = {}): Promise<RunningWorker> {
  if (config.redisUrl === null || config.databaseUrl === null) {
    throw new ConfigurationError("A worker needs REDIS_URL and DATABASE_URL: it takes its runs from Redis and shares PostgreSQL with the API hosts.");
  }
  const runtime = await openHostRuntime({ ...config, role: "worker" }, logger, extensions);
  try {
    const app =
      config.workerPort === null
        ? null
        : await createWorkerApp({ version: runtime.version, healthChecks: runtime.healthChecks, metrics: runtime.metrics, connectorApiVersions: runtime.connectorApiVersions, logger });
    const url = app === null ? null : await app.listen({ port: config.workerPort ?? 0, host: config.host });
    runtime.startBackgroundWork();
    logger.info({ url, version: runtime.version, role: "worker", executorId: runtime.executorId, connectorsMode: config.connectorsMode }, "NeonHub worker started");
    return { orchestrator: runtime.orchestrator, app, url, stop: stopGracefully({ runtime, app, deadlineMs: config.shutdownDeadlineMs, logger }) };
  } catch (error) {
    await runtime.orchestrator.drain({ deadlineMs: 0 }).catch(() => undefined);
    await runtime.close();
    throw error;
  }
}

import type { FastifyInstance } from "fastify";
import type { Logger as PinoLogger } from "pino";
import type { HostRuntime } from "./open-host-runtime.js";

const IDLE_SWEEP_MS = 25;

/** What {@link stopGracefully} stops. */
export interface GracefulStop {
  runtime: HostRuntime;
  /** The process's HTTP server, if it has one: it stops accepting first. */
  app: FastifyInstance | null;
  /** How long runs in flight may go on before they are cancelled. */
  deadlineMs: number;
  logger: PinoLogger;
}

/**
 * Stops a host process: no runs put back or scheduled, no new requests (those on open connections get 503), runs in
 * flight end or are cancelled at the deadline, then every connection is released. Returns a function that does it
 * once, however often it is called.
 */
export function stopGracefully({ runtime, app, deadlineMs, logger }: GracefulStop): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      await runtime.stopBackgroundWork();
      const closed = app?.close();
      const drained = await runtime.orchestrator.drain({ deadlineMs });
      logger.info({ finished: drained.finished, interrupted: drained.interrupted }, "runs drained");
      if (app && closed) {
        // Keep-alive connections whose last response was in flight become idle only now: close them as they do.
        const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
        await closed.finally(() => clearInterval(sweep));
      }
      await runtime.close();
    })());
}

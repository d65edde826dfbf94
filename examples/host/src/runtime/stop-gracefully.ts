import type { FastifyInstance } from "fastify";
import type { Logger as PinoLogger } from "pino";
import type { HostRuntime } from "./open-host-runtime.js";

const IDLE_SWEEP_MS = 25;
/**
 * How long after the drain deadline requests may still be answered: the callers of runs cancelled at the deadline
 * get their answer within it. A request still open then is one whose body has not arrived; its connection is closed.
 */
export const REQUEST_GRACE_MS = 1_000;

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
 * flight end or are cancelled at the deadline, then every connection is released: as its last response is sent, or,
 * for a request still arriving {@link REQUEST_GRACE_MS} after the deadline, by closing it. Returns a function that
 * does it once, however often it is called.
 */
export function stopGracefully({ runtime, app, deadlineMs, logger }: GracefulStop): () => Promise<void> {
  let stopping: Promise<void> | null = null;
  return () =>
    (stopping ??= (async () => {
      const requestsEndBy = Date.now() + deadlineMs + REQUEST_GRACE_MS;
      await runtime.stopBackgroundWork();
      const closed = app?.close();
      const drained = await runtime.orchestrator.drain({ deadlineMs });
      logger.info({ finished: drained.finished, interrupted: drained.interrupted }, "runs drained");
      if (app && closed) await connectionsReleased(app, closed, requestsEndBy - Date.now(), logger);
      await runtime.close();
    })());
}

/** Resolves once the server has closed: idle connections are closed as they become idle, the rest when `waitMs` passes. */
async function connectionsReleased(app: FastifyInstance, closed: PromiseLike<unknown>, waitMs: number, logger: PinoLogger): Promise<void> {
  // Keep-alive connections whose last response was in flight become idle only now: close them as they do.
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  const cutOff = setTimeout(() => {
    app.server.getConnections((_error, open) => logger.warn({ connections: open }, "closing connections whose requests were still arriving after the shutdown deadline"));
    app.server.closeAllConnections();
  }, Math.max(0, waitMs));
  try {
    await closed;
  } finally {
    clearInterval(sweep);
    clearTimeout(cutOff);
  }
}

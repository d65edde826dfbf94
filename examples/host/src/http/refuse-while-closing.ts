import { StoreUnavailableError } from "@neonhub/core";
import type { FastifyInstance, FastifyReply, HookHandlerDoneFunction } from "fastify";

/** How long a client is asked to wait before it retries, on another instance. */
const RETRY_AFTER_MS = 1_000;

/**
 * Answers a request that arrives while the app is closing (on a connection that was open) with 503
 * `STORE_UNAVAILABLE` and `Retry-After`, a problem document like every other error, and closes its connection.
 * Fastify's own answer (`return503OnClosing`) is a JSON body without a code or `Retry-After`: turn it off where this
 * is used.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  const refuse = (reply: FastifyReply, done: HookHandlerDoneFunction) => {
    if (!closing) return done();
    reply.header("connection", "close");
    done(new StoreUnavailableError("The host is shutting down; retry on another instance.", { retryAfterMs: RETRY_AFTER_MS }));
  };
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  app.addHook("onRequest", (_request, reply, done) => refuse(reply, done));
  // A request whose head came before closing began may still be sending its body: it is refused once the body is
  // in, before its handler runs, as if it had arrived whole after.
  app.addHook("preValidation", (_request, reply, done) => refuse(reply, done));
}

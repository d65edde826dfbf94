import { ConfigurationError, RateLimitedError } from "@neonhub/core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { RunEventHub, RunEventRefusal } from "../inspector/run-event-hub.js";
import { requireCaller } from "../plugins/api-key-auth-plugin.js";
import { authenticatedErrorResponses, problemResponses } from "../schemas/problem-schema.js";

/** Options of {@link runEventsRoutes}. */
export interface RunEventsRoutesOptions {
  hub: RunEventHub;
  /** A comment line keeps proxies from closing an idle stream. Default 15 s. */
  heartbeatMs?: number;
}

/** A stream whose client reads slower than this many bytes behind is closed; the browser reconnects and reloads. */
const MAX_BUFFERED_BYTES = 256 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;
/** Streams end when clients leave; a refused client tries again after this long. */
const RETRY_AFTER_MS = 5_000;
const REFUSALS: Readonly<Record<RunEventRefusal, string>> = {
  organization_full: "This organization has as many live streams open on this host as it may; close one (another tab or client) and try again.",
  host_full: "Too many live streams are open on this host.",
};

/** `GET /v1/runs/events`: server-sent events as the caller's organization's runs are created, started and finished. */
export const runEventsRoutes: FastifyPluginAsyncZod<RunEventsRoutesOptions> = async (fastify, options) => {
  if (typeof options?.hub?.subscribe !== "function") throw new ConfigurationError("runEventsRoutes needs a run event hub.");
  const { hub } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const open = new Set<() => void>();
  // Streams never end by themselves: closing the host ends them, or it would wait for every browser tab.
  fastify.addHook("preClose", async () => {
    for (const end of [...open]) end();
  });

  fastify.get(
    "/runs/events",
    {
      config: { scope: "runs:read" },
      schema: {
        summary: "Live run events (server-sent events)",
        description:
          "A `text/event-stream`. Each `runs` event carries a JSON array of runs (id, agentName, userId, intent, status, createdAt, completedAt, durationMs) created, started or finished since the last one; a `resync` event means some were dropped and the list should be read again.",
        tags: ["runs"],
        security: [{ apiKey: [] }],
        response: { 200: z.string().meta({ description: "text/event-stream" }), ...authenticatedErrorResponses, ...problemResponses({ 429: "Too many open streams, on the host or of the caller's organization." }) },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const raw = reply.raw;
      // A client that left while its key was looked up has closed already: no close event would end its stream.
      if (raw.destroyed) {
        request.log.debug("run event stream not opened: the client left during authentication");
        reply.hijack();
        return;
      }
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe?.();
        open.delete(end);
        raw.end();
      };
      const send = (chunk: Buffer | string): void => {
        if (raw.writableLength > MAX_BUFFERED_BYTES) end();
        else raw.write(chunk);
      };
      const { refused, unsubscribe } = hub.subscribe(caller.organizationId, send);
      if (refused) throw new RateLimitedError(REFUSALS[refused], RETRY_AFTER_MS);
      reply.hijack();
      raw.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
      raw.write("retry: 3000\n: connected\n\n");
      const heartbeat = setInterval(() => send(": heartbeat\n\n"), heartbeatMs);
      heartbeat.unref();
      open.add(end);
      request.raw.on("close", end);
    },
  );
};

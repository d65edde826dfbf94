import type { IncomingMessage, ServerResponse } from "node:http";
import type { PrometheusMetrics } from "./create-prometheus-metrics.js";

/**
 * A `node:http` request handler that answers scrapes with the exposition (GET and HEAD; 405 otherwise). Works
 * with `http.createServer`, Express and Connect; with Fastify or others, send `await metrics.render()` with
 * `metrics.contentType` from a route instead.
 * @example
 * http.createServer(createMetricsHandler(metrics)).listen(9464);
 */
export function createMetricsHandler(
  metrics: Pick<PrometheusMetrics, "contentType" | "render">,
): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" });
      response.end("Method Not Allowed\n");
      return;
    }
    try {
      const body = await metrics.render();
      response.writeHead(200, { "content-type": metrics.contentType, "content-length": Buffer.byteLength(body) });
      response.end(request.method === "HEAD" ? undefined : body);
    } catch {
      // The exposition failed (a collect callback threw): report it without leaking internals.
      response.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      response.end("Metrics are unavailable\n");
    }
  };
}

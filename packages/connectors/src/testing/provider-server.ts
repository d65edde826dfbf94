import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A request received by a {@link ProviderServer}, as the provider would see it. */
export interface ReceivedRequest {
  method: string;
  /** Path without the query string, still encoded. */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The raw body. */
  body: string;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
  /** The body parsed as a form, when it was form-encoded. */
  form: Record<string, string> | undefined;
}

/**
 * What the server answers: a status with a JSON or text body, `hang` to never answer, or `drop` to close the
 * connection without an answer after receiving the request (as a provider that crashed mid-call).
 */
export type ProviderAnswer = { status: number; headers?: Record<string, string>; json?: unknown; text?: string } | "hang" | "drop";

/** A local HTTP server on 127.0.0.1 that plays a provider's API in tests. */
export interface ProviderServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request received, in order. */
  requests: ReceivedRequest[];
  /** Replaces the handler. */
  handle(handler: (request: ReceivedRequest) => ProviderAnswer | Promise<ProviderAnswer>): void;
  /** Resolves when `count` requests in total have been received. */
  waitForRequests(count: number): Promise<void>;
  /** Answers hanging requests (with 503) and stops the server. */
  close(): Promise<void>;
}

function parse(request: IncomingMessage, body: string): ReceivedRequest {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  const type = headers["content-type"] ?? "";
  let json: unknown;
  if (type.includes("json") && body !== "") {
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  const form = type.includes("application/x-www-form-urlencoded") ? Object.fromEntries(new URLSearchParams(body)) : undefined;
  return { method: request.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), headers, body, json, form };
}

/**
 * Starts a provider stand-in on an ephemeral port. The default handler answers 404 until `handle` is called.
 * @example
 * const server = await startProviderServer((request) => ({ status: 200, json: { ok: true, ts: "1.2" } }));
 * const client = createConnectorClient({ mode: "live", baseUrls: { slack: server.url }, credentials });
 */
export async function startProviderServer(handler?: (request: ReceivedRequest) => ProviderAnswer | Promise<ProviderAnswer>): Promise<ProviderServer> {
  const requests: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  let current: (request: ReceivedRequest) => ProviderAnswer | Promise<ProviderAnswer> = handler ?? (() => ({ status: 404, json: { error: "no handler" } }));

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const received = parse(request, Buffer.concat(chunks).toString("utf8"));
      requests.push(received);
      for (const waiter of waiters.filter((candidate) => requests.length >= candidate.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      Promise.resolve(current(received)).then(
        (answer) => {
          if (answer === "hang") {
            hanging.add(response);
            return;
          }
          if (answer === "drop") {
            request.socket.destroy();
            return;
          }
          const headers: Record<string, string> = { ...answer.headers };
          if (answer.json !== undefined) headers["content-type"] ??= "application/json; charset=utf-8";
          response.writeHead(answer.status, headers);
          response.end(answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? ""));
        },
        (error: unknown) => {
          response.writeHead(500, { "content-type": "text/plain" });
          response.end(String(error));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    waitForRequests: (count) => (requests.length >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    async close() {
      for (const response of hanging) if (!response.writableEnded) response.writeHead(503).end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { prepareRequest, sendRequest } from "./send-request.js";

const CHUNK = Buffer.alloc(64 * 1024, "a");

/** A host that streams a JSON body without end (no Content-Length), until the client goes away. */
async function startEndlessServer(): Promise<{ url: string; closed: Promise<number>; close(): Promise<void> }> {
  let resolveClosed: (sent: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const server: Server = createServer((_request, response: ServerResponse) => {
    let sent = 0;
    response.writeHead(200, { "content-type": "application/json" });
    const pump = () => {
      while (!response.destroyed && response.write(CHUNK)) sent += CHUNK.length;
      if (!response.destroyed) response.once("drain", pump);
    };
    response.on("close", () => resolveClosed(sent));
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    closed,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("sendRequest response size", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("stops reading a body that streams past the limit and fails without retrying", async () => {
    const endless = await startEndlessServer();
    try {
      const request = prepareRequest(endless.url, { method: "GET", path: "/v1/balance_transactions" }, {});
      const error = await sendRequest(request, new AbortController().signal, "Stripe", { maxResponseBytes: 1024 * 1024 }).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false, details: { status: 200, reason: "response_too_large", maxResponseBytes: 1024 * 1024 } });
      // The connection was closed: the host does not go on sending.
      await endless.closed;
    } finally {
      await endless.close();
    }
  });

  it("refuses a body whose Content-Length is over the limit before reading it, and reads one within it", async () => {
    harness = await startLiveHarness({
      connector: stripeConnector,
      credentials: { apiKey: "sk_test_size" },
      handler: () => ({ status: 200, text: `{"object":"list","data":[],"has_more":false,"url":"${"x".repeat(2_000)}"}`, headers: { "content-type": "application/json" } }),
      client: { maxResponseBytes: 1_000 },
    });
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).rejects.toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false, details: { reason: "response_too_large" } });
    const request = prepareRequest(harness.server.url, { method: "GET", path: "/" }, {});
    const answer = await sendRequest(request, new AbortController().signal, "Stripe", { maxResponseBytes: 2_100 });
    expect(answer.body).toMatchObject({ object: "list", has_more: false });
  });

  it("reads up to 10 MiB by default", async () => {
    const body = JSON.stringify({ object: "list", data: [], has_more: false, url: "x".repeat(10 * 1024 * 1024 - 60) });
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_size" }, handler: () => ({ status: 200, text: body, headers: { "content-type": "application/json" } }) });
    const request = prepareRequest(harness.server.url, { method: "GET", path: "/" }, {});
    const answer = await sendRequest(request, new AbortController().signal, "Stripe");
    expect((answer.body as { url: string }).url).toHaveLength(10 * 1024 * 1024 - 60);
    harness.server.handle(() => ({ status: 200, text: `${body}${" ".repeat(100)}`, headers: { "content-type": "application/json" } }));
    await expect(sendRequest(request, new AbortController().signal, "Stripe")).rejects.toMatchObject({ details: { reason: "response_too_large" } });
  });
});

import { createManualClock, createRecordingLogger, createRecordingMetricsSink } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { slackConnector } from "../connectors/slack-connector.js";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { createMemoryCredentialStore } from "../auth/memory-credential-store.js";
import { startProviderServer } from "../testing/provider-server.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { createConnectorClient } from "./create-connector-client.js";

const ok = { status: 200, json: { ok: true, channel: "C1", ts: "1700000000.000100" } };
const message = { channel: "C1", text: "hello" };
// Waits for the real HTTP round trip to the local server, however busy the machine (a count of event-loop turns
// ran out under a loaded test run); the clock under test stays manual.
const until = async (condition: () => boolean, withinMs = 10_000) => {
  const deadline = performance.now() + withinMs;
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
  if (!condition()) throw new Error("condition not reached");
};

describe("connector calls: retries, deadline, cancellation and breaker", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  it("waits the Retry-After of a 429 on the clock before the next attempt, and reports the limit", async () => {
    const clock = createManualClock();
    const logger = createRecordingLogger();
    const metrics = createRecordingMetricsSink();
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: "xoxb-retry-token" },
      handler: () => (harness.server.requests.length === 1 ? { status: 429, headers: { "retry-after": "5" }, json: { ok: false, error: "ratelimited" } } : ok),
      client: { clock, logger, metrics, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const call = harness.client.invoke(slackConnector, "postMessage", message);
    await until(() => logger.lines.some((line) => line.message?.includes("trying again") ?? false));
    await clock.advance(4_000);
    for (let turn = 0; turn < 50; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(harness.server.requests).toHaveLength(1);
    await clock.advance(1_000);
    await expect(call).resolves.toMatchObject({ ts: "1700000000.000100" });
    expect(harness.server.requests).toHaveLength(2);
    expect(metrics.ofType("rateLimited")).toEqual([{ agent: "slack", scope: "connector" }]);
    expect(metrics.ofType("toolExecutionFinished")).toEqual([expect.objectContaining({ connector: "slack", action: "postMessage", status: "SUCCEEDED" })]);
  });

  it("does not wait for a Retry-After longer than the connector accepts", async () => {
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: "xoxb-retry-token" },
      handler: () => ({ status: 429, headers: { "retry-after": "120" }, json: { ok: false, error: "ratelimited" } }),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 120_000 });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("retries a 503 of an action that is safe to repeat and succeeds, but makes one request for a 404 or a redirect", async () => {
    const page = { status: 200, json: { object: "list", data: [], has_more: false, url: "/v1/balance_transactions" } };
    harness = await startLiveHarness({
      connector: stripeConnector,
      credentials: { apiKey: "sk_test_retry" },
      handler: () => (harness.server.requests.length === 1 ? { status: 503, text: "upstream unavailable" } : page),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).resolves.toMatchObject({ items: [] });
    expect(harness.server.requests).toHaveLength(2);
    harness.server.handle(() => ({ status: 404, text: "not found" }));
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).rejects.toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false });
    expect(harness.server.requests).toHaveLength(3);
    harness.server.handle(() => ({ status: 302, headers: { location: "http://127.0.0.1:9/elsewhere" }, text: "" }));
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).rejects.toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false });
    expect(harness.server.requests).toHaveLength(4);
  });

  it("fails an unsafe action whose attempt outlives the deadline with STEP_OUTCOME_UNKNOWN, and a safe one with a retryable TIMEOUT", async () => {
    const clock = createManualClock();
    harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-timeout" }, handler: () => "hang", client: { clock } });
    const call = harness.client.invoke(slackConnector, "postMessage", message).catch((caught: unknown) => caught);
    await harness.server.waitForRequests(1);
    await clock.advance(29_999);
    await clock.advance(1);
    expect(await call).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", isRetryable: false, details: { connector: "slack", action: "postMessage", failureCode: "TIMEOUT" } });
    await harness.close();
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_timeout" }, handler: () => "hang", client: { clock } });
    const read = harness.client.invoke(stripeConnector, "listBalanceTransactions", {}).catch((caught: unknown) => caught);
    await harness.server.waitForRequests(1);
    await clock.advance(30_000);
    expect(await read).toMatchObject({ code: "TIMEOUT", isRetryable: true });
  });

  it("stops a call when its signal aborts, without retrying", async () => {
    harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-cancel" }, handler: () => "hang", client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } } });
    const controller = new AbortController();
    const call = harness.client.invoke(slackConnector, "postMessage", message, { signal: controller.signal }).catch((caught: unknown) => caught);
    await harness.server.waitForRequests(1);
    controller.abort();
    expect(await call).toMatchObject({ code: "CANCELLED" });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("opens the connector's breaker after repeated transient failures and reports it", async () => {
    const metrics = createRecordingMetricsSink();
    const client = createConnectorClient({ mode: "mock", environment: {}, retry: false, metrics });
    client.mock.setScenario("slack", "server_error");
    // An unsafe action's unknown outcome is not retried, but it still counts as the provider failing.
    for (let call = 0; call < 5; call += 1) await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "STEP_OUTCOME_UNKNOWN" });
    await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "CIRCUIT_OPEN" });
    expect(client.mock.calls("slack", "postMessage")).toHaveLength(5);
    expect(client.breakerState("slack")).toBe("open");
    expect(metrics.ofType("breakerStateChanged")).toContainEqual({ name: "slack", kind: "connector", state: "open" });
    await client.close();
  });

  it("keeps a breaker per base URL origin, so one organization's failing provider does not open it for the others", async () => {
    const bad = await startProviderServer(() => ({ status: 503, json: { error: { message: "down", type: "api_error" } } }));
    const good = await startProviderServer(() => ({ status: 200, json: { object: "list", data: [], has_more: false, url: "/v1/balance_transactions" } }));
    const metrics = createRecordingMetricsSink();
    const store = createMemoryCredentialStore({
      connections: [
        { organizationId: "org_attacker", connector: "stripe", authType: "bearer", credentials: { apiKey: "sk_a_000000", baseUrl: bad.url }, expiresAt: null },
        { organizationId: "org_victim", connector: "stripe", authType: "bearer", credentials: { apiKey: "sk_v_000000" }, expiresAt: null },
      ],
    });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: false, metrics, connectors: [stripeConnector], credentials: store, baseUrls: { stripe: good.url } });
    try {
      for (let i = 0; i < 5; i += 1) await client.invoke(stripeConnector, "listBalanceTransactions", {}, { organizationId: "org_attacker" }).catch(() => undefined);
      await expect(client.invoke(stripeConnector, "listBalanceTransactions", {}, { organizationId: "org_attacker" })).rejects.toMatchObject({ code: "CIRCUIT_OPEN" });
      await expect(client.invoke(stripeConnector, "listBalanceTransactions", {}, { organizationId: "org_victim" })).resolves.toEqual({ items: [], nextCursor: null });
      expect(client.breakerState("stripe")).toBe("closed");
      expect(client.breakerState("stripe", bad.url)).toBe("open");
      // Metrics keep one label per connector, however many origins it has.
      expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "stripe", kind: "connector", state: "open" }]);
    } finally {
      await client.close();
      await bad.close();
      await good.close();
    }
  });

  it("does not count 4xx answers or rate limits against the breaker", async () => {
    const client = createConnectorClient({ mode: "mock", environment: {}, retry: false });
    client.mock.setScenario("slack", "invalid_input", { times: 3 });
    client.mock.setScenario("slack", "rate_limited", { action: "postMessage", times: 3 });
    for (let call = 0; call < 6; call += 1) await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toHaveProperty("code");
    await expect(client.invoke(slackConnector, "postMessage", message)).resolves.toHaveProperty("ts");
    expect(client.breakerState("slack")).toBe("closed");
    await client.close();
  });
});

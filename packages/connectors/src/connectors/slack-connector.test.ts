import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { createConnectorClient } from "../client/create-connector-client.js";
import { slackConnector } from "./slack-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";

describe("slack connector (chat.postMessage)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: slackConnector, credentials: { accessToken: TOKEN }, handler }).then((started) => (harness = started));

  it("posts JSON with the bot token and returns the channel and ts", async () => {
    await start(() => ({ status: 200, json: fixture("slack-post-message.200.json") }));
    const result = await harness.client.invoke(slackConnector, "postMessage", { channel: "C123ABC456", text: "Here's a message for you", threadTs: "1503435956.000100" });
    expect(result).toEqual({ channel: "C123ABC456", ts: "1503435956.000247", threadTs: "1503435956.000100" });
    const [request] = harness.server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/chat.postMessage");
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(request?.json).toEqual({ channel: "C123ABC456", text: "Here's a message for you", thread_ts: "1503435956.000100" });
  });

  it("maps ok:false channel_not_found to a non-retryable failure", async () => {
    await start(() => ({ status: 200, json: fixture("slack-channel-not-found.200.json") }));
    const error = await harness.client.invoke("slack", "postMessage", { channel: "C404", text: "hi" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "UPSTREAM_FAILED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: false, details: { slackError: "channel_not_found" } });
  });

  it("maps ok:false invalid_auth to a connector auth error", async () => {
    await start(() => ({ status: 200, json: fixture("slack-invalid-auth.200.json") }));
    const error = await harness.client.invoke("slack", "postMessage", { channel: "C1", text: "hi" }).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("maps 429 with Retry-After to RATE_LIMITED carrying the wait", async () => {
    await start(() => ({ status: 429, headers: { "retry-after": "30" }, json: fixture("slack-ratelimited.429.json") }));
    const error = await harness.client.invoke("slack", "postMessage", { channel: "C1", text: "hi" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 30_000 });
  });

  it("does not repeat a post answered fatal_error or internal_error, whose outcome Slack leaves unknown", async () => {
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: TOKEN },
      handler: () => ({ status: 200, json: fixture("slack-fatal-error.200.json") }),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke("slack", "postMessage", { channel: "C1", text: "hi" })).rejects.toMatchObject({
      code: "STEP_OUTCOME_UNKNOWN",
      message: expect.stringContaining("fatal_error"),
    });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("maps msg_too_long to a non-retryable CONTENT_REFUSED", async () => {
    await start(() => ({ status: 200, json: fixture("slack-msg-too-long.200.json") }));
    await expect(harness.client.invoke("slack", "postMessage", { channel: "C1", text: "long" })).rejects.toMatchObject({ code: "CONTENT_REFUSED", isRetryable: false, reason: "msg_too_long" });
  });

  it("spaces posts to one channel a second apart, and does not hold back other channels", async () => {
    const clock = createManualClock();
    harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: TOKEN }, handler: () => ({ status: 200, json: fixture("slack-post-message.200.json") }), client: { clock } });
    await harness.client.invoke("slack", "postMessage", { channel: "C1", text: "one" });
    await harness.client.invoke("slack", "postMessage", { channel: "C2", text: "other channel" });
    let second = false;
    const call = harness.client.invoke("slack", "postMessage", { channel: "C1", text: "two" }).then(() => (second = true));
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(second).toBe(false);
    expect(harness.server.requests).toHaveLength(2);
    await clock.advance(1_000);
    await call;
    expect(harness.server.requests.map((request) => (request.json as { text: string }).text)).toEqual(["one", "other channel", "two"]);
  });

  it("rejects a message without text or blocks before any request", async () => {
    await start(() => ({ status: 200, json: fixture("slack-post-message.200.json") }));
    const error = await harness.client.invoke("slack", "postMessage", { channel: "C1" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("gives the same mock answer for the same input on every client", async () => {
    const first = createConnectorClient({ mode: "mock", environment: {} });
    const second = createConnectorClient({ mode: "mock", environment: {} });
    const input = { channel: "C123ABC456", text: "launch" };
    const answers = [await first.invoke(slackConnector, "postMessage", input), await second.invoke(slackConnector, "postMessage", input)];
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.ts).toMatch(/^\d+\.\d{6}$/);
    const repeat = await first.invoke(slackConnector, "postMessage", input);
    expect(repeat.ts).not.toBe(answers[0]?.ts);
  });
});

import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { discordConnector } from "./discord-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const TOKEN = "MTIwOTg3NjU0MzIxMDk4NzY1NA.GhTx9Q.dGVzdC1ib3QtdG9rZW4tZm9yLW5lb25odWI";
const CHANNEL = "1101234567890123456";

describe("discord connector (POST /api/v10/channels/{channel.id}/messages)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: discordConnector, credentials: { accessToken: TOKEN }, handler }).then((started) => (harness = started));

  it("posts JSON with the bot token, mentions off, and returns the message", async () => {
    await start(() => ({ status: 200, json: fixture("discord-message.200.json") }));
    const result = await harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: CHANNEL, content: "Release 4.2 is live" });
    expect(result).toEqual({ id: "1311234567890123456", channelId: CHANNEL, content: "Release 4.2 is live", timestamp: "2026-11-27T09:05:43.217000+00:00" });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: `/api/v10/channels/${CHANNEL}/messages`, headers: { authorization: `Bot ${TOKEN}`, "content-type": "application/json" } });
    expect(request?.json).toEqual({ content: "Release 4.2 is live", allowed_mentions: { parse: [] } });
  });

  it("leaves mention parsing to Discord when mentions are allowed", async () => {
    await start(() => ({ status: 200, json: fixture("discord-message.200.json") }));
    await harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: CHANNEL, content: "@here Release 4.2 is live", allowMentions: true });
    expect(harness.server.requests[0]?.json).toEqual({ content: "@here Release 4.2 is live" });
  });

  it("reads the wait of a 429 from retry_after in the body when the header is absent", async () => {
    await start(() => ({ status: 429, json: fixture("discord-rate-limited.429.json") }));
    const error = await harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: CHANNEL, content: "hi" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 1_337, details: { global: false } });
  });

  it("prefers the Retry-After header of a 429", async () => {
    await start(() => ({ status: 429, headers: { "retry-after": "3" }, json: { message: "You are being rate limited.", retry_after: 2.5, global: true } }));
    await expect(harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: CHANNEL, content: "hi" })).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 3_000 });
  });

  it("maps 403 Missing Access to a forbidden connection and 404 Unknown Channel to a non-retryable failure", async () => {
    await start((request) => (request.path.includes("404") ? { status: 404, json: fixture("discord-unknown-channel.404.json") } : { status: 403, json: fixture("discord-missing-access.403.json") }));
    const forbidden = await harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: CHANNEL, content: "hi" }).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(forbidden, "forbidden")).toBe(true);
    expect((forbidden as Error).message).toContain("Missing Access");
    const missing = await harness.client.invoke(discordConnector, "sendChannelMessage", { channelId: "404404404404404404", content: "hi" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(missing, "UPSTREAM_FAILED")).toBe(true);
    expect(missing).toMatchObject({ isRetryable: false });
    expect((missing as Error).message).toContain("Unknown Channel");
  });

  it("rejects a channel that is not a snowflake and content over 2,000 characters before any request", async () => {
    await start(() => ({ status: 200, json: fixture("discord-message.200.json") }));
    for (const input of [{ channelId: "general", content: "hi" }, { channelId: CHANNEL, content: "x".repeat(2_001) }]) {
      const error = await harness.client.invoke("discord", "sendChannelMessage", input).catch((caught: unknown) => caught);
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    }
    expect(harness.server.requests).toHaveLength(0);
  });

  it("gives the same mock answer for the same input on every client", async () => {
    const input = { channelId: CHANNEL, content: "launch" };
    const answers = [await createConnectorClient({ mode: "mock", environment: {} }).invoke(discordConnector, "sendChannelMessage", input), await createConnectorClient({ mode: "mock", environment: {} }).invoke(discordConnector, "sendChannelMessage", input)];
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({ channelId: CHANNEL, content: "launch" });
    expect(answers[0]?.id).toMatch(/^\d{19}$/);
  });
});

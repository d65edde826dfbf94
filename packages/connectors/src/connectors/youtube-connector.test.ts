import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { msUntilPacificMidnight } from "./google-api-error.js";
import { youtubeConnector } from "./youtube-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const credentials = { accessToken: "ya29.youtube-user-token-123456", refreshToken: "1//youtube-refresh-654321", clientId: "yt-client.apps.googleusercontent.com", clientSecret: "GOCSPX-yt-secret-999" };
const CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw";
// 08:00 in Los Angeles (PST, UTC-8): the quota resets in 16 hours.
const MORNING_IN_LOS_ANGELES = Date.UTC(2026, 10, 27, 16, 0, 0);

describe("youtube connector (GET /youtube/v3/search)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: youtubeConnector, credentials, handler, client: { clock: createManualClock(MORNING_IN_LOS_ANGELES) } }).then((started) => (harness = started));

  it("searches the channel's videos by date with the OAuth2 token and returns one page", async () => {
    await start(() => ({ status: 200, json: fixture("youtube-search.200.json") }));
    const result = await harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL, maxResults: 2, cursor: "CAEQAA" });
    expect(result).toEqual({
      items: [
        { videoId: "M7FIvfx5J10", title: "What's new in Chrome DevTools", publishedAt: "2026-11-20T17:00:06Z" },
        { videoId: "dQ4v0hmGZ2s", title: "Building agents with the Gemini API", publishedAt: "2026-11-18T16:30:00Z" },
      ],
      nextCursor: "CAIQAA",
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "GET", path: "/youtube/v3/search", headers: { authorization: `Bearer ${credentials.accessToken}` } });
    expect(request?.query).toEqual({ part: "snippet", channelId: CHANNEL, type: "video", order: "date", maxResults: "2", pageToken: "CAEQAA" });
    expect(request?.body).toBe("");
  });

  it("asks for ten results by default and answers null when there is no next page", async () => {
    await start(() => ({ status: 200, json: { kind: "youtube#searchListResponse", items: [] } }));
    await expect(harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL })).resolves.toEqual({ items: [], nextCursor: null });
    expect(harness.server.requests[0]?.query).toEqual({ part: "snippet", channelId: CHANNEL, type: "video", order: "date", maxResults: "10" });
  });

  it("maps 403 quotaExceeded to a RATE_LIMITED that is not retried: the quota resets at midnight Pacific time", async () => {
    await start(() => ({ status: 403, json: fixture("youtube-quota-exceeded.403.json") }));
    const error = await harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    // Retryable, a run's own retries would hold it for the 16 hours; the caller learns when instead.
    expect(error).toMatchObject({ isRetryable: false, retryAfterMs: 16 * 3_600_000, details: { youtubeReason: "quotaExceeded" } });
    expect(isConnectorAuthError(error)).toBe(false);
  });

  it("does not retry 403 dailyLimitExceeded either, and retries 403 rateLimitExceeded after Retry-After", async () => {
    const answer = (reason: string) => ({ error: { code: 403, message: reason, errors: [{ message: reason, domain: "usageLimits", reason }] } });
    await start(() => ({ status: 403, json: answer("dailyLimitExceeded") }));
    await expect(harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL })).rejects.toMatchObject({ code: "RATE_LIMITED", isRetryable: false, retryAfterMs: 16 * 3_600_000 });
    harness.server.handle(() => ({ status: 403, headers: { "retry-after": "7" }, json: answer("rateLimitExceeded") }));
    await expect(harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL })).rejects.toMatchObject({ code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 7_000 });
  });

  it("keeps a 403 without a quota reason a forbidden connection", async () => {
    await start(() => ({ status: 403, json: { error: { code: 403, message: "Request had insufficient authentication scopes.", errors: [{ message: "Insufficient Permission", domain: "global", reason: "insufficientPermissions" }] } } }));
    const error = await harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL }).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "forbidden")).toBe(true);
    expect((error as Error).message).toContain("insufficient authentication scopes");
  });

  it("maps 400 invalidPageToken to VALIDATION_FAILED with YouTube's message", async () => {
    await start(() => ({ status: 400, json: fixture("youtube-invalid-page-token.400.json") }));
    const error = await harness.client.invoke(youtubeConnector, "listChannelVideos", { channelId: CHANNEL, cursor: "bogus" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as Error).message).toContain("invalid page token");
  });

  it("rejects a malformed channel id and too many results before any request", async () => {
    await start(() => ({ status: 200, json: fixture("youtube-search.200.json") }));
    for (const input of [{ channelId: "google" }, { channelId: CHANNEL, maxResults: 51 }]) {
      const error = await harness.client.invoke("youtube", "listChannelVideos", input).catch((caught: unknown) => caught);
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    }
    expect(harness.server.requests).toHaveLength(0);
  });

  it("gives the same mock answer for the same input on every client", async () => {
    const input = { channelId: CHANNEL, maxResults: 2 };
    const [first, second] = [createConnectorClient({ mode: "mock", environment: {} }), createConnectorClient({ mode: "mock", environment: {} })];
    const answer = await first.invoke(youtubeConnector, "listChannelVideos", input);
    expect(answer).toEqual(await second.invoke(youtubeConnector, "listChannelVideos", input));
    expect(answer.items).toHaveLength(2);
    expect(answer.items[0]?.videoId).toMatch(/^[A-Za-z0-9]{11}$/);
  });
});

describe("msUntilPacificMidnight", () => {
  it("counts to midnight in Los Angeles in winter and in summer time", () => {
    expect(msUntilPacificMidnight(MORNING_IN_LOS_ANGELES)).toBe(16 * 3_600_000);
    // 23:59:59.500 PDT (UTC-7) on 1 July.
    expect(msUntilPacificMidnight(Date.UTC(2026, 6, 2, 6, 59, 59, 500))).toBe(500);
  });
});

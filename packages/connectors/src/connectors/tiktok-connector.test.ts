import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { tiktokConnector } from "./tiktok-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const credentials = { accessToken: "act.tiktok-user-token-123456", refreshToken: "rft.tiktok-refresh-654321", clientId: "awtiktokclient", clientSecret: "tiktok-secret-999999" };
const input = { title: "Funny #cat video on your @tiktok #fyp", videoUrl: "https://media.acme.dev/videos/cat.mp4", privacyLevel: "SELF_ONLY" as const };

describe("tiktok connector (POST /v2/post/publish/video/init/)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: tiktokConnector, credentials, handler }).then((started) => (harness = started));

  it("initialises a pull-from-URL post with the user token and returns the publish id", async () => {
    await start(() => ({ status: 200, json: fixture("tiktok-video-init.200.json") }));
    await expect(harness.client.invoke(tiktokConnector, "publishVideo", input)).resolves.toEqual({ publishId: "v_pub_url~v2-1.7360000012345678901" });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/v2/post/publish/video/init/",
      headers: { authorization: `Bearer ${credentials.accessToken}`, "content-type": "application/json; charset=UTF-8" },
    });
    expect(request?.json).toEqual({
      post_info: { title: "Funny #cat video on your @tiktok #fyp", privacy_level: "SELF_ONLY" },
      source_info: { source: "PULL_FROM_URL", video_url: "https://media.acme.dev/videos/cat.mp4" },
    });
  });

  it("maps privacy_level_option_mismatch to VALIDATION_FAILED with TikTok's code", async () => {
    await start(() => ({ status: 400, json: fixture("tiktok-privacy-level-mismatch.400.json") }));
    const error = await harness.client.invoke(tiktokConnector, "publishVideo", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(error).toMatchObject({ details: { tiktokError: "privacy_level_option_mismatch" } });
  });

  it("maps a 403 spam-risk cap to a non-retryable failure, not to refused credentials", async () => {
    await start(() => ({ status: 403, json: fixture("tiktok-spam-risk.403.json") }));
    const error = await harness.client.invoke(tiktokConnector, "publishVideo", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "UPSTREAM_FAILED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: false, details: { tiktokError: "spam_risk_too_many_posts" } });
    expect((error as Error).message).toContain("daily post cap");
  });

  it("maps rate_limit_exceeded without Retry-After to a ten-second wait (6 requests a minute per token)", async () => {
    await start(() => ({ status: 429, json: fixture("tiktok-rate-limit.429.json") }));
    await expect(harness.client.invoke(tiktokConnector, "publishVideo", input)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 10_000 });
  });

  it("refreshes once on access_token_invalid, then reports the connection unauthorized", async () => {
    await start((request) =>
      request.path === "/oauth/token"
        ? { status: 200, json: { access_token: "act.tiktok-new-token-777777", expires_in: 86_400, refresh_token: "rft.tiktok-refresh-888888", token_type: "Bearer" } }
        : { status: 401, json: { error: { code: "access_token_invalid", message: "The access token is invalid or not found in the request.", log_id: "20261127" } } },
    );
    const error = await harness.client.invoke(tiktokConnector, "publishVideo", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect(harness.server.requests.map((request) => request.path)).toEqual(["/v2/post/publish/video/init/", "/oauth/token", "/v2/post/publish/video/init/"]);
    expect(harness.server.requests[2]?.headers.authorization).toBe("Bearer act.tiktok-new-token-777777");
  });

  it("refreshes with client_key (TikTok's documented parameter), not client_id, and keeps the connection active", async () => {
    harness = await startLiveHarness({
      connector: tiktokConnector,
      credentials: { accessToken: "act.old-000000", refreshToken: "rft.refresh-111111" },
      expiresAt: new Date(Date.now() - 1_000),
      client: { oauthClients: () => ({ clientId: "aw-client-key", clientSecret: "tt-secret-222222" }) },
      handler: (request) =>
        request.path === "/oauth/token"
          ? request.form?.client_key === undefined
            ? { status: 400, json: { error: "invalid_request", error_description: "client_key is missing", log_id: "20261127" } }
            : { status: 200, json: { access_token: "act.new-333333", expires_in: 86_400, open_id: "open-1", refresh_expires_in: 31_536_000, refresh_token: "rft.new-444444", scope: "video.publish", token_type: "Bearer" } }
          : { status: 200, json: fixture("tiktok-video-init.200.json") },
    });
    await harness.client.invoke(tiktokConnector, "publishVideo", input).catch(() => undefined);
    const token = harness.server.requests.find((request) => request.path === "/oauth/token");
    expect(token?.form).toEqual({ grant_type: "refresh_token", refresh_token: "rft.refresh-111111", client_key: "aw-client-key", client_secret: "tt-secret-222222" });
    expect((await harness.store.get(harness.organizationId, "tiktok"))?.status).toBe("ACTIVE");
  });

  it("rejects a video URL that is not https and a missing privacy level before any request", async () => {
    await start(() => ({ status: 200, json: fixture("tiktok-video-init.200.json") }));
    for (const bad of [{ ...input, videoUrl: "http://media.acme.dev/cat.mp4" }, { title: "x", videoUrl: input.videoUrl }]) {
      const error = await harness.client.invoke("tiktok", "publishVideo", bad as never).catch((caught: unknown) => caught);
      expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    }
    expect(harness.server.requests).toHaveLength(0);
  });

  it("gives the same mock answer for the same input on every client", async () => {
    const answers = [await createConnectorClient({ mode: "mock", environment: {} }).invoke(tiktokConnector, "publishVideo", input), await createConnectorClient({ mode: "mock", environment: {} }).invoke(tiktokConnector, "publishVideo", input)];
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.publishId).toMatch(/^v_pub_url~v2-1\.\d+$/);
  });
});

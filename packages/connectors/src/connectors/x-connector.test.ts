import { readFileSync } from "node:fs";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { xConnector, xWeightedLength } from "./x-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const credentials = { accessToken: "x-user-token-123456", refreshToken: "x-refresh-654321", clientId: "x-client", clientSecret: "x-secret-999999" };

describe("x connector (POST /2/tweets)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"], clock = createManualClock()) =>
    startLiveHarness({ connector: xConnector, credentials, handler, client: { clock } }).then((started) => (harness = started));

  it("posts JSON with the user token and returns the new post", async () => {
    await start(() => ({ status: 201, json: fixture("x-create-post.201.json") }));
    await expect(harness.client.invoke(xConnector, "createPost", { text: "Hello world!", replyToPostId: "1445880548472328000" })).resolves.toEqual({ id: "1445880548472328192", text: "Hello world!" });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: "/2/tweets", headers: { authorization: "Bearer x-user-token-123456", "content-type": "application/json" } });
    expect(request?.json).toEqual({ text: "Hello world!", reply: { in_reply_to_tweet_id: "1445880548472328000" } });
  });

  it("maps 403 duplicate content to a non-retryable CONTENT_REFUSED, not an auth error", async () => {
    await start(() => ({ status: 403, json: fixture("x-duplicate-content.403.json") }));
    const error = await harness.client.invoke(xConnector, "createPost", { text: "again" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "CONTENT_REFUSED", isRetryable: false, reason: "duplicate", details: { connector: "x", reason: "duplicate" } });
    expect(isConnectorAuthError(error)).toBe(false);
    expect((error as Error).message).toContain("duplicate content");
    harness.server.handle(() => ({ status: 403, json: fixture("x-client-forbidden.403.json") }));
    expect(isConnectorAuthError(await harness.client.invoke(xConnector, "createPost", { text: "hi" }).catch((caught: unknown) => caught), "forbidden")).toBe(true);
  });

  it("counts text the way X does: links as 23 and CJK characters as 2", async () => {
    await start(() => ({ status: 201, json: fixture("x-create-post.201.json") }));
    const link = `https://example.com/${"a".repeat(200)}`;
    expect(xWeightedLength(`Read ${link}`)).toBe(28);
    expect(xWeightedLength("日本語")).toBe(6);
    await expect(harness.client.invoke(xConnector, "createPost", { text: `${"x".repeat(250)} ${link}` })).resolves.toHaveProperty("id");
    await expect(harness.client.invoke(xConnector, "createPost", { text: "日".repeat(141) })).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "text" }] });
    await expect(harness.client.invoke(xConnector, "createPost", { text: "日".repeat(140) })).resolves.toHaveProperty("id");
    expect(harness.server.requests).toHaveLength(2);
  });

  it("reads the wait of a 429 from x-rate-limit-reset", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
    const resetAt = Math.floor(clock.now() / 1000) + 900;
    await start(() => ({ status: 429, headers: { "x-rate-limit-reset": String(resetAt) }, json: fixture("x-too-many-requests.429.json") }), clock);
    await expect(harness.client.invoke(xConnector, "createPost", { text: "hi" })).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 900_000 });
  });

  it("refreshes with HTTP basic client authentication, as X requires for confidential clients", async () => {
    await start((request) =>
      request.path === "/oauth/token"
        ? { status: 200, json: { token_type: "bearer", expires_in: 7200, access_token: "x-new-token-777777", scope: "tweet.write users.read offline.access", refresh_token: "x-refresh-888888" } }
        : request.headers.authorization === "Bearer x-new-token-777777"
          ? { status: 201, json: fixture("x-create-post.201.json") }
          : { status: 401, json: { title: "Unauthorized", type: "about:blank", status: 401, detail: "Unauthorized" } },
    );
    await harness.client.invoke(xConnector, "createPost", { text: "Hello world!" });
    const token = harness.server.requests.find((request) => request.path === "/oauth/token");
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from("x-client:x-secret-999999").toString("base64")}`);
    expect(token?.form).toEqual({ grant_type: "refresh_token", refresh_token: "x-refresh-654321" });
  });
});

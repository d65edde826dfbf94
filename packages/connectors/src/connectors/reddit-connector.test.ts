import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { REDDIT_DEFAULT_USER_AGENT, redditConnector } from "./reddit-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const credentials = { accessToken: "reddit-user-token-123456", refreshToken: "reddit-refresh-654321", clientId: "p-jcoLKBynTLew", clientSecret: "gko_LXELoV07ZBNUXrvWZfzE3aI" };
const input = { subreddit: "acmedev", title: "Launch day", text: "We shipped **v2** today." };

describe("reddit connector (POST /api/submit)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"], extra: Record<string, string> = {}) =>
    startLiveHarness({ connector: redditConnector, credentials: { ...credentials, ...extra }, handler }).then((started) => (harness = started));

  it("submits a form-encoded self post with the user token and a User-Agent", async () => {
    await start(() => ({ status: 200, json: fixture("reddit-submit.200.json") }));
    await expect(harness.client.invoke(redditConnector, "submitPost", input)).resolves.toEqual({
      id: "1h0x9kq",
      name: "t3_1h0x9kq",
      url: "https://www.reddit.com/r/acmedev/comments/1h0x9kq/launch_day/",
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({
      method: "POST",
      path: "/api/submit",
      query: {},
      headers: { authorization: "Bearer reddit-user-token-123456", "content-type": "application/x-www-form-urlencoded", "user-agent": REDDIT_DEFAULT_USER_AGENT },
    });
    expect(request?.form).toEqual({ api_type: "json", kind: "self", sr: "acmedev", title: "Launch day", text: "We shipped **v2** today.", sendreplies: "true" });
  });

  it("sends the connection's own User-Agent when it has one", async () => {
    await start(() => ({ status: 200, json: fixture("reddit-submit.200.json") }), { userAgent: "web:dev.acme.poster:1.4.0 (by /u/acme_bot)" });
    await harness.client.invoke(redditConnector, "submitPost", input);
    expect(harness.server.requests[0]?.headers["user-agent"]).toBe("web:dev.acme.poster:1.4.0 (by /u/acme_bot)");
  });

  it("maps json.errors naming a field to VALIDATION_FAILED on that field", async () => {
    await start(() => ({ status: 200, json: fixture("reddit-subreddit-noexist.200.json") }));
    const error = await harness.client.invoke(redditConnector, "submitPost", { ...input, subreddit: "nosuchplace" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: false, fieldErrors: [{ path: "sr", message: "that subreddit doesn't exist" }], details: { redditError: "SUBREDDIT_NOEXIST" } });
  });

  it("maps a RATELIMIT error to RATE_LIMITED with Reddit's wait", async () => {
    await start(() => ({ status: 200, json: fixture("reddit-ratelimit.200.json") }));
    const error = await harness.client.invoke(redditConnector, "submitPost", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 540_500 });
  });

  it("reads the wait of a 429 from x-ratelimit-reset", async () => {
    await start(() => ({ status: 429, headers: { "x-ratelimit-reset": "312", "x-ratelimit-remaining": "0.0" }, json: fixture("reddit-too-many-requests.429.json") }));
    await expect(harness.client.invoke(redditConnector, "submitPost", input)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 312_000 });
  });

  it("refreshes an expired token with HTTP basic client authentication and repeats the submit", async () => {
    await start((request) =>
      request.path === "/oauth/token"
        ? { status: 200, json: { access_token: "reddit-new-token-777777", token_type: "bearer", expires_in: 86_400, scope: "submit" } }
        : request.headers.authorization === "Bearer reddit-new-token-777777"
          ? { status: 200, json: fixture("reddit-submit.200.json") }
          : { status: 401, json: { message: "Unauthorized", error: 401 } },
    );
    await expect(harness.client.invoke(redditConnector, "submitPost", input)).resolves.toMatchObject({ id: "1h0x9kq" });
    const token = harness.server.requests.find((request) => request.path === "/oauth/token");
    expect(token?.headers.authorization).toBe(`Basic ${Buffer.from("p-jcoLKBynTLew:gko_LXELoV07ZBNUXrvWZfzE3aI").toString("base64")}`);
    expect(token?.form).toEqual({ grant_type: "refresh_token", refresh_token: "reddit-refresh-654321" });
  });

  it("maps a subreddit that refuses the user to a forbidden auth error", async () => {
    await start(() => ({ status: 200, json: { json: { errors: [["SUBREDDIT_NOTALLOWED", "you aren't allowed to post there.", "sr"]] } } }));
    const error = await harness.client.invoke(redditConnector, "submitPost", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "forbidden")).toBe(true);
  });

  it("rejects a subreddit written with r/ before any request", async () => {
    await start(() => ({ status: 200, json: fixture("reddit-submit.200.json") }));
    const error = await harness.client.invoke(redditConnector, "submitPost", { ...input, subreddit: "r/acmedev" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("answers a seeded post in the given subreddit in mock mode", async () => {
    const client = () => createConnectorClient({ mode: "mock", environment: {}, connectors: [redditConnector] });
    const answer = await client().invoke(redditConnector, "submitPost", input);
    expect(await client().invoke(redditConnector, "submitPost", input)).toEqual(answer);
    expect(answer.name).toBe(`t3_${answer.id}`);
    expect(answer.url).toBe(`https://www.reddit.com/r/acmedev/comments/${answer.id}/launch_day/`);
  });
});

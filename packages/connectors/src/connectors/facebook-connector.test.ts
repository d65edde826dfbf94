import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { facebookConnector } from "./facebook-connector.js";
import { GRAPH_API_VERSION } from "./graph-api-response.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const PAGE_TOKEN = "EAAGm0PX4ZCpsBAPageAccessToken00002";
const input = { pageId: "546349135390552", message: "We ship on Monday." };

describe("facebook connector (POST /{version}/{page-id}/feed)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: facebookConnector, credentials: { accessToken: PAGE_TOKEN }, handler }).then((started) => (harness = started));

  it("posts the message and link as JSON with the Page token and splits the returned id", async () => {
    await start(() => ({ status: 200, json: fixture("facebook-page-post.200.json") }));
    await expect(harness.client.invoke(facebookConnector, "createPagePost", { ...input, link: "https://acme.dev/launch" })).resolves.toEqual({
      id: "546349135390552_1116692661689527",
      postId: "1116692661689527",
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: `/${GRAPH_API_VERSION}/546349135390552/feed`, headers: { authorization: `Bearer ${PAGE_TOKEN}`, "content-type": "application/json" } });
    expect(request?.query).toEqual({});
    expect(request?.json).toEqual({ message: "We ship on Monday.", link: "https://acme.dev/launch" });
  });

  it("leaves the link out when none is given", async () => {
    await start(() => ({ status: 200, json: fixture("facebook-page-post.200.json") }));
    await harness.client.invoke(facebookConnector, "createPagePost", input);
    expect(harness.server.requests[0]?.json).toEqual({ message: "We ship on Monday." });
  });

  it("maps a duplicate post (400, code 506) to a non-retryable CONTENT_REFUSED that keeps Meta's subcode", async () => {
    await start(() => ({ status: 400, json: fixture("facebook-duplicate-post.400.json") }));
    const error = await harness.client.invoke(facebookConnector, "createPagePost", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "CONTENT_REFUSED")).toBe(true);
    expect(error).toMatchObject({
      isRetryable: false,
      reason: "duplicate",
      details: { graphErrorCode: 506, graphErrorSubcode: 1455006, graphErrorUserTitle: "Duplicate Post", fbtraceId: "AhJ7TfxqBq2sEf4mRzQ1p0L" },
    });
    expect((error as Error).message).toContain("Duplicate status message");
  });

  it("maps the Page throttle (code 80001) to RATE_LIMITED waiting the X-Business-Use-Case-Usage estimate, in minutes", async () => {
    // Meta's usage header: per business object, each rate limit type with its usage in percent and the estimated
    // time to regain access in minutes.
    const usage = {
      "546349135390552": [{ type: "pages", call_count: 100, total_cputime: 21, total_time: 34, estimated_time_to_regain_access: 19 }],
      "1029384756": [{ type: "ads_management", call_count: 12, total_cputime: 3, total_time: 4, estimated_time_to_regain_access: 0 }],
    };
    await start(() => ({ status: 400, headers: { "x-business-use-case-usage": JSON.stringify(usage) }, json: fixture("facebook-page-throttled.400.json") }));
    const error = await harness.client.invoke(facebookConnector, "createPagePost", input).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 19 * 60_000, details: { graphErrorCode: 80001, fbtraceId: "AvX3kq9TzLm2Rw8PbN5cYQd" } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("does not repeat a post answered with a transient error (400, code 2), whose outcome Meta leaves unknown", async () => {
    harness = await startLiveHarness({
      connector: facebookConnector,
      credentials: { accessToken: PAGE_TOKEN },
      handler: () => ({ status: 400, json: fixture("facebook-transient.400.json") }),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke(facebookConnector, "createPagePost", input)).rejects.toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", message: expect.stringContaining("Graph error 2") });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("maps a missing permission (403, code 200) to a forbidden auth error", async () => {
    await start(() => ({ status: 403, json: fixture("facebook-missing-permission.403.json") }));
    const error = await harness.client.invoke(facebookConnector, "createPagePost", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "forbidden")).toBe(true);
    expect((error as Error).message).toContain("pages_manage_posts");
  });

  it("maps an expired Page token (400, code 190) to an unauthorized auth error", async () => {
    await start(() => ({ status: 400, json: fixture("graph-expired-token.400.json") }));
    const error = await harness.client.invoke(facebookConnector, "createPagePost", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).not.toContain(PAGE_TOKEN);
  });

  it("rejects a non-numeric Page id before any request", async () => {
    await start(() => ({ status: 200, json: fixture("facebook-page-post.200.json") }));
    const error = await harness.client.invoke(facebookConnector, "createPagePost", { ...input, pageId: "acme" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("answers a seeded id of the given Page in mock mode", async () => {
    const client = createConnectorClient({ mode: "mock", environment: {}, connectors: [facebookConnector] });
    const answer = await client.invoke(facebookConnector, "createPagePost", input);
    expect(answer.id).toBe(`546349135390552_${answer.postId}`);
    expect(await createConnectorClient({ mode: "mock", environment: {}, connectors: [facebookConnector] }).invoke(facebookConnector, "createPagePost", input)).toEqual(answer);
  });
});

import { readFileSync } from "node:fs";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { LINKEDIN_API_VERSION, escapeLittleText, linkedinConnector } from "./linkedin-connector.js";
import { msUntilUtcMidnight } from "./linkedin-response.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
// 18:30 UTC: LinkedIn's day ends five and a half hours later.
const EVENING_UTC = Date.UTC(2026, 11, 6, 18, 30);
const credentials = { accessToken: "AQV-linkedin-token", refreshToken: "AQX-linkedin-refresh", clientId: "li-client", clientSecret: "li-secret-123456" };

describe("linkedin connector (POST /rest/posts)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: linkedinConnector, credentials, handler, client: { clock: createManualClock(EVENING_UTC) } }).then((started) => (harness = started));

  it("sends the versioned Posts API request and reads the post URN from x-restli-id", async () => {
    await start(() => ({ status: 201, headers: { "x-restli-id": "urn:li:share:6844785523593134080" }, text: "" }));
    const result = await harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:organization:5515715", commentary: "Sample text Post" });
    expect(result).toEqual({ id: "urn:li:share:6844785523593134080" });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: "/rest/posts" });
    expect(request?.headers).toMatchObject({
      authorization: "Bearer AQV-linkedin-token",
      "linkedin-version": LINKEDIN_API_VERSION,
      "x-restli-protocol-version": "2.0.0",
      "content-type": "application/json",
    });
    expect(request?.json).toEqual({
      author: "urn:li:organization:5515715",
      commentary: "Sample text Post",
      visibility: "PUBLIC",
      distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: "PUBLISHED",
      isReshareDisabledByAuthor: false,
    });
  });

  it("escapes every reserved character of the little text format in the commentary", async () => {
    await start(() => ({ status: 201, headers: { "x-restli-id": "urn:li:share:6844785523593134081" }, text: "" }));
    const commentary = "Launch (today) [beta] {v2} @team #news *bold* _it_ ~x~ <tag> a|b C:\\path";
    await harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:organization:5515715", commentary });
    const sent = (harness.server.requests[0]?.json as { commentary: string }).commentary;
    expect(sent).toBe("Launch \\(today\\) \\[beta\\] \\{v2\\} \\@team \\#news \\*bold\\* \\_it\\_ \\~x\\~ \\<tag\\> a\\|b C:\\\\path");
    expect(escapeLittleText("plain words, 100% fine!")).toBe("plain words, 100% fine!");
  });

  it("refreshes after INVALID_ACCESS_TOKEN with the client credentials in the form body", async () => {
    await start((request) => {
      if (request.path === "/oauth/token") return { status: 200, json: { access_token: "AQV-new-token", expires_in: 5_184_000, refresh_token: "AQX-new-refresh", refresh_token_expires_in: 31_536_000 } };
      return request.headers.authorization === "Bearer AQV-new-token"
        ? { status: 201, headers: { "x-restli-id": "urn:li:share:1" }, text: "" }
        : { status: 401, json: fixture("linkedin-invalid-token.401.json") };
    });
    await expect(harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:person:abc123", commentary: "hi" })).resolves.toEqual({ id: "urn:li:share:1" });
    expect(harness.server.requests.find((request) => request.path === "/oauth/token")?.form).toEqual({
      grant_type: "refresh_token",
      refresh_token: "AQX-linkedin-refresh",
      client_id: "li-client",
      client_secret: "li-secret-123456",
    });
  });

  it("maps 422 to VALIDATION_FAILED and rejects an author that is not a URN before any request", async () => {
    await start(() => ({ status: 422, json: fixture("linkedin-unprocessable.422.json") }));
    await expect(harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:person:abc123", commentary: "x" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("is too long") });
    await expect(harness.client.invoke("linkedin", "createPost", { author: "acme", commentary: "x" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "author" }] });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("maps a 422 DUPLICATE_POST to CONTENT_REFUSED naming the post it duplicates", async () => {
    await start(() => ({ status: 422, json: fixture("linkedin-duplicate-post.422.json") }));
    const error = await harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:person:abc123", commentary: "Same again" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "CONTENT_REFUSED", isRetryable: false, reason: "duplicate", details: { status: 422, duplicateOf: "urn:li:share:7141138937766391808" } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("does not retry a 429 without Retry-After: LinkedIn's limits are daily and reset at midnight UTC", async () => {
    await start(() => ({ status: 429, json: fixture("linkedin-throttled.429.json") }));
    const error = await harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:person:abc123", commentary: "hi" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RATE_LIMITED", isRetryable: false, retryAfterMs: 5.5 * 3_600_000, details: { status: 429, limit: "daily" } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("waits a Retry-After that LinkedIn does send and keeps that 429 retryable", async () => {
    await start(() => ({ status: 429, headers: { "retry-after": "120" }, json: { message: "Too Many Requests", status: 429 } }));
    const error = await harness.client.invoke(linkedinConnector, "createPost", { author: "urn:li:person:abc123", commentary: "hi" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 120_000 });
  });

  it("counts to midnight UTC, a whole day from midnight itself", () => {
    expect(msUntilUtcMidnight(EVENING_UTC)).toBe(5.5 * 3_600_000);
    expect(msUntilUtcMidnight(Date.UTC(2026, 11, 6, 23, 59, 59, 750))).toBe(250);
    expect(msUntilUtcMidnight(Date.UTC(2026, 11, 7))).toBe(86_400_000);
  });
});

import { readFileSync } from "node:fs";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { paginate } from "../client/paginate.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { MAX_RETRY_AFTER_MS } from "../http/parse-retry-after.js";
import { GOOGLE_ADS_API_VERSION, googleAdsConnector } from "./google-ads-connector.js";
import { mapGoogleAdsResponse } from "./google-ads-failure.js";
import { googleSearchConsoleConnector } from "./google-search-console-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const oauth = { accessToken: "ya29.old-token", refreshToken: "1//0g-refresh-token", clientId: "123.apps.googleusercontent.com", clientSecret: "GOCSPX-secret-123456" };

describe("google search console connector (searchAnalytics.query)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  it("posts the query to the encoded site path after refreshing an expired token", async () => {
    const clock = createManualClock();
    harness = await startLiveHarness({
      connector: googleSearchConsoleConnector,
      credentials: oauth,
      expiresAt: new Date(clock.now() - 1_000),
      client: { clock },
      handler: (request) => (request.path === "/oauth/token" ? { status: 200, json: fixture("google-token.200.json") } : { status: 200, json: fixture("gsc-search-analytics.200.json") }),
    });
    const result = await harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", { siteUrl: "https://www.example.com/", startDate: "2026-10-01", endDate: "2026-10-31", rowLimit: 2 });
    expect(result.items[0]).toEqual({ keys: ["neonhub agents"], clicks: 120, impressions: 1500, ctr: 0.08, position: 2.3 });
    expect(result.nextCursor).toBe("2");
    expect(result.responseAggregationType).toBe("byProperty");
    const [token, query] = harness.server.requests;
    expect(token?.form).toMatchObject({ grant_type: "refresh_token", refresh_token: "1//0g-refresh-token", client_id: oauth.clientId });
    expect(query).toMatchObject({ method: "POST", path: "/webmasters/v3/sites/https%3A%2F%2Fwww.example.com%2F/searchAnalytics/query" });
    expect(query?.headers.authorization).toBe("Bearer ya29.a0AfB_byC-refreshed-token");
    expect(query?.json).toEqual({ startDate: "2026-10-01", endDate: "2026-10-31", dimensions: ["query"], type: "web", rowLimit: 2, startRow: 0 });
  });

  it("pages by row number: the next page starts after the rows received, and a short page is the last", async () => {
    const page = fixture("gsc-search-analytics.200.json") as { rows: unknown[] };
    harness = await startLiveHarness({
      connector: googleSearchConsoleConnector,
      credentials: oauth,
      handler: (request) => ({ status: 200, json: (request.json as { startRow: number }).startRow === 0 ? page : { rows: page.rows.slice(0, 1), responseAggregationType: "byProperty" } }),
    });
    const input = { siteUrl: "sc-domain:example.com", startDate: "2026-10-01", endDate: "2026-10-31", rowLimit: 2 };
    const result = await paginate(harness.client, googleSearchConsoleConnector, "querySearchAnalytics", input, { limit: 100 });
    expect(result).toMatchObject({ pages: 2, complete: true });
    expect(result.items).toHaveLength(3);
    expect(harness.server.requests.map((request) => (request.json as { startRow: number }).startRow)).toEqual([0, 2]);
  });

  it("returns no rows when Google leaves them out, and maps PERMISSION_DENIED to forbidden", async () => {
    harness = await startLiveHarness({ connector: googleSearchConsoleConnector, credentials: oauth, handler: () => ({ status: 200, json: { responseAggregationType: "auto" } }) });
    const input = { siteUrl: "sc-domain:example.com", startDate: "2026-10-01", endDate: "2026-10-02" };
    await expect(harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", input)).resolves.toEqual({ items: [], nextCursor: null, responseAggregationType: "auto" });
    harness.server.handle(() => ({ status: 403, json: fixture("gsc-permission-denied.403.json") }));
    const error = await harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "forbidden")).toBe(true);
    expect((error as Error).message).toContain("sufficient permission");
  });

  it("maps 403 quotaExceeded to RATE_LIMITED after the 15 minutes Google asks for, never to a forbidden connection", async () => {
    harness = await startLiveHarness({ connector: googleSearchConsoleConnector, credentials: oauth, handler: () => ({ status: 403, json: fixture("gsc-quota-exceeded.403.json") }), client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } } });
    const input = { siteUrl: "sc-domain:example.com", startDate: "2026-10-01", endDate: "2026-10-02" };
    const error = await harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error)).toBe(false);
    expect(error).toMatchObject({ code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 15 * 60_000, details: { status: 403, googleReason: "quotaExceeded" } });
    expect((error as Error).message).toContain("load quota exceeded");
    // Fifteen minutes is past the connector's own retry wait: the caller decides, no request is repeated now.
    expect(harness.server.requests).toHaveLength(1);
  });

  it("does not retry 403 dailyLimitExceeded: the project's day ends at midnight Pacific time", async () => {
    // 08:00 in Los Angeles (PST, UTC-8).
    const clock = createManualClock(Date.UTC(2026, 10, 27, 16, 0, 0));
    const body = { error: { code: 403, message: "Daily Limit Exceeded", errors: [{ message: "Daily Limit Exceeded", domain: "usageLimits", reason: "dailyLimitExceeded" }] } };
    harness = await startLiveHarness({ connector: googleSearchConsoleConnector, credentials: oauth, handler: () => ({ status: 403, json: body }), client: { clock } });
    const input = { siteUrl: "sc-domain:example.com", startDate: "2026-10-01", endDate: "2026-10-02" };
    await expect(harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", input)).rejects.toMatchObject({ code: "RATE_LIMITED", isRetryable: false, retryAfterMs: 16 * 3_600_000, details: { googleReason: "dailyLimitExceeded" } });
  });

  it("retries a 403 userRateLimitExceeded after Retry-After, as a rate limit", async () => {
    let calls = 0;
    harness = await startLiveHarness({
      connector: googleSearchConsoleConnector,
      credentials: oauth,
      client: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
      handler: () => (++calls === 1 ? { status: 403, headers: { "retry-after": "0" }, json: fixture("gsc-user-rate-limit-exceeded.403.json") } : { status: 200, json: fixture("gsc-search-analytics.200.json") }),
    });
    const input = { siteUrl: "sc-domain:example.com", startDate: "2026-10-01", endDate: "2026-10-02", rowLimit: 2 };
    await expect(harness.client.invoke(googleSearchConsoleConnector, "querySearchAnalytics", input)).resolves.toMatchObject({ nextCursor: "2" });
    expect(harness.server.requests).toHaveLength(2);
  });
});

describe("google ads connector (searchStream and campaigns:mutate)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: googleAdsConnector, credentials: { ...oauth, developerToken: "dev-token-abcdef", loginCustomerId: "9876543210" }, handler }).then((started) => (harness = started));

  it("streams campaign spend with the developer token and sums every batch", async () => {
    await start(() => ({ status: 200, json: fixture("google-ads-search-stream.200.json") }));
    const result = await harness.client.invoke(googleAdsConnector, "campaignSpend", { customerId: "123-456-7890", dateRange: "LAST_30_DAYS" });
    expect(result.totalCostMicros).toBe(16_250_000);
    expect(result.campaigns.map((item) => item.name)).toEqual(["Brand", "Retargeting", "Search - Generic"]);
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: "/customers/1234567890/googleAds:searchStream" });
    expect(request?.headers).toMatchObject({ authorization: "Bearer ya29.old-token", "developer-token": "dev-token-abcdef", "login-customer-id": "9876543210" });
    expect(request?.json).toEqual({ query: "SELECT campaign.id, campaign.name, campaign.status, metrics.cost_micros FROM campaign WHERE segments.date DURING LAST_30_DAYS" });
  });

  it("keeps the GoogleAdsFailure of a query error: its code, message and trigger", async () => {
    await start(() => ({ status: 400, json: fixture("google-ads-query-error.400.json") }));
    await expect(harness.client.invoke(googleAdsConnector, "campaignSpend", { customerId: "1234567890" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: "Google Ads campaignSpend failed with HTTP 400: queryError.UNRECOGNIZED_FIELD: Unrecognized field in the query: 'metrics.cost_micro'.",
      details: { googleAdsErrors: [{ errorCode: { queryError: "UNRECOGNIZED_FIELD" }, trigger: { stringValue: "metrics.cost_micro" } }], requestId: "k0X9dT3wQ1mGZf8hYbPq2A" },
    });
  });

  it("takes the retryDelay of a quota error's details as the wait before the next attempt", async () => {
    await start(() => ({ status: 429, json: fixture("google-ads-resource-exhausted.429.json") }));
    await expect(harness.client.invoke(googleAdsConnector, "campaignSpend", { customerId: "1234567890" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterMs: 30_000,
      message: "Google Ads campaignSpend failed with HTTP 429: quotaError.RESOURCE_TEMPORARILY_EXHAUSTED: Too many requests. Retry in 30 seconds.",
      details: { googleAdsErrors: [{ details: { quotaErrorDetails: { rateScope: "DEVELOPER", retryDelay: "30s" } } }], requestId: "Qm9yBqX4r2VdE7sHc1ZtLw" },
    });
  });

  it("reads a retryDelay as a protobuf Duration: fractional seconds rounded up to the millisecond, unreadable ones ignored", () => {
    const answer = (retryDelay: unknown) => {
      const body = fixture("google-ads-resource-exhausted.429.json") as { error: { details: Array<{ errors: Array<{ details: { quotaErrorDetails: Record<string, unknown> } }> }> } };
      body.error.details[0]!.errors[0]!.details.quotaErrorDetails.retryDelay = retryDelay;
      return mapGoogleAdsResponse({ status: 429, headers: {}, body }, { action: "campaignSpend", nowMs: 0 })?.retryAfterMs;
    };
    expect(answer("1.5s")).toBe(1_500);
    expect(answer("0.000001s")).toBe(1);
    expect(answer("172800s")).toBe(MAX_RETRY_AFTER_MS);
    for (const unreadable of ["30", "-5s", "1m", 30, null]) expect(answer(unreadable)).toBe(1_000);
  });

  it("calls the supported API version declared on the connector", () => {
    expect(googleAdsConnector.baseUrl).toBe(`https://googleads.googleapis.com/${GOOGLE_ADS_API_VERSION}`);
    expect(googleAdsConnector.apiVersion).toMatchObject({ version: "v26", sunsetAt: "2027-11-01" });
  });

  it("pauses a campaign with an update operation and a status field mask", async () => {
    await start(() => ({ status: 200, json: fixture("google-ads-mutate.200.json") }));
    await expect(harness.client.invoke(googleAdsConnector, "pauseCampaign", { customerId: "1234567890", campaignId: "20765432101" })).resolves.toEqual({ resourceName: "customers/1234567890/campaigns/20765432101" });
    expect(harness.server.requests[0]).toMatchObject({ path: "/customers/1234567890/campaigns:mutate" });
    expect(harness.server.requests[0]?.json).toEqual({ operations: [{ update: { resourceName: "customers/1234567890/campaigns/20765432101", status: "PAUSED" }, updateMask: "status" }] });
  });

  it("maps INVALID_ARGUMENT to VALIDATION_FAILED and rejects a malformed customer id before any request", async () => {
    await start(() => ({ status: 400, json: fixture("google-ads-invalid-argument.400.json") }));
    await expect(harness.client.invoke(googleAdsConnector, "pauseCampaign", { customerId: "1234567890", campaignId: "1" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      message: expect.stringContaining("mutateError.RESOURCE_NOT_FOUND: Resource was not found."),
      details: { googleAdsErrors: [{ errorCode: { mutateError: "RESOURCE_NOT_FOUND" }, message: "Resource was not found." }], requestId: "Ih2mBEq8XqV3o2PFoYyDkg" },
    });
    await expect(harness.client.invoke("google-ads", "campaignSpend", { customerId: "12-34" })).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "customerId" }] });
    expect(harness.server.requests).toHaveLength(1);
  });
});

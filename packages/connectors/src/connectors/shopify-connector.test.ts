import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { paginate } from "../client/paginate.js";
import { nextLinkParameter } from "../sdk/page.js";
import { createMemoryCredentialStore } from "../auth/memory-credential-store.js";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { startProviderServer } from "../testing/provider-server.js";
import { SHOPIFY_API_VERSION, shopifyConnector } from "./shopify-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const TOKEN = "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";

describe("shopify connector (GET /admin/api/{version}/orders.json)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: shopifyConnector, credentials: { accessToken: TOKEN }, handler }).then((started) => (harness = started));

  it("lists orders of any status with the access token header and maps them", async () => {
    await start(() => ({ status: 200, json: fixture("shopify-orders.200.json") }));
    const result = await harness.client.invoke(shopifyConnector, "listOrders", { limit: 2 });
    expect(result).toEqual({
      nextCursor: null,
      items: [
        { id: 5_678_901_234_567, name: "#1042", totalPrice: "199.65", currency: "USD", createdAt: "2026-11-26T14:12:09-05:00" },
        { id: 5_678_900_987_654, name: "#1041", totalPrice: "24.00", currency: "USD", createdAt: "2026-11-25T09:40:51-05:00" },
      ],
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "GET", path: `/admin/api/${SHOPIFY_API_VERSION}/orders.json`, headers: { "x-shopify-access-token": TOKEN } });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.query).toEqual({ status: "any", limit: "2" });
    expect(request?.body).toBe("");
  });

  it("follows the Link header's page_info, sending only limit with it, paced at Shopify's two requests per second", async () => {
    const clock = createManualClock();
    const page = (name: string) => fixture(name) as { orders: unknown[] };
    const link = (query: string, rel: string) => `<https://acme-store.myshopify.com/admin/api/${SHOPIFY_API_VERSION}/orders.json?${query}>; rel="${rel}"`;
    harness = await startLiveHarness({
      connector: shopifyConnector,
      credentials: { accessToken: TOKEN },
      client: { clock },
      handler: (request) =>
        request.query.page_info === undefined
          ? { status: 200, headers: { link: link("limit=2&page_info=eyJsYXN0X2lkIjo1Njc4OTAwOTg3NjU0fQ", "next") }, json: page("shopify-orders.200.json") }
          : { status: 200, headers: { link: link("limit=2&page_info=eyJkaXJlY3Rpb24iOiJwcmV2In0", "previous") }, json: page("shopify-orders-page-2.200.json") },
    });
    const walk = paginate(harness.client, shopifyConnector, "listOrders", { limit: 2, status: "open" }, { limit: 10 });
    await harness.server.waitForRequests(1);
    for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(harness.server.requests).toHaveLength(1);
    await clock.advance(500);
    const result = await walk;
    expect(result).toMatchObject({ pages: 2, complete: true });
    expect(result.items.map((order) => order.name)).toEqual(["#1042", "#1041", "#1040"]);
    expect(harness.server.requests.map((request) => request.query)).toEqual([{ status: "open", limit: "2" }, { limit: "2", page_info: "eyJsYXN0X2lkIjo1Njc4OTAwOTg3NjU0fQ" }]);
  });

  it("reads the next page's cursor from a Link header that also names the previous page", () => {
    const header = '<https://s.myshopify.com/admin/api/2026-10/orders.json?limit=2&page_info=prevToken>; rel="previous", <https://s.myshopify.com/admin/api/2026-10/orders.json?limit=2&page_info=nextToken>; rel="next"';
    expect(nextLinkParameter(header, "page_info")).toBe("nextToken");
    expect(nextLinkParameter('<https://s.myshopify.com/x?page_info=prevToken>; rel="previous"', "page_info")).toBeNull();
    expect(nextLinkParameter(undefined, "page_info")).toBeNull();
  });

  it("sends a status and a creation time when given", async () => {
    await start(() => ({ status: 200, json: { orders: [] } }));
    await harness.client.invoke(shopifyConnector, "listOrders", { status: "open", createdAtMin: "2026-11-01T00:00:00-05:00" });
    expect(harness.server.requests[0]?.query).toEqual({ status: "open", limit: "50", created_at_min: "2026-11-01T00:00:00-05:00" });
  });

  it("maps 401 to a connector auth error carrying Shopify's errors text", async () => {
    await start(() => ({ status: 401, json: fixture("shopify-invalid-token.401.json") }));
    const error = await harness.client.invoke(shopifyConnector, "listOrders", {}).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).toContain("Invalid API key or access token");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("maps 429 with Retry-After: 2.0 to RATE_LIMITED after two seconds", async () => {
    await start(() => ({ status: 429, headers: { "retry-after": "2.0" }, json: fixture("shopify-throttled.429.json") }));
    const error = await harness.client.invoke(shopifyConnector, "listOrders", {}).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ retryAfterMs: 2_000 });
    expect((error as Error).message).toContain("Exceeded 2 calls per second");
  });

  it("rejects a limit above 250 before any request", async () => {
    await start(() => ({ status: 200, json: { orders: [] } }));
    const error = await harness.client.invoke("shopify", "listOrders", { limit: 251 }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("sends each store's requests to the connection's own shop URL", async () => {
    const server = await startProviderServer(() => ({ status: 200, json: { orders: [] } }));
    const credentials = createMemoryCredentialStore({
      connections: [{ organizationId: "org_shop", connector: "shopify", authType: "api_key", credentials: { accessToken: TOKEN, baseUrl: `${server.url}/acme-store` }, expiresAt: null }],
    });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: false, credentials, organizationId: "org_shop" });
    try {
      await client.invoke(shopifyConnector, "listOrders", { limit: 1 });
      expect(server.requests[0]?.path).toBe(`/acme-store/admin/api/${SHOPIFY_API_VERSION}/orders.json`);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it("gives the same mock answer for the same input on every client", async () => {
    const answers = [await createConnectorClient({ mode: "mock", environment: {} }).invoke(shopifyConnector, "listOrders", { limit: 2 }), await createConnectorClient({ mode: "mock", environment: {} }).invoke(shopifyConnector, "listOrders", { limit: 2 })];
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]?.items).toHaveLength(2);
    expect(answers[0]?.items[0]?.totalPrice).toMatch(/^\d+\.\d{2}$/);
  });
});

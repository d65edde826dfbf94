import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { paginate } from "../client/paginate.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { stripeConnector } from "./stripe-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const SECRET_KEY = "sk_test_4eC39HqLyjWDarjtT1zdp7dc";

describe("stripe connector (GET /v1/balance_transactions)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: stripeConnector, credentials: { apiKey: SECRET_KEY }, handler }).then((started) => (harness = started));

  it("lists with form-style query parameters and the secret key", async () => {
    await start(() => ({ status: 200, json: fixture("stripe-balance-transactions.200.json") }));
    const result = await harness.client.invoke(stripeConnector, "listBalanceTransactions", { limit: 3, createdFrom: 1_677_000_000, type: "charge" });
    expect(result).toEqual({
      items: [{ id: "txn_1MiN3gLkdIwHu7ixxapQrznl", amount: 2000, currency: "usd", net: 1912, fee: 88, type: "charge", status: "available", created: 1_678_043_844, description: "Subscription creation" }],
      nextCursor: "txn_1MiN3gLkdIwHu7ixxapQrznl",
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "GET", path: "/v1/balance_transactions", headers: { authorization: `Bearer ${SECRET_KEY}` } });
    expect(request?.query).toEqual({ limit: "3", "created[gte]": "1677000000", type: "charge" });
    expect(request?.body).toBe("");
  });

  it("walks pages with starting_after up to the caller's limit", async () => {
    const first = fixture("stripe-balance-transactions.200.json") as { data: Array<{ id: string }> };
    const second = { object: "list", url: "/v1/balance_transactions", has_more: true, data: [{ ...first.data[0], id: "txn_1MiMzfLkdIwHu7ixW7NGdFOT", created: 1_678_040_000 }] };
    await start((request) => ({ status: 200, json: request.query.starting_after === undefined ? first : second }));
    const result = await paginate(harness.client, stripeConnector, "listBalanceTransactions", { limit: 1 }, { limit: 2 });
    expect(result.items.map((item) => item.id)).toEqual(["txn_1MiN3gLkdIwHu7ixxapQrznl", "txn_1MiMzfLkdIwHu7ixW7NGdFOT"]);
    expect(result).toMatchObject({ pages: 2, complete: false });
    expect(harness.server.requests.map((request) => request.query.starting_after)).toEqual([undefined, "txn_1MiN3gLkdIwHu7ixxapQrznl"]);
    await expect(paginate(harness.client, stripeConnector, "listBalanceTransactions", {}, { limit: 0 })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("does not retry a 5xx that Stripe answers with Stripe-Should-Retry: false", async () => {
    harness = await startLiveHarness({
      connector: stripeConnector,
      credentials: { apiKey: SECRET_KEY },
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
      handler: () => ({ status: 500, headers: { "stripe-should-retry": "false" }, json: fixture("stripe-api-error.500.json") }),
    });
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).rejects.toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false, details: { status: 500, stripeShouldRetry: false } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("retries a 409 that Stripe answers with Stripe-Should-Retry: true", async () => {
    let calls = 0;
    harness = await startLiveHarness({
      connector: stripeConnector,
      credentials: { apiKey: SECRET_KEY },
      client: { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } },
      handler: () => (++calls === 1 ? { status: 409, headers: { "stripe-should-retry": "true" }, json: fixture("stripe-lock-conflict.409.json") } : { status: 200, json: fixture("stripe-balance-transactions.200.json") }),
    });
    await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).resolves.toMatchObject({ nextCursor: "txn_1MiN3gLkdIwHu7ixxapQrznl" });
    expect(harness.server.requests).toHaveLength(2);
  });

  it("maps 401 to a connector auth error whose message keeps Stripe's masked key only", async () => {
    await start(() => ({ status: 401, json: fixture("stripe-invalid-api-key.401.json") }));
    const error = await harness.client.invoke(stripeConnector, "listBalanceTransactions", {}).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).toContain("Invalid API Key provided");
    expect((error as Error).message).not.toContain(SECRET_KEY);
  });
});

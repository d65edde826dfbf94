import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
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
      transactions: [{ id: "txn_1MiN3gLkdIwHu7ixxapQrznl", amount: 2000, currency: "usd", net: 1912, fee: 88, type: "charge", status: "available", created: 1_678_043_844, description: "Subscription creation" }],
      hasMore: true,
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "GET", path: "/v1/balance_transactions", headers: { authorization: `Bearer ${SECRET_KEY}` } });
    expect(request?.query).toEqual({ limit: "3", "created[gte]": "1677000000", type: "charge" });
    expect(request?.body).toBe("");
  });

  it("maps 401 to a connector auth error whose message keeps Stripe's masked key only", async () => {
    await start(() => ({ status: 401, json: fixture("stripe-invalid-api-key.401.json") }));
    const error = await harness.client.invoke(stripeConnector, "listBalanceTransactions", {}).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).toContain("Invalid API Key provided");
    expect((error as Error).message).not.toContain(SECRET_KEY);
  });
});

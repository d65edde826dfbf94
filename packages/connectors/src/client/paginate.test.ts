import { describe, expect, it } from "vitest";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { type ConnectorInvoker, createConnectorClient } from "./create-connector-client.js";
import { paginate } from "./paginate.js";

const mockClient = () => createConnectorClient({ mode: "mock", environment: {} });
/** Passes calls on to the client, and stops a walk that has gone on far longer than its list. */
const boundedInvoker = (client: ConnectorInvoker): ConnectorInvoker => {
  let calls = 0;
  const invoke = (...args: Parameters<ConnectorInvoker["invoke"]>) => {
    calls += 1;
    if (calls > 20) return Promise.reject(new Error("paginate kept walking a list of two pages"));
    return client.invoke(...args);
  };
  return { invoke: invoke as ConnectorInvoker["invoke"] };
};
const transaction = (id: string) => ({ id, amount: 100, currency: "usd", type: "charge", status: "available", created: 1_767_225_600, description: null, fee: 0, net: 100 });

describe("paginate", () => {
  it("fails instead of walking forever when a page leads back to a cursor it followed", async () => {
    const client = mockClient();
    // The newest matching fixture answers: the first page, then the page behind each cursor.
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", output: { items: [], nextCursor: "txn_a" } });
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", match: { cursor: "txn_a" }, output: { items: [], nextCursor: "txn_b" } });
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", match: { cursor: "txn_b" }, output: { items: [], nextCursor: "txn_a" } });
    await expect(paginate(boundedInvoker(client), stripeConnector, "listBalanceTransactions", {}, { limit: 10 })).rejects.toMatchObject({
      code: "UPSTREAM_FAILED",
      isRetryable: false,
      details: { connector: "stripe", action: "listBalanceTransactions", reason: "repeated_cursor" },
    });
    expect(client.mock.calls("stripe").map((call) => (call.input as { cursor?: string }).cursor)).toEqual([undefined, "txn_a", "txn_b"]);
  });

  it("follows fresh cursors through short pages to the end of the list", async () => {
    const client = mockClient();
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", output: { items: [transaction("txn_a")], nextCursor: "txn_a" } });
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", match: { cursor: "txn_a" }, output: { items: [], nextCursor: "txn_b" } });
    client.mock.addFixture({ connector: "stripe", action: "listBalanceTransactions", match: { cursor: "txn_b" }, output: { items: [transaction("txn_c")], nextCursor: null } });
    const result = await paginate(client, stripeConnector, "listBalanceTransactions", {}, { limit: 10 });
    expect(result).toMatchObject({ pages: 3, complete: true });
    expect(result.items.map((item) => item.id)).toEqual(["txn_a", "txn_c"]);
  });
});

import { describe, expect, expectTypeOf, it } from "vitest";
import { createConnectorClient } from "./create-connector-client.js";

describe("typed invoke", () => {
  it("infers an action's input and output from a built-in connector's id", async () => {
    const client = createConnectorClient({ mode: "mock", environment: {} });
    const completion = await client.invoke("llm", "chatCompletion", { messages: [{ role: "user", content: "Say hi" }] });
    expectTypeOf(completion.content).toEqualTypeOf<string>();
    expect(typeof completion.content).toBe("string");
    const orders = await client.invoke("shopify", "listOrders", { limit: 2 });
    expectTypeOf(orders.items[0]?.totalPrice).toEqualTypeOf<string | undefined>();
    // @ts-expect-error: postMessage takes a channel, and a wrong input is not silently untyped.
    await client.invoke("slack", "postMessage", { text: "no channel" }).catch(() => undefined);
    // @ts-expect-error: slack has no such action.
    await client.invoke("slack", "deleteEverything", {}).catch(() => undefined);
    const plugin = await client.invoke("airtable-like", "anything", {}).catch(() => undefined);
    expectTypeOf(plugin).toEqualTypeOf<unknown>();
  });
});

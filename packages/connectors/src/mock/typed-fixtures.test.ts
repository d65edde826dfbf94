import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { createConnectorClient } from "../client/create-connector-client.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import type { MockContext } from "../sdk/connector-definition.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { defineMockFixture } from "./define-mock-fixture.js";
import type { MockFixture } from "./mock-fixture.js";

const mockClient = (options: Parameters<typeof createConnectorClient>[0] = {}) => createConnectorClient({ mode: "mock", environment: {}, retry: false, ...options });
const usage = { promptTokens: 10, completionTokens: 5, totalTokens: 15 };
const messages = [{ role: "user" as const, content: "Say hi" }];

// A plugin connector the built-in map does not know, registered on the client at run time.
const recordsConnector = defineConnector({
  id: "records",
  kind: "RECORDS",
  displayName: "Records",
  baseUrl: "https://records.test",
  auth: { type: "none" },
  actions: {
    listRecords: defineAction({
      description: "Lists records",
      input: z.object({ table: z.string() }),
      output: z.object({ names: z.array(z.string()) }),
      repeatSafety: "safe",
      run: async () => ({ names: [] }),
      fixture: () => ({ names: [] }),
    }),
  },
});

describe("typed fixtures", () => {
  it("gives an output function the action's validated input, defaults applied, and its context", async () => {
    const client = mockClient();
    client.mock.addFixture({
      connector: "llm",
      action: "chatCompletion",
      match: (input) => input.responseFormat === "text",
      output: (input, context) => {
        expectTypeOf(input.model).toEqualTypeOf<string>();
        expectTypeOf(context).toEqualTypeOf<MockContext>();
        return { id: context.id("chatcmpl-", 8), model: input.model, content: input.messages[0]?.content ?? "", finishReason: "stop", usage };
      },
    });
    const completion = await client.invoke("llm", "chatCompletion", { messages });
    expect(completion).toMatchObject({ model: "gpt-4o-mini", content: "Say hi", id: expect.stringMatching(/^chatcmpl-/) });
  });

  it("refuses a misspelt action, a wrong output field and a pattern field the input lacks of a built-in connector", () => {
    const client = mockClient();
    // @ts-expect-error: slack has no postMesage action.
    expect(() => client.mock.addFixture({ connector: "slack", action: "postMesage", output: { channel: "C1", ts: "1.1", threadTs: null } })).toThrow(
      expect.objectContaining({ code: "VALIDATION_FAILED", message: expect.stringContaining('has no action "postMesage"') }),
    );
    // @ts-expect-error: postMessage answers channel, not chanel.
    client.mock.addFixture({ connector: "slack", action: "postMessage", output: { chanel: "C1", ts: "1.1", threadTs: null } });
    // @ts-expect-error: an output function must answer the output too.
    client.mock.addFixture({ connector: "slack", action: "postMessage", output: (input) => ({ channel: input.channel }) });
    // @ts-expect-error: postMessage's input has no channelId.
    client.mock.addFixture({ connector: "slack", action: "postMessage", match: { channelId: "C1" } });
    // @ts-expect-error: the same checks apply to a fixture written for mock.fixtures.
    defineMockFixture({ connector: "sms", action: "sendSms", output: { sid: 42 } });
  });

  it("matches by part of the input at any depth, typed by the action's input", async () => {
    const client = mockClient();
    client.mock.addFixture({ connector: "llm", action: "chatCompletion", match: { messages: [{ role: "user", content: "Say hi" }] }, output: { id: "c1", model: "m", content: "hi", finishReason: "stop", usage } });
    expect((await client.invoke("llm", "chatCompletion", { messages })).content).toBe("hi");
    expect((await client.invoke("llm", "chatCompletion", { messages: [{ role: "user", content: "Other" }] })).content).not.toBe("hi");
  });

  it("takes fixtures written with defineMockFixture, typed and checked, in mock.fixtures beside untyped ones", async () => {
    const client = mockClient({
      mock: {
        fixtures: [
          defineMockFixture({ connector: "slack", action: "postMessage", match: (input) => input.channel.startsWith("C0"), output: (input) => ({ channel: input.channel, ts: "1.000001", threadTs: input.threadTs ?? null }) }),
          // Inline, a fixture is untyped (the array holds plugins' fixtures too), but its functions still get an input.
          { connector: "sms", action: "sendSms", output: (input) => {
            expectTypeOf(input).toEqualTypeOf<unknown>();
            return { sid: `SM${"0".repeat(32)}`, status: "queued", to: (input as { to: string }).to, from: null, dateCreated: null, segments: 1 };
          } },
        ],
      },
    });
    expect(await client.invoke("slack", "postMessage", { channel: "C0TYPED", text: "hi" })).toEqual({ channel: "C0TYPED", ts: "1.000001", threadTs: null });
    expect(await client.invoke("sms", "sendSms", { to: "+14155550199", from: "+14155550100", body: "hi" })).toMatchObject({ status: "queued", to: "+14155550199" });
  });

  it("keeps a plugin connector's fixture untyped, as its id is not known to the types", async () => {
    const client = mockClient({ connectors: [...builtInConnectors, recordsConnector] });
    client.mock.addFixture({
      connector: "records",
      action: "listRecords",
      match: (input) => {
        expectTypeOf(input).toEqualTypeOf<unknown>();
        return (input as { table: string }).table === "Leads";
      },
      output: (input) => ({ names: [(input as { table: string }).table] }),
    });
    const untyped: MockFixture = { connector: "records", action: "listRecords", output: { names: ["Ada"] }, times: 1 };
    client.mock.addFixture(untyped);
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Other" })).toEqual({ names: ["Ada"] });
    expect(await client.invoke(recordsConnector, "listRecords", { table: "Leads" })).toEqual({ names: ["Leads"] });
  });

});

import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { pageSchema } from "../sdk/page.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

const contact = z.object({ id: z.string(), archived: z.boolean() });
const crmConnector = defineConnector({
  id: "crm",
  kind: "CRM",
  displayName: "CRM",
  baseUrl: "https://api.crm.example",
  auth: { type: "bearer" },
  actions: {
    listContacts: defineAction({
      description: "Lists contacts",
      repeatSafety: "safe",
      paging: { style: "page-token" },
      input: z.object({ cursor: z.string().optional() }),
      output: pageSchema(contact),
      run: async (_input, ctx) => {
        const body = (await ctx.http.request({ method: "GET", path: "/contacts" })).body as { results: z.input<typeof contact>[] };
        return { items: body.results, nextCursor: null };
      },
      fixture: () => ({ items: [], nextCursor: null }),
    }),
  },
});

describe("an action's output that does not match its schema", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("fails naming the fields that differ, the first five in the message and all of them in the details", async () => {
    const results = Array.from({ length: 4 }, (_, index) => ({ id: 500 + index, archived: "no" }));
    harness = await startLiveHarness({ connector: crmConnector, credentials: { accessToken: "crm-token-1" }, handler: () => ({ status: 200, json: { results } }) });
    const error = await harness.client.invoke(crmConnector, "listContacts", {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: "UPSTREAM_FAILED",
      isRetryable: false,
      message:
        "crm.listContacts answered with an output that does not match its schema: items.0.id: Invalid input: expected string, received number; " +
        "items.0.archived: Invalid input: expected boolean, received string; items.1.id: Invalid input: expected string, received number; " +
        "items.1.archived: Invalid input: expected boolean, received string; items.2.id: Invalid input: expected string, received number; and 3 more.",
    });
    expect((error as { details: { fieldErrors: unknown[] } }).details.fieldErrors).toHaveLength(8);
  });
});

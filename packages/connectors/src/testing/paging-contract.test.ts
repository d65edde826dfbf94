import { describe, expect, it } from "vitest";
import { z } from "zod";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { pageCursor, pageSchema } from "../sdk/page.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { undeclaredPagingActions } from "./paging-contract.js";

const action = (input: z.ZodType, output: z.ZodType, paging?: { style: "cursor" }) =>
  defineAction({ description: "Lists", repeatSafety: "safe", input, output, ...(paging ? { paging } : {}), run: async () => ({ items: [], nextCursor: null }), fixture: () => ({ items: [], nextCursor: null }) });

describe("undeclaredPagingActions", () => {
  it("names actions that take a cursor or answer a page without declaring paging", () => {
    const connector = defineConnector({
      id: "lister",
      kind: "LISTER",
      displayName: "Lister",
      baseUrl: "https://api.lister.example",
      auth: { type: "none" },
      actions: {
        takesCursor: action(z.object({ cursor: pageCursor }), z.object({ rows: z.array(z.string()) })),
        answersPage: action(z.object({}), pageSchema(z.string())),
        declared: action(z.object({ cursor: pageCursor }), pageSchema(z.string()), { style: "cursor" }),
        plain: action(z.object({ id: z.string() }), z.object({ items: z.array(z.string()) })),
      },
    });
    expect(undeclaredPagingActions(connector)).toEqual(["takesCursor", "answersPage"]);
  });

  it("finds none among the built-in connectors", () => {
    expect(builtInConnectors.flatMap((connector) => undeclaredPagingActions(connector).map((name) => `${connector.id}.${name}`))).toEqual([]);
  });
});

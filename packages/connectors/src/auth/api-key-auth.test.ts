import { createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

const lookup = defineAction({
  description: "Looks a word up",
  input: z.object({ word: z.string() }),
  output: z.object({ found: z.boolean() }),
  repeatSafety: "safe",
  run: async (input, ctx) => ({ found: Boolean((await ctx.http.request({ method: "GET", path: "/words", query: { q: input.word } })).body) }),
  fixture: () => ({ found: true }),
});
const connectorWith = (auth: Parameters<typeof defineConnector>[0]["auth"]) =>
  defineConnector({ id: "dictionary", kind: "DICTIONARY", displayName: "Dictionary", baseUrl: "https://dictionary.test", auth, actions: { lookup } });

describe("API key auth", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  it("sends the key in a header with its prefix", async () => {
    harness = await startLiveHarness({ connector: connectorWith({ type: "api_key", in: "header", name: "X-Api-Key", prefix: "Key " }), credentials: { apiKey: "dk-header-123456" }, handler: () => ({ status: 200, json: true }) });
    await harness.client.invoke("dictionary", "lookup", { word: "neon" });
    expect(harness.server.requests[0]).toMatchObject({ path: "/words", query: { q: "neon" }, headers: { "x-api-key": "Key dk-header-123456" } });
    expect(harness.server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("sends the key in the query string and keeps it out of errors and logs", async () => {
    const logger = createRecordingLogger();
    harness = await startLiveHarness({
      connector: connectorWith({ type: "api_key", in: "query", name: "api_key", field: "key" }),
      credentials: { key: "dk-query-654321" },
      handler: (request) => ({ status: 500, json: { message: `failed for ${JSON.stringify(request.query)}` } }),
      client: { logger },
    });
    const error = await harness.client.invoke("dictionary", "lookup", { word: "neon" }).catch((caught: unknown) => caught);
    expect(harness.server.requests[0]?.query).toEqual({ q: "neon", api_key: "dk-query-654321" });
    expect(error).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: true });
    expect(JSON.stringify([(error as Error).message, (error as Error).stack, logger.lines])).not.toContain("dk-query-654321");
  });

  it("fails with missing_connection before any request when the key is absent", async () => {
    harness = await startLiveHarness({ connector: connectorWith({ type: "api_key", in: "header", name: "X-Api-Key" }), credentials: {}, handler: () => ({ status: 200, json: true }) });
    await expect(harness.client.invoke("dictionary", "lookup", { word: "neon" })).rejects.toMatchObject({ code: "UNAUTHORIZED", details: { reason: "missing_connection" } });
    expect(harness.server.requests).toHaveLength(0);
  });
});

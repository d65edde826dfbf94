import { describe, expect, it } from "vitest";
import { z } from "zod";
import { llmConnector } from "../connectors/llm-connector.js";
import { slackConnector } from "../connectors/slack-connector.js";
import { createConnectorRegistry } from "../registry/connector-registry.js";
import { defineAction, defineConnector, defineConnectorPlugin } from "../sdk/define-connector.js";
import { startProviderServer } from "../testing/provider-server.js";
import { checkBaseUrls } from "./check-base-urls.js";
import { createConnectorClient } from "./create-connector-client.js";

const acme = defineConnector({
  id: "acme",
  kind: "ACME",
  displayName: "Acme",
  baseUrl: "https://api.acme.test",
  auth: { type: "none" },
  actions: { ping: defineAction({ description: "Pings", input: z.object({}), output: z.object({ ok: z.boolean() }), repeatSafety: "safe", run: async (_input, ctx) => ({ ok: (await ctx.http.request({ method: "GET", path: "/ping" })).status === 200 }), fixture: () => ({ ok: true }) }) },
});

describe("checkBaseUrls", () => {
  it("refuses a key that names no registered connector, naming it and listing the registered ones", () => {
    const registry = createConnectorRegistry({ connectors: [slackConnector, llmConnector] });
    expect(() => checkBaseUrls({ llm: "https://llm.internal/v1", openai: "https://llm.internal/v1" }, registry)).toThrow(
      expect.objectContaining({
        code: "CONFIGURATION_INVALID",
        message: 'baseUrls.openai names "openai", which is not a registered connector, so it would set no connector\'s base URL. Registered connectors: llm, slack.',
      }),
    );
    expect(() => checkBaseUrls({ openai: "https://llm.internal/v1" }, registry, (id) => `NEONHUB_CONNECTOR_${id.toUpperCase()}_BASE_URL`)).toThrow(/^NEONHUB_CONNECTOR_OPENAI_BASE_URL names "openai"/);
    expect(() => checkBaseUrls({ llm: "https://llm.internal/v1", slack: "https://slack.internal" }, registry)).not.toThrow();
  });

  it("leaves the client lenient: a plugin registered after the client is created gets its base URL", async () => {
    const server = await startProviderServer(() => ({ status: 200, json: {} }));
    try {
      const registry = createConnectorRegistry({ connectors: [slackConnector] });
      const baseUrls = { acme: server.url };
      const client = createConnectorClient({ mode: "live", environment: {}, retry: false, registry, baseUrls });
      expect(() => checkBaseUrls(baseUrls, registry)).toThrow(/Registered connectors: slack\./);
      registry.use(defineConnectorPlugin({ name: "@acme/connectors", connectors: [acme] }));
      checkBaseUrls(baseUrls, registry);
      await expect(client.invoke(acme, "ping", {})).resolves.toEqual({ ok: true });
      expect(server.requests.map((request) => request.path)).toEqual(["/ping"]);
      await client.close();
    } finally {
      await server.close();
    }
  });
});

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { defineAction, defineConnector } from "@neonhub/connectors";
import { startProviderServer } from "@neonhub/connectors/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { loadHostConfig } from "../config/host-config.js";
import { createHostLogger } from "./create-logger.js";
import { openHostRuntime } from "./open-host-runtime.js";

const logger = createHostLogger({ logLevel: "silent" });

const acme = (baseUrl: string) =>
  defineConnector({
    id: "acme-crm",
    kind: "ACME_CRM",
    displayName: "Acme CRM",
    baseUrl,
    auth: { type: "none" },
    actions: { ping: defineAction({ description: "Pings", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async (_input, ctx) => (await ctx.http.request({ method: "GET", path: "/ping" }), {}), fixture: () => ({}) }) },
  });

describe("connector base URLs of the host", () => {
  const folders: string[] = [];
  const dataDir = () => {
    const parent = mkdtempSync(join(tmpdir(), "neonhub-base-urls-"));
    folders.push(parent);
    return join(parent, "data");
  };
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it("refuses to start, before opening anything, when a base URL names no connector it registers", async () => {
    const folder = dataDir();
    const config = loadHostConfig({ NEONHUB_DATA_DIR: folder, NEONHUB_CONNECTOR_OPENAI_BASE_URL: "https://llm-gateway.internal/v1" });
    await expect(openHostRuntime(config, logger, { connectors: [acme("https://api.acme.test")] })).rejects.toMatchObject({
      code: "CONFIGURATION_INVALID",
      message: expect.stringMatching(/^NEONHUB_CONNECTOR_OPENAI_BASE_URL names "openai", which is not a registered connector, .*Registered connectors: acme-crm, discord, email, .*llm, .*youtube\.$/),
    });
    expect(existsSync(folder)).toBe(false);
  });

  it("sends a plugin connector's calls to the base URL its variable sets", async () => {
    const provider = await startProviderServer(() => ({ status: 200, json: {} }));
    const config = loadHostConfig({
      NEONHUB_DATA_DIR: dataDir(),
      NEONHUB_CONNECTORS_MODE: "live",
      NEONHUB_CREDENTIALS_KEY: randomBytes(32).toString("base64"),
      NEONHUB_SCHEDULER_INTERVAL_MS: "0",
      NEONHUB_CONNECTOR_ACME_CRM_BASE_URL: provider.url,
    });
    const runtime = await openHostRuntime(config, logger, { connectors: [acme("https://api.acme.test")] });
    try {
      await runtime.connectors.invoke("acme-crm", "ping", {});
      expect(provider.requests.map((request) => request.path)).toEqual(["/ping"]);
    } finally {
      await runtime.orchestrator.drain({ deadlineMs: 0 });
      await runtime.close();
      await provider.close();
    }
  }, 60_000);
});

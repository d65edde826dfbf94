import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { defineAction, defineConnector } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { loadHostConfig } from "../src/config/host-config.js";
import { createHostLogger } from "../src/runtime/create-logger.js";
import { type HostRuntime, openHostRuntime } from "../src/runtime/open-host-runtime.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: the connector clock test is skipped (PGlite reads the process's clock).");

const BEHIND_MS = 90_000;
/** The time as the database (on this machine) has it, whatever `Date.now` is made to say. */
const databaseNow = () => performance.timeOrigin + performance.now();
const ORGANIZATION = "org_clock";

const acmeConnector = (provider: string) =>
  defineConnector({
    id: "acme-clock",
    kind: "ACME_CLOCK",
    displayName: "Acme",
    baseUrl: provider,
    auth: { type: "oauth2", tokenUrl: `${provider}/token`, scopes: ["read"] },
    connectionTest: { method: "GET", path: "/me" },
    actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
  });

describe.skipIf(!baseUrl)("a host whose clock runs 90 s behind the database's, with live connectors", () => {
  let database: ScratchDatabase;
  let provider: ProviderServer;
  let runtime: HostRuntime;

  beforeAll(async () => {
    database = await createScratchDatabase(baseUrl as string, "connector_clock");
    provider = await startProviderServer((request) =>
      request.path === "/token" ? { status: 200, json: { access_token: "fresh", expires_in: 3600, token_type: "Bearer" } } : { status: 200, json: { ok: true } },
    );
    const config = loadHostConfig({ DATABASE_URL: database.url, NEONHUB_CONNECTORS_MODE: "live", NEONHUB_CREDENTIALS_KEY: randomBytes(32).toString("base64") });
    const logger = createHostLogger({ logLevel: "warn" }, new Writable({ write: (_chunk, _encoding, done) => done() }));
    // This process's own clock, the one everything in it reads unless told otherwise.
    vi.spyOn(Date, "now").mockImplementation(() => databaseNow() - BEHIND_MS);
    runtime = await openHostRuntime(config, logger, { connectors: [acmeConnector(provider.url)] });
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    vi.restoreAllMocks();
    await provider?.close();
    await database?.drop();
  });

  it("refreshes a token by its expiry on the database's clock, the one the connection service stores it by", async () => {
    // 30 s left by the database's clock (within the refresh margin), 2 minutes by the host's own.
    await runtime.credentials!.put({ organizationId: ORGANIZATION, connector: "acme-clock", authType: "oauth2", credentials: { accessToken: "stale", refreshToken: "refresh" }, expiresAt: new Date(databaseNow() + 30_000) });
    await runtime.connectors.callConnection("acme-clock", ORGANIZATION, "test");
    expect(provider.requests.map((request) => request.path)).toEqual(["/token", "/me"]);
    expect(provider.requests.at(-1)?.headers.authorization).toBe("Bearer fresh");
    const stored = await runtime.credentials!.get(ORGANIZATION, "acme-clock");
    expect(Math.abs((stored?.expiresAt?.getTime() ?? 0) - (databaseNow() + 3_600_000))).toBeLessThan(5_000);
  });
});

import { createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createMemoryCredentialStore } from "../auth/memory-credential-store.js";
import { isConnectorBaseUrlError } from "../sdk/connector-base-url-error.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { type ProviderServer, startProviderServer } from "../testing/provider-server.js";
import { createConnectorClient } from "./create-connector-client.js";

const US6_KEY = "3f9a1c7e0b2d4a6f8e1c3b5d7f9a0e2c-us6";
const EU1_KEY = "0c2e4a6b8d1f3e5a7c9b2d4f6a8c0e1b-eu1";
const lists = { lists: [{ id: "4ca5becb8d", name: "Newsletter" }], total_items: 1 };

type Credential = (name: string) => string | undefined;

/** A Mailchimp-like connector: the API key's suffix names the data center, each one served here by a local server. */
function mailerConnector(baseUrlFrom: (credential: Credential) => string) {
  return defineConnector({
    id: "mailer",
    kind: "MAILER",
    displayName: "Mailer",
    baseUrl: "https://data-center-not-derived.invalid",
    baseUrlFrom,
    auth: { type: "bearer", field: "apiKey" },
    connectionTest: { method: "GET", path: "/ping" },
    actions: {
      listAudiences: defineAction({
        description: "Lists the account's audiences",
        input: z.object({}),
        output: z.object({ names: z.array(z.string()) }),
        repeatSafety: "safe",
        run: async (_input, ctx) => ({ names: ((await ctx.http.request({ method: "GET", path: "/lists" })).body as typeof lists).lists.map((list) => list.name) }),
        fixture: () => ({ names: ["Mocked"] }),
      }),
    },
  });
}

/** The data center a key ends in (`-us6`), as Mailchimp's keys do. */
const dataCenterOf = (key: string | undefined): string => {
  const dataCenter = /-([a-z]+\d+)$/.exec(key ?? "")?.[1];
  if (dataCenter === undefined) throw new Error(`The API key ${key} ends in no data center.`);
  return dataCenter;
};

const connection = (organizationId: string, credentials: Record<string, string>) => ({ organizationId, connector: "mailer", authType: "bearer" as const, credentials, expiresAt: null });

describe("a base URL derived from the connection's credentials", () => {
  const servers: ProviderServer[] = [];
  const start = async () => {
    const server = await startProviderServer((request) => (request.path.endsWith("/lists") ? { status: 200, json: lists } : { status: 200, json: { health_status: "Everything's Chimpy!" } }));
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("sends each connection's calls and connection test to the host its credentials name, over the declared default", async () => {
    const [us6, eu1] = [await start(), await start()];
    const dataCenters: Record<string, string> = { us6: us6.url, eu1: eu1.url };
    const connector = mailerConnector((credential) => `${dataCenters[dataCenterOf(credential("apiKey"))]}/3.0`);
    const credentials = createMemoryCredentialStore({ connections: [connection("org_us", { apiKey: US6_KEY }), connection("org_eu", { apiKey: EU1_KEY })] });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector], credentials });

    await expect(client.invoke(connector, "listAudiences", {}, { organizationId: "org_us" })).resolves.toEqual({ names: ["Newsletter"] });
    await expect(client.invoke(connector, "listAudiences", {}, { organizationId: "org_eu" })).resolves.toEqual({ names: ["Newsletter"] });
    await expect(client.callConnection("mailer", "org_eu", "test")).resolves.toMatchObject({ status: 200 });

    expect(us6.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([["GET", "/3.0/lists", `Bearer ${US6_KEY}`]]);
    expect(eu1.requests.map((request) => [request.method, request.path, request.headers.authorization])).toEqual([
      ["GET", "/3.0/lists", `Bearer ${EU1_KEY}`],
      ["GET", "/3.0/ping", `Bearer ${EU1_KEY}`],
    ]);
    await client.close();
  });

  it("lets the connection's baseUrl, then the client's baseUrls, win over the derivation, which is then not called", async () => {
    const [own, gateway] = [await start(), await start()];
    const baseUrlFrom = vi.fn(() => "https://us6.api.mailer.invalid/3.0");
    const connector = mailerConnector(baseUrlFrom);
    const credentials = createMemoryCredentialStore({ connections: [connection("org_own", { apiKey: US6_KEY, baseUrl: own.url }), connection("org_us", { apiKey: US6_KEY })] });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector], credentials, baseUrls: { mailer: gateway.url } });

    await client.invoke(connector, "listAudiences", {}, { organizationId: "org_own" });
    await client.invoke(connector, "listAudiences", {}, { organizationId: "org_us" });
    await client.callConnection("mailer", "org_us", "test");

    expect(own.requests.map((request) => request.path)).toEqual(["/lists"]);
    expect(gateway.requests.map((request) => request.path)).toEqual(["/lists", "/ping"]);
    expect(baseUrlFrom).not.toHaveBeenCalled();
    await client.close();
  });

  it.each([
    ["throws", "threw", (credential: Credential): string => {
      throw new Error(`The API key ${credential("apiKey")} names no data center this connector knows.`);
    }, /baseUrlFrom threw/],
    ["returns a relative path", "invalid_url", () => "/3.0", /not an absolute URL/],
    ["returns no string", "invalid_url", () => 6 as unknown as string, /not an absolute URL/],
    ["returns plain http to a public host", "invalid_url", (credential: Credential) => `http://${dataCenterOf(credential("apiKey"))}.api.mailer.test/3.0`, /not https:\/\//],
    ["returns a URL holding the API key as its user name", "invalid_url", (credential: Credential) => `https://${credential("apiKey")}@${dataCenterOf(credential("apiKey"))}.api.mailer.test/3.0`, /holds a user name or password/],
  ])("fails with CONFIGURATION_INVALID naming the connector, sending nothing, when baseUrlFrom %s", async (_case, reason, derive, problem) => {
    const server = await start();
    const logger = createRecordingLogger();
    const baseUrlFrom = vi.fn(derive);
    const connector = mailerConnector(baseUrlFrom);
    const credentials = createMemoryCredentialStore({ connections: [connection("org_us", { apiKey: US6_KEY })] });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 }, connectors: [connector], credentials, logger });

    const error = await client.invoke(connector, "listAudiences", {}, { organizationId: "org_us" }).catch((caught: unknown) => caught);
    const testError = await client.callConnection("mailer", "org_us", "test").catch((caught: unknown) => caught);

    for (const failure of [error, testError]) {
      expect(failure).toMatchObject({ name: "ConnectorBaseUrlError", code: "CONFIGURATION_INVALID", isRetryable: false, connector: "mailer", reason, details: { connector: "mailer", reason } });
      expect((failure as Error).message).toMatch(/^Connector "mailer" could not derive a base URL from the connection's credentials: /);
      expect((failure as Error).message).toMatch(problem);
      expect(isConnectorBaseUrlError(failure)).toBe(true);
    }
    expect(baseUrlFrom).toHaveBeenCalledTimes(2);
    expect(server.requests).toHaveLength(0);
    // What baseUrlFrom threw quotes the key: the error and the log lines must not.
    const shown = JSON.stringify([error, (error as Error).message, (error as Error).stack, (error as Error).cause, logger.lines]);
    expect(shown).not.toContain(US6_KEY);
    expect((await credentials.get("org_us", "mailer"))?.lastError).toMatch(/could not derive a base URL/);
    await client.close();
  });

  it.each(["REVOKED", "EXPIRED"] as const)("is not called for a %s connection, which is refused for what it is", async (status) => {
    const server = await start();
    const baseUrlFrom = vi.fn((credential: Credential) => `https://${dataCenterOf(credential("apiKey"))}.api.mailer.test/3.0`);
    const connector = mailerConnector(baseUrlFrom);
    const credentials = createMemoryCredentialStore({ connections: [{ ...connection("org_us", { apiKey: "revoked-key-without-data-center" }), status }] });
    const client = createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector], credentials });

    const error = await client.invoke(connector, "listAudiences", {}, { organizationId: "org_us" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: "ConnectorAuthError", code: "UNAUTHORIZED", reason: status === "REVOKED" ? "revoked" : "needs_reauth" });
    expect(baseUrlFrom).not.toHaveBeenCalled();
    expect(server.requests).toHaveLength(0);
    await client.close();
  });

  it("is not called in mock mode, which sends nothing", async () => {
    const baseUrlFrom = vi.fn(() => dataCenterOf("no-data-center"));
    const connector = mailerConnector(baseUrlFrom);
    const credentials = createMemoryCredentialStore({ connections: [connection("org_us", { apiKey: "no-data-center" })] });
    const client = createConnectorClient({ mode: "mock", environment: {}, connectors: [connector], credentials });

    await expect(client.invoke(connector, "listAudiences", {}, { organizationId: "org_us" })).resolves.toEqual({ names: ["Mocked"] });
    await expect(client.callConnection("mailer", "org_us", "test")).resolves.toMatchObject({ status: 200 });
    expect(baseUrlFrom).not.toHaveBeenCalled();
    await client.close();
  });
});

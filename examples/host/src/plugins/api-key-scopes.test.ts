import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector } from "@neonhub/connectors";
import { isNeonhubError } from "@neonhub/core";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_SCOPES, type ApiScope } from "../auth/api-scopes.js";
import { issueApiKey } from "../auth/issue-api-key.js";
import { createMemoryApiKeyStore } from "../auth/memory-api-key-store.js";
import { createConnectionService } from "../connections/connection-service.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { apiKeyAuth } from "./api-key-auth-plugin.js";

const RUN_ID = "00000000-0000-4000-8000-000000000000";
const SCHEDULE_ID = "00000000-0000-4000-8000-000000000001";

/** One request per route, with the scope it needs. */
const ROUTES: Array<{ scope: ApiScope; method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; url: string; payload?: object }> = [
  { scope: "runs:read", method: "GET", url: "/v1/runs" },
  { scope: "runs:read", method: "GET", url: `/v1/runs/${RUN_ID}` },
  { scope: "runs:read", method: "GET", url: "/v1/runs/summary" },
  { scope: "runs:read", method: "GET", url: "/v1/agents" },
  { scope: "runs:read", method: "GET", url: "/v1/connectors" },
  { scope: "runs:write", method: "POST", url: "/v1/runs", payload: { agent: "echo", input: { text: "x" } } },
  { scope: "runs:write", method: "POST", url: `/v1/runs/${RUN_ID}/cancel` },
  { scope: "runs:write", method: "POST", url: `/v1/runs/${RUN_ID}/signals/approval`, payload: { payload: null } },
  { scope: "schedules:read", method: "GET", url: "/v1/schedules" },
  { scope: "schedules:read", method: "GET", url: `/v1/schedules/${SCHEDULE_ID}` },
  { scope: "schedules:write", method: "POST", url: "/v1/schedules", payload: { agent: "echo", cron: "0 6 * * *", timeZone: "UTC", input: { text: "x" } } },
  { scope: "schedules:write", method: "PATCH", url: `/v1/schedules/${SCHEDULE_ID}`, payload: { enabled: false } },
  { scope: "schedules:write", method: "DELETE", url: `/v1/schedules/${SCHEDULE_ID}` },
  { scope: "connections:read", method: "GET", url: "/v1/connections" },
  { scope: "connections:write", method: "PUT", url: "/v1/connections/slack", payload: { credentials: { accessToken: "xoxb-scoped-0000000000" } } },
  { scope: "connections:write", method: "DELETE", url: "/v1/connections/slack" },
  { scope: "connections:write", method: "POST", url: "/v1/connections/slack/test" },
  { scope: "connections:write", method: "POST", url: "/v1/connections/slack/revoke" },
];

describe("API key scopes", () => {
  let host: TestHost;
  const keys = new Map<ApiScope, string>();

  beforeAll(async () => {
    const store = createMemoryCredentialStore();
    const connectors = createConnectorClient({ mode: "mock", environment: {}, connectors: [slackConnector], credentials: store });
    const connections = createConnectionService({ store, states: createMemoryOAuthStateStore(), connectors, oauthClients: {}, redirectUri: null, returnUrls: [] });
    host = await createTestHost({ connections });
    for (const scope of API_SCOPES) {
      keys.set(scope, (await issueApiKey(host.apiKeyStore, { organizationId: "org_alpha", userId: `user_${scope}`, name: scope, scopes: [scope] })).key);
    }
  });
  afterAll(() => host.app.close());

  it.each(ROUTES)("$method $url needs $scope: refused with 403 for a key of any other scope, before anything happens", async (route) => {
    for (const scope of API_SCOPES) {
      const response = await host.app.inject({ method: route.method, url: route.url, headers: { authorization: `Bearer ${keys.get(scope)}` }, ...(route.payload ? { payload: route.payload } : {}) });
      if (scope === route.scope) {
        expect(response.statusCode, `${scope} on ${route.method} ${route.url}`).not.toBe(403);
      } else {
        expect(response.statusCode, `${scope} on ${route.method} ${route.url}`).toBe(403);
        expect(response.json()).toMatchObject({ status: 403, code: "FORBIDDEN", detail: expect.stringContaining(`\`${route.scope}\``) });
      }
    }
  });

  it("starts no run, schedule or connection for a read-only key", async () => {
    const organizationId = "org_readonly";
    const reader = { authorization: `Bearer ${(await issueApiKey(host.apiKeyStore, { organizationId, userId: "auditor", name: "audit", scopes: ["runs:read", "schedules:read", "connections:read"] })).key}` };
    const writes = [
      await host.app.inject({ method: "POST", url: "/v1/runs", headers: reader, payload: { agent: "echo", input: { text: "x" }, async: true } }),
      await host.app.inject({ method: "POST", url: "/v1/schedules", headers: reader, payload: { agent: "echo", cron: "0 6 * * *", timeZone: "UTC", input: { text: "x" } } }),
      await host.app.inject({ method: "PUT", url: "/v1/connections/slack", headers: reader, payload: { credentials: { accessToken: "xoxb-reader-0000000000" } } }),
    ];
    expect(writes.map((response) => response.statusCode)).toEqual([403, 403, 403]);
    const read = async (url: string) => (await host.app.inject({ method: "GET", url, headers: reader })).json();
    expect(await read("/v1/runs")).toMatchObject({ runs: [] });
    expect(await read("/v1/schedules")).toMatchObject({ schedules: [] });
    expect(await read("/v1/connections")).toEqual({ connections: [] });
  });

  it("gives a key issued without scopes every scope, and refuses unknown or empty scopes", async () => {
    const store = createMemoryApiKeyStore();
    expect((await issueApiKey(store, { organizationId: "org", userId: "user", name: "all" })).record.scopes).toEqual([...API_SCOPES]);
    for (const scopes of [["runs:read", "admin"], []]) {
      const refused = await issueApiKey(store, { organizationId: "org", userId: "user", name: "bad", scopes }).catch((error: unknown) => error);
      expect(isNeonhubError(refused, "VALIDATION_FAILED"), String(refused)).toBe(true);
    }
  });

  it("refuses to register a protected route that names no scope", async () => {
    const app = Fastify();
    const failure = await (async () => {
      await app.register(apiKeyAuth, { apiKeyStore: createMemoryApiKeyStore() });
      await app.register(async (v1) => {
        v1.addHook("onRoute", v1.checkRouteScope);
        v1.addHook("onRequest", v1.authenticate);
        v1.addHook("onRequest", v1.requireScope);
        v1.get("/forgotten", async () => ({}));
      });
      await app.ready();
    })().then(() => null, (error: unknown) => error);
    expect(isNeonhubError(failure, "CONFIGURATION_INVALID"), String(failure)).toBe(true);
    expect(String(failure)).toContain("GET /forgotten");
    await app.close().catch(() => undefined);
  });
});

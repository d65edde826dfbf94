import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector, stripeConnector } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionService } from "../connections/connection-service.js";
import { createHostLogger } from "../runtime/create-logger.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

const SLACK_TOKEN = "xoxb-canary-7f3a9c2e51d04b86";
const STRIPE_KEY = "sk_test_canary_4c1d8e7b2a9f6350";
const STRIPE_KEY_OF_UNSTORABLE_MESSAGE = "sk_test_cut_9e2b7d4f1a6c3805";
// A provider's message holding what no store keeps: half an emoji's surrogate pair and a NUL.
const UNSTORABLE_MESSAGE = "Invalid API Key near \uD83D and \u0000 here";

describe("connection routes", () => {
  let host: TestHost;
  let provider: ProviderServer;
  let store: CredentialStore;
  let connectors: ReturnType<typeof createConnectorClient>;
  const logLines: string[] = [];

  beforeAll(async () => {
    provider = await startProviderServer((request) => {
      if (request.path === "/auth.test") {
        return request.headers.authorization === `Bearer ${SLACK_TOKEN}` ? { status: 200, json: { ok: true, team: "T1" } } : { status: 200, json: { ok: false, error: "invalid_auth" } };
      }
      if (request.path === "/auth.revoke") return { status: 200, json: { ok: true, revoked: true } };
      if (request.path === "/v1/balance") {
        const message = request.headers.authorization === `Bearer ${STRIPE_KEY_OF_UNSTORABLE_MESSAGE}` ? UNSTORABLE_MESSAGE : "Invalid API Key provided";
        return { status: 401, json: { error: { type: "invalid_request_error", message } } };
      }
      return { status: 404, json: {} };
    });
    store = createMemoryCredentialStore();
    connectors = createConnectorClient({
      mode: "live",
      environment: {},
      retry: false,
      connectors: [slackConnector, stripeConnector],
      credentials: store,
      baseUrls: { slack: provider.url, stripe: provider.url },
    });
    const connections = createConnectionService({ store, states: createMemoryOAuthStateStore(), connectors, oauthClients: {}, redirectUri: null, returnUrls: [] });
    host = await createTestHost({ connections, logger: createHostLogger({ logLevel: "trace" }, { write: (line: string) => void logLines.push(line) }) });
  });
  afterAll(async () => {
    await host.app.close();
    await provider.close();
  });

  const put = (headers: { authorization: string }, connector: string, body: unknown) => host.app.inject({ method: "PUT", url: `/v1/connections/${connector}`, headers, payload: body as object });

  it("stores a bearer connection without echoing it, lists it with its status, and only for its organization", async () => {
    const created = await put(host.alpha, "slack", { credentials: { accessToken: SLACK_TOKEN } });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ connector: "slack", authType: "bearer", status: "ACTIVE", lastUsedAt: null, lastError: null });
    expect(created.body).not.toContain(SLACK_TOKEN);
    const listed = await host.app.inject({ method: "GET", url: "/v1/connections", headers: host.alpha });
    expect(listed.json().connections.map((connection: { connector: string }) => connection.connector)).toEqual(["slack"]);
    expect(listed.body).not.toContain(SLACK_TOKEN);
    const other = await host.app.inject({ method: "GET", url: "/v1/connections", headers: host.beta });
    expect(other.json()).toEqual({ connections: [] });
    expect((await store.get("org_alpha", "slack"))?.credentials).toEqual({ accessToken: SLACK_TOKEN });
  });

  it("refuses credentials that do not fit the connector's auth spec, naming fields and never values, and stores nothing", async () => {
    const missing = await put(host.beta, "slack", { credentials: { apiKey: SLACK_TOKEN } });
    expect(missing.statusCode).toBe(400);
    expect(missing.headers["content-type"]).toContain("application/problem+json");
    expect(missing.json()).toMatchObject({ code: "VALIDATION_FAILED" });
    expect(missing.json().fieldErrors.map((error: { path: string }) => error.path).sort()).toEqual(["body.credentials.accessToken", "body.credentials.apiKey"]);
    expect(missing.body).not.toContain(SLACK_TOKEN);
    const wrongType = await put(host.beta, "slack", { authType: "basic", credentials: { accessToken: "x" } });
    expect(wrongType.json().fieldErrors).toContainEqual(expect.objectContaining({ path: "body.authType" }));
    const insecureBase = await put(host.beta, "slack", { credentials: { accessToken: "x", baseUrl: "http://169.254.169.254" } });
    expect(insecureBase.json().fieldErrors).toContainEqual(expect.objectContaining({ path: "body.credentials.baseUrl" }));
    // A line break would split the header it travels in; a token outside visible ASCII cannot be sent as one.
    const injected = await put(host.beta, "slack", { credentials: { accessToken: `${SLACK_TOKEN}\r\nX-Injected: yes` } });
    expect(injected.statusCode).toBe(400);
    expect(injected.json().fieldErrors).toEqual([{ path: "body.credentials.accessToken", message: expect.stringContaining("control character") }]);
    expect(injected.body).not.toContain(SLACK_TOKEN);
    const nonAscii = await put(host.beta, "slack", { credentials: { accessToken: "xoxb-tökén" } });
    expect(nonAscii.json().fieldErrors).toEqual([{ path: "body.credentials.accessToken", message: expect.stringContaining("visible ASCII") }]);
    const tabbedBase = await put(host.beta, "stripe", { credentials: { apiKey: STRIPE_KEY, baseUrl: "https://api.example.com/\t" } });
    expect(tabbedBase.json().fieldErrors).toContainEqual(expect.objectContaining({ path: "body.credentials.baseUrl", message: expect.stringContaining("control character") }));
    for (const inside of ["https://169.254.169.254/latest", "https://127.0.0.1:8443", "https://[::1]/", "https://10.1.2.3", "https://localhost/", "https://[::ffff:192.168.0.1]/"]) {
      const privateBase = await put(host.beta, "stripe", { credentials: { apiKey: STRIPE_KEY, baseUrl: inside } });
      expect(privateBase.json().fieldErrors, inside).toEqual([{ path: "body.credentials.baseUrl", message: expect.stringContaining("public host") }]);
    }
    const unknown = await put(host.beta, "nope", { credentials: { accessToken: "x" } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("CONNECTOR_NOT_FOUND");
    expect(await store.list("org_beta")).toEqual([]);
  });

  it("tests a connection with the connector's declared call and records its use; another organization has none to test", async () => {
    const tested = await host.app.inject({ method: "POST", url: "/v1/connections/slack/test", headers: host.alpha });
    expect(tested.json()).toMatchObject({ connector: "slack", ok: true, providerStatus: 200, error: null });
    const call = provider.requests.filter((request) => request.path === "/auth.test").at(-1);
    expect(call?.method).toBe("POST");
    expect(call?.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    expect((await store.get("org_alpha", "slack"))?.lastUsedAt).not.toBeNull();
    const other = await host.app.inject({ method: "POST", url: "/v1/connections/slack/test", headers: host.beta });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe("CONNECTION_NOT_FOUND");
  });

  it("reports a refused test with the provider's status and records the error, without the key", async () => {
    expect((await put(host.beta, "stripe", { credentials: { apiKey: STRIPE_KEY } })).statusCode).toBe(200);
    const tested = await host.app.inject({ method: "POST", url: "/v1/connections/stripe/test", headers: host.beta });
    expect(tested.json()).toMatchObject({ connector: "stripe", ok: false, providerStatus: 401, error: { code: "UNAUTHORIZED" } });
    expect(tested.body).not.toContain(STRIPE_KEY);
    const listed = await host.app.inject({ method: "GET", url: "/v1/connections", headers: host.beta });
    expect(listed.json().connections[0]).toMatchObject({ status: "ERROR", lastError: expect.stringContaining("Invalid API Key") });
    expect(listed.body).not.toContain(STRIPE_KEY);
  });

  it("records a refused test whose provider message holds half an emoji and a NUL, with U+FFFD in their place", async () => {
    expect((await put(host.alpha, "stripe", { credentials: { apiKey: STRIPE_KEY_OF_UNSTORABLE_MESSAGE } })).statusCode).toBe(200);
    const tested = await host.app.inject({ method: "POST", url: "/v1/connections/stripe/test", headers: host.alpha });
    expect(tested.statusCode).toBe(200);
    expect(tested.json()).toMatchObject({ ok: false, providerStatus: 401, error: { code: "UNAUTHORIZED", message: expect.stringMatching(/: Invalid API Key near \uFFFD and \uFFFD here$/) } });
    const listed = await host.app.inject({ method: "GET", url: "/v1/connections", headers: host.alpha });
    expect(listed.json().connections.find((connection: { connector: string }) => connection.connector === "stripe")).toMatchObject({ status: "ERROR", lastError: expect.stringMatching(/: Invalid API Key near \uFFFD and \uFFFD here$/) });
    expect(await host.app.inject({ method: "DELETE", url: "/v1/connections/stripe", headers: host.alpha })).toMatchObject({ statusCode: 200 });
  });

  it("answers the OAuth routes with stable codes when the connector or host cannot authorize", async () => {
    const bearerOnly = await host.app.inject({ method: "POST", url: "/v1/connections/slack/authorize", headers: host.alpha, payload: { returnUrl: "https://app.example.com/done" } });
    expect(bearerOnly.statusCode).toBe(409);
    expect(bearerOnly.json().code).toBe("OAUTH_NOT_SUPPORTED");
    const noState = await host.app.inject({ method: "GET", url: "/v1/oauth/callback?code=abc" });
    expect(noState.statusCode).toBe(400);
    expect(noState.json().code).toBe("OAUTH_STATE_INVALID");
  });

  it("revokes a connection of the caller's organization only and keeps it REVOKED, unusable, until it is connected again", async () => {
    const foreign = await host.app.inject({ method: "POST", url: "/v1/connections/slack/revoke", headers: host.beta });
    expect(foreign.statusCode).toBe(404);
    const revokesBefore = provider.requests.filter((request) => request.path === "/auth.revoke").length;
    const revoked = await host.app.inject({ method: "POST", url: "/v1/connections/slack/revoke", headers: host.alpha });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ connector: "slack", status: "REVOKED", revocation: "revoked" });
    expect(provider.requests.filter((request) => request.path === "/auth.revoke")).toHaveLength(revokesBefore + 1);
    expect(await store.get("org_alpha", "slack")).toMatchObject({ status: "REVOKED" });
    const listed = (await host.app.inject({ method: "GET", url: "/v1/connections", headers: host.alpha })).json();
    expect(listed.connections).toEqual(expect.arrayContaining([expect.objectContaining({ connector: "slack", status: "REVOKED" })]));
    // No call uses a revoked connection: the typed error says to connect it again, and nothing reaches Slack.
    const callsBefore = provider.requests.length;
    await expect(connectors.invoke("slack", "postMessage", { channel: "C1", text: "hi" }, { organizationId: "org_alpha" })).rejects.toMatchObject({ code: "UNAUTHORIZED", details: expect.objectContaining({ reason: "revoked" }) });
    expect(provider.requests.length).toBe(callsBefore);
    // Revoking again asks the provider again, and the connection stays REVOKED.
    const again = await host.app.inject({ method: "POST", url: "/v1/connections/slack/revoke", headers: host.alpha });
    expect(again.json()).toEqual({ connector: "slack", status: "REVOKED", revocation: "revoked" });
    expect(provider.requests.filter((request) => request.path === "/auth.revoke")).toHaveLength(revokesBefore + 2);
    // Connecting again makes it ACTIVE.
    expect((await put(host.alpha, "slack", { credentials: { accessToken: SLACK_TOKEN } })).statusCode).toBe(200);
    expect(await store.get("org_alpha", "slack")).toMatchObject({ status: "ACTIVE" });
  });

  it("deletes a connection of the caller's organization only, revoking it at the provider", async () => {
    const foreign = await host.app.inject({ method: "DELETE", url: "/v1/connections/slack", headers: host.beta });
    expect(foreign.statusCode).toBe(404);
    expect(await store.get("org_alpha", "slack")).not.toBeNull();
    const deleted = await host.app.inject({ method: "DELETE", url: "/v1/connections/slack", headers: host.alpha });
    expect(deleted.json()).toEqual({ connector: "slack", deleted: true, revocation: "revoked" });
    expect(provider.requests.filter((request) => request.path === "/auth.revoke").at(-1)?.headers.authorization).toBe(`Bearer ${SLACK_TOKEN}`);
    expect(await store.get("org_alpha", "slack")).toBeNull();
    const stripe = await host.app.inject({ method: "DELETE", url: "/v1/connections/stripe", headers: host.beta });
    expect(stripe.json()).toEqual({ connector: "stripe", deleted: true, revocation: "not_offered" });
  });

  it("refuses an expiresAt outside years 1 to 9999 in UTC, naming body.expiresAt, and stores nothing", async () => {
    for (const expiresAt of ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", "0000-01-01T00:00:00Z", "+275760-09-13T00:00:00Z", "10000-01-01T00:00:00Z"]) {
      const refused = await put(host.beta, "stripe", { credentials: { apiKey: STRIPE_KEY }, expiresAt });
      expect(refused.statusCode, expiresAt).toBe(400);
      expect(refused.json(), expiresAt).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "body.expiresAt" }] });
    }
    expect(await store.list("org_beta")).toEqual([]);
    for (const expiresAt of ["0001-01-01T00:00:00Z", "0001-01-01T01:00:00+01:00", "9999-12-31T22:59:59.999-01:00"]) {
      const stored = await put(host.beta, "stripe", { credentials: { apiKey: STRIPE_KEY }, expiresAt });
      expect(stored.statusCode, expiresAt).toBe(200);
      expect(stored.json().expiresAt).toBe(new Date(expiresAt).toISOString());
    }
  });

  it("requires an API key on every connection route", async () => {
    for (const [method, url] of [["GET", "/v1/connections"], ["PUT", "/v1/connections/slack"], ["DELETE", "/v1/connections/slack"], ["POST", "/v1/connections/slack/test"], ["POST", "/v1/connections/slack/revoke"], ["POST", "/v1/connections/slack/authorize"]] as const) {
      expect((await host.app.inject({ method, url })).statusCode, `${method} ${url}`).toBe(401);
    }
  });

  it("never writes a credential or a callback's code and state to the logs", async () => {
    await host.app.inject({ method: "GET", url: "/v1/oauth/callback?code=code-canary-93b1&state=state-canary-5d2e" });
    const logs = logLines.join("");
    expect(logs).toContain("/v1/oauth/callback?code=[REDACTED]&state=[REDACTED]");
    for (const secret of [SLACK_TOKEN, STRIPE_KEY, "code-canary-93b1", "state-canary-5d2e"]) expect(logs).not.toContain(secret);
  });

  it("documents the connection routes in the OpenAPI document", async () => {
    const document = (await host.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/v1/connections", "/v1/connections/{connector}", "/v1/connections/{connector}/test", "/v1/connections/{connector}/revoke", "/v1/connections/{connector}/authorize", "/v1/oauth/callback"]));
  });
});

import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector, stripeConnector } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import { type CredentialStore, type OAuthStateStore, systemClock } from "@neonhub/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createExpiredGrantRevoker } from "../src/connections/expired-grant-revocation.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const OAUTH_CREDENTIALS = { accessToken: "at-mock-1", refreshToken: "rt-mock-1" };

describe("Connections of a host whose connectors are in mock mode send nothing to providers", () => {
  // Every endpoint of every connector below is this server: the authorization server's, the APIs'.
  let provider: ProviderServer;
  let store: CredentialStore;
  let states: OAuthStateStore;
  let connectors: ReturnType<typeof createConnectorClient>;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer(() => ({ status: 200, json: { ok: true } }));
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    provider.requests.length = 0;
    const connector = createOAuthTestConnector(provider.url, provider.url);
    store = createMemoryCredentialStore();
    states = createMemoryOAuthStateStore();
    connectors = createConnectorClient({ mode: "mock", environment: {}, connectors: [connector, slackConnector, stripeConnector], baseUrls: { slack: provider.url, stripe: provider.url } });
    const connections = createOAuthTestService(connector, { store, states, connectors });
    host = await createTestHost({ connections });
  });
  afterEach(() => host.app.close());

  const put = (connector: string, credentials: Record<string, string>) =>
    host.app.inject({ method: "PUT", url: `/v1/connections/${connector}`, headers: host.alpha, payload: { credentials } });

  it("deletes and revokes without a revocation request, answering revoked where the provider offers revocation and not_offered where it does not", async () => {
    expect((await put("acme-oauth", OAUTH_CREDENTIALS)).statusCode).toBe(200);
    const revoked = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/revoke", headers: host.alpha });
    expect(revoked.json()).toEqual({ connector: "acme-oauth", status: "REVOKED", revocation: "revoked" });
    const deleted = await host.app.inject({ method: "DELETE", url: "/v1/connections/acme-oauth", headers: host.alpha });
    expect(deleted.json()).toEqual({ connector: "acme-oauth", deleted: true, revocation: "revoked" });

    // A connector's own revocation call (Slack's auth.revoke) answers the same; Stripe offers no revocation.
    await put("slack", { accessToken: "xoxb-mock-1" });
    await put("stripe", { apiKey: "sk_test_mock_1" });
    expect((await host.app.inject({ method: "DELETE", url: "/v1/connections/slack", headers: host.alpha })).json()).toEqual({ connector: "slack", deleted: true, revocation: "revoked" });
    expect((await host.app.inject({ method: "DELETE", url: "/v1/connections/stripe", headers: host.alpha })).json()).toEqual({ connector: "stripe", deleted: true, revocation: "not_offered" });

    expect(provider.requests).toEqual([]);
  });

  it("refuses to start an OAuth authorization, storing no state, and refuses the callback of one started in live mode without exchanging its code", async () => {
    const started = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers: host.alpha, payload: { returnUrl: "https://app.example.com/settings/acme" } });
    expect(started.statusCode).toBe(409);
    expect(started.json()).toMatchObject({ code: "OAUTH_MOCK_MODE" });
    expect(await states.deleteExpired(new Date(Date.now() + 24 * 3_600_000))).toBe(0);

    // As a host in live mode stores it when the authorization starts; the host was restarted in mock mode since.
    await states.create({
      state: "state-from-live-mode",
      organizationId: "org_alpha",
      userId: "user_alpha",
      connector: "acme-oauth",
      codeVerifier: "v".repeat(43),
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrl: "https://app.example.com/settings/acme",
      completion: "callback",
      expiresAt: new Date(Date.now() + 600_000),
    });
    const callback = await host.app.inject({ method: "GET", url: "/v1/oauth/callback?code=code-1&state=state-from-live-mode" });
    expect(callback.statusCode).toBe(409);
    expect(callback.json()).toMatchObject({ code: "OAUTH_MOCK_MODE" });
    expect(await states.consume("state-from-live-mode")).toBeNull();
    expect(await store.list("org_alpha")).toEqual([]);
    expect(provider.requests).toEqual([]);
  });

  it("leaves a grant that expired unconfirmed in live mode kept, and would revoke its tokens without a request", async () => {
    // As a host in live mode keeps it after a callback of confirm completion; nobody confirmed it before the restart.
    const grant = {
      organizationId: "org_gamma",
      userId: "user_gamma",
      connector: "acme-oauth",
      tokens: OAUTH_CREDENTIALS,
      tokensExpireAt: null,
      expiresAt: new Date(Date.now() - 60_000),
    };
    await states.createGrant({ grant: "grant-from-live-mode", ...grant });
    // The sweep runs where the code flow does, which mock mode refuses first.
    const started = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers: host.alpha, payload: { returnUrl: "https://app.example.com/settings/acme" } });
    expect(started.json()).toMatchObject({ code: "OAUTH_MOCK_MODE" });
    const [kept] = await states.consumeExpiredGrants!(new Date(), 10);
    expect(kept).toEqual(grant);

    const revoke = createExpiredGrantRevoker({ store, connectors, oauthClients: { "acme-oauth": { clientId: "client-1", clientSecret: "secret-1" } }, clock: systemClock, allowInsecureOAuthRequests: true });
    expect(await revoke(kept!)).toBe("mock_mode");
    expect(provider.requests).toEqual([]);
  });
});

import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, defineAction, defineConnector } from "@neonhub/connectors";
import type { CredentialStore, OAuthStateStore } from "@neonhub/core";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import { createManualClock } from "@neonhub/core/testing";
import { CredentialsUnreadableError } from "@neonhub/persistence-prisma";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createConnectionService, type ConnectionService } from "./connection-service.js";

const acme = defineConnector({
  id: "acme",
  kind: "ACME",
  displayName: "Acme",
  baseUrl: "https://api.acme.test",
  auth: { type: "oauth2", tokenUrl: "https://auth.acme.test/token", authorizationUrl: "https://auth.acme.test/authorize", scopes: ["read", "write"], authorizationParameters: { access_type: "offline" } },
  actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
});

const alpha = { organizationId: "org_alpha", userId: "user_alpha" };
const START = Date.UTC(2026, 11, 4, 12);

describe("connection service: the OAuth 2.0 authorization refusals", () => {
  let store: CredentialStore;
  let states: OAuthStateStore;
  let service: ConnectionService;
  const clock = createManualClock(START);

  beforeEach(() => {
    store = createMemoryCredentialStore();
    states = createMemoryOAuthStateStore();
    service = createConnectionService({
      store,
      states,
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [acme], credentials: store }),
      oauthClients: { acme: { clientId: "client-1", clientSecret: "secret-1" } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
      clock,
      stateTtlMs: 600_000,
    });
  });

  const start = async () => {
    const { authorizationUrl } = await service.authorize(alpha, "acme", "https://app.example.com/settings/acme");
    return new URL(authorizationUrl);
  };
  const callbackOf = (state: string) => new URLSearchParams({ code: "code-1", state });

  it("answers the provider URL with scopes, parameters, an S256 challenge and a state, and keeps the verifier", async () => {
    const url = await start();
    expect(`${url.origin}${url.pathname}`).toBe("https://auth.acme.test/authorize");
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "client-1",
      redirect_uri: "https://api.example.com/v1/oauth/callback",
      scope: "read write",
      access_type: "offline",
      code_challenge_method: "S256",
    });
    expect(url.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const pending = await states.consume(url.searchParams.get("state") as string);
    expect(pending).toMatchObject({ ...alpha, connector: "acme", returnUrl: "https://app.example.com/settings/acme", expiresAt: new Date(START + 600_000) });
    expect(pending?.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });

  it("refuses a return URL outside the allowlist before storing any state", async () => {
    for (const returnUrl of ["https://evil.example.com/settings/", "https://app.example.com/other", "https://user:pw@app.example.com/settings/x", "javascript:alert(1)"]) {
      await expect(service.authorize(alpha, "acme", returnUrl)).rejects.toMatchObject({ code: "RETURN_URL_NOT_ALLOWED", status: 400 });
    }
    expect(await states.deleteExpired(new Date(START + 10 * 600_000))).toBe(0);
  });

  it("refuses a reused state, an unknown one, an expired one and a missing verifier, storing nothing", async () => {
    const state = (await start()).searchParams.get("state") as string;
    await states.consume(state);
    await expect(service.callback(callbackOf(state), null)).rejects.toMatchObject({ code: "OAUTH_STATE_INVALID" });
    await expect(service.callback(new URLSearchParams({ code: "x" }), null)).rejects.toMatchObject({ code: "OAUTH_STATE_INVALID" });

    const late = (await start()).searchParams.get("state") as string;
    await clock.advance(600_000);
    await expect(service.callback(callbackOf(late), null)).rejects.toMatchObject({ code: "OAUTH_STATE_EXPIRED", status: 400 });
    // An expired state is spent too: asking again says it is unknown.
    await expect(service.callback(callbackOf(late), null)).rejects.toMatchObject({ code: "OAUTH_STATE_INVALID" });

    // Starting another authorization sweeps the expired ones.
    const abandoned = (await start()).searchParams.get("state") as string;
    await clock.advance(600_001);
    await start();
    expect(await states.consume(abandoned)).toBeNull();

    await states.create({ state: "no-verifier-state", ...alpha, connector: "acme", codeVerifier: "", redirectUri: "https://api.example.com/v1/oauth/callback", returnUrl: "https://app.example.com/settings/", completion: "callback", expiresAt: new Date(clock.now() + 60_000) });
    await expect(service.callback(callbackOf("no-verifier-state"), null)).rejects.toMatchObject({ code: "OAUTH_PKCE_MISSING" });
    expect(await store.list("org_alpha")).toEqual([]);
  });

  it("refuses a callback carrying another organization's or user's key, and stores nothing for either", async () => {
    const state = (await start()).searchParams.get("state") as string;
    await expect(service.callback(callbackOf(state), { organizationId: "org_beta", userId: "user_beta" })).rejects.toMatchObject({ code: "OAUTH_STATE_MISMATCH", status: 403 });
    const other = (await start()).searchParams.get("state") as string;
    await expect(service.callback(callbackOf(other), { organizationId: "org_alpha", userId: "user_gone" })).rejects.toMatchObject({ code: "OAUTH_STATE_MISMATCH" });
    expect(await store.list("org_alpha")).toEqual([]);
    expect(await store.list("org_beta")).toEqual([]);
  });

  it("refuses to authorize without a configured client, and for connectors without an authorization endpoint", async () => {
    const unconfigured = createConnectionService({
      store,
      states,
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [acme], credentials: store }),
      oauthClients: {},
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
    });
    await expect(unconfigured.authorize(alpha, "acme", "https://app.example.com/settings/")).rejects.toMatchObject({ code: "OAUTH_NOT_CONFIGURED" });
    await expect(service.authorize(alpha, "missing", "https://app.example.com/settings/")).rejects.toMatchObject({ code: "CONNECTOR_NOT_FOUND" });
  });
});

describe("connection service: fields sent beside the tokens", () => {
  const ads = (tokenUrl: string) =>
    defineConnector({
      id: "ads",
      kind: "ADS",
      displayName: "Ads",
      baseUrl: "https://ads.example.test",
      auth: { type: "oauth2", tokenUrl, authorizationUrl: "https://auth.example.test/authorize", credentialHeaders: { "developer-token": "developerToken", "login-customer-id": "loginCustomerId" } },
      actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
    });
  let provider: ProviderServer;
  let tokens = 0;
  beforeAll(async () => {
    provider = await startProviderServer((request) =>
      request.path === "/token" && request.form?.grant_type === "authorization_code"
        ? { status: 200, json: { access_token: `ya29.access-${(tokens += 1)}`, refresh_token: `1//refresh-${tokens}`, expires_in: 3599, token_type: "Bearer" } }
        : { status: 400, json: { error: "invalid_request" } },
    );
  });
  afterAll(() => provider.close());

  const serviceWith = (store: CredentialStore, credentialFields?: Record<string, string>) =>
    createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [ads(`${provider.url}/token`)], credentials: store }),
      oauthClients: { ads: { clientId: "client-1", clientSecret: "secret-1", ...(credentialFields ? { credentialFields } : {}) } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
      allowInsecureOAuthRequests: true,
    });
  const connect = async (service: ConnectionService) => {
    const state = new URL((await service.authorize(alpha, "ads", "https://app.example.com/settings/ads")).authorizationUrl).searchParams.get("state") as string;
    expect((await service.callback(new URLSearchParams({ code: "code-1", state }), alpha)).location).toContain("status=connected");
  };

  it("adds the operator's configured fields to a new connection", async () => {
    const store = createMemoryCredentialStore();
    await connect(serviceWith(store, { developerToken: "operator-developer-token" }));
    expect((await store.get("org_alpha", "ads"))?.credentials).toEqual({ developerToken: "operator-developer-token", accessToken: expect.stringMatching(/^ya29\./), refreshToken: expect.stringMatching(/^1\/\//) });
  });

  it("keeps the fields of the connection it replaces, its own developer token included", async () => {
    const store = createMemoryCredentialStore();
    await store.put({ organizationId: "org_alpha", connector: "ads", authType: "oauth2", credentials: { accessToken: "ya29.old", developerToken: "organization-token", loginCustomerId: "1234567890", baseUrl: "https://ads-proxy.example.com" }, expiresAt: null });
    await connect(serviceWith(store, { developerToken: "operator-developer-token" }));
    const { credentials } = (await store.get("org_alpha", "ads"))!;
    expect(credentials).toMatchObject({ developerToken: "organization-token", loginCustomerId: "1234567890", baseUrl: "https://ads-proxy.example.com" });
    expect(credentials.accessToken).not.toBe("ya29.old");
  });

  it("stores a confirmed grant as the callback stores tokens: the kept fields, and the token expiry of the exchange", async () => {
    const store = createMemoryCredentialStore();
    await store.put({ organizationId: "org_alpha", connector: "ads", authType: "oauth2", credentials: { accessToken: "ya29.old", loginCustomerId: "1234567890" }, expiresAt: null });
    const clock = createManualClock(START);
    const service = createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [ads(`${provider.url}/token`)], credentials: store }),
      oauthClients: { ads: { clientId: "client-1", clientSecret: "secret-1", credentialFields: { developerToken: "operator-developer-token" } } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
      allowInsecureOAuthRequests: true,
      clock,
    });
    const state = new URL((await service.authorize(alpha, "ads", "https://app.example.com/settings/ads", "confirm")).authorizationUrl).searchParams.get("state") as string;
    const back = new URL((await service.callback(new URLSearchParams({ code: "code-1", state }), null)).location);
    expect(back.searchParams.get("status")).toBe("confirm");
    expect((await store.get("org_alpha", "ads"))?.credentials.accessToken).toBe("ya29.old");
    // Confirmed a minute later: the token expiry still counts from the exchange.
    await clock.advance(60_000);
    const confirmed = await service.confirm(alpha, "ads", back.searchParams.get("grant") as string);
    expect(confirmed).toMatchObject({ connector: "ads", authType: "oauth2", status: "ACTIVE", expiresAt: new Date(START + 3_599_000) });
    expect((await store.get("org_alpha", "ads"))?.credentials).toEqual({
      loginCustomerId: "1234567890",
      developerToken: "operator-developer-token",
      accessToken: expect.stringMatching(/^ya29\.access-/),
      refreshToken: expect.stringMatching(/^1\/\/refresh-/),
    });
  });

  it("refuses the code flow of a connector that names its client other than client_id", async () => {
    const store = createMemoryCredentialStore();
    const tiktokLike = { ...ads(`${provider.url}/token`), id: "clips", auth: { ...ads(`${provider.url}/token`).auth, clientIdParameter: "client_key" } } as ReturnType<typeof ads>;
    const service = createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [tiktokLike], credentials: store }),
      oauthClients: { clips: { clientId: "client-1" } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
    });
    await expect(service.authorize(alpha, "clips", "https://app.example.com/settings/clips")).rejects.toMatchObject({ code: "OAUTH_NOT_SUPPORTED" });
  });

  it("refuses an operator field the connector does not send", () => {
    expect(() => serviceWith(createMemoryCredentialStore(), { developerTokn: "typo" })).toThrow(/developerTokn/);
  });
});

/** An OAuth2 connector whose token and RFC 7009 revocation endpoints are the local provider's. */
const revocableConnector = (providerUrl: string) =>
  defineConnector({
    id: "revocable",
    kind: "REVOCABLE",
    displayName: "Revocable",
    baseUrl: providerUrl,
    auth: { type: "oauth2", tokenUrl: `${providerUrl}/token`, authorizationUrl: "https://auth.example.test/authorize", revocationUrl: `${providerUrl}/revoke` },
    actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
  });

describe("connection service: deleting a connection no configured key opens", () => {
  let provider: ProviderServer;
  beforeAll(async () => {
    provider = await startProviderServer(() => ({ status: 200, json: {} }));
  });
  afterAll(() => provider.close());

  it("deletes it without asking the provider to revoke tokens it cannot read, reporting the revocation failed", async () => {
    const revocable = revocableConnector(provider.url);
    const stored = createMemoryCredentialStore();
    await stored.put({ organizationId: "org_alpha", connector: "revocable", authType: "oauth2", credentials: { accessToken: "at", refreshToken: "rt" }, expiresAt: null });
    // As the Prisma store reads a connection sealed with a key that is no longer configured.
    const store: CredentialStore = {
      ...stored,
      get: async () => {
        throw new CredentialsUnreadableError("revocable", "key_not_configured", "0123456789abcdef");
      },
    };
    const service = createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [revocable], credentials: store }),
      oauthClients: { revocable: { clientId: "client-1", clientSecret: "secret-1" } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
      allowInsecureOAuthRequests: true,
    });

    expect(await service.remove("org_alpha", "revocable")).toEqual({ connector: "revocable", revocation: "failed" });
    expect(await stored.get("org_alpha", "revocable")).toBeNull();
    expect(provider.requests).toEqual([]);
  });
});

describe("connection service: revoking through the provider's RFC 7009 endpoint", () => {
  let provider: ProviderServer;
  beforeAll(async () => {
    provider = await startProviderServer((request) => (request.path === "/revoke" ? { status: 200, text: "" } : { status: 404, json: {} }));
  });
  afterAll(() => provider.close());

  it("revokes with the OAuth client without a redirect URI, as a host without a public URL and the connections command have none", async () => {
    const revocable = revocableConnector(provider.url);
    const store = createMemoryCredentialStore();
    await store.put({ organizationId: "org_alpha", connector: "revocable", authType: "oauth2", credentials: { accessToken: "at", refreshToken: "rt-1" }, expiresAt: null });
    const service = createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [revocable], credentials: store }),
      oauthClients: { revocable: { clientId: "client-1", clientSecret: "secret-1" } },
      redirectUri: null,
      returnUrls: [],
      allowInsecureOAuthRequests: true,
    });

    expect(await service.remove("org_alpha", "revocable")).toEqual({ connector: "revocable", revocation: "revoked" });
    expect(provider.requests).toEqual([expect.objectContaining({ path: "/revoke", form: expect.objectContaining({ token: "rt-1", token_type_hint: "refresh_token", client_id: "client-1" }) })]);
  });
});

describe("connection service: the OAuth clients it is configured with", () => {
  const apiKeyed = defineConnector({
    id: "keyed",
    kind: "KEYED",
    displayName: "Keyed",
    baseUrl: "https://api.keyed.test",
    auth: { type: "api_key", in: "header", name: "x-api-key" },
    actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
  });
  const serviceWith = (oauthClients: Record<string, { clientId: string; clientSecret: string }>) => () => {
    const store = createMemoryCredentialStore();
    return createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [acme, apiKeyed], credentials: store }),
      oauthClients,
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
    });
  };
  const client = { clientId: "client-1", clientSecret: "secret-1" };

  it("refuses a client of a connector that is not registered, naming the connectors that use OAuth", () => {
    expect(serviceWith({ acme: client, acmee: client })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: 'oauthClients.acmee names "acmee", which is not a registered connector. Connectors that use OAuth 2.0: acme.' }),
    );
  });

  it("refuses a client of a connector that does not use OAuth 2.0", () => {
    expect(serviceWith({ keyed: client })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining('oauthClients.keyed names "keyed", whose connector does not use OAuth 2.0 (auth type api_key)') }));
  });

  it("refuses a credential field the connector does not send", () => {
    const adsLike = defineConnector({ ...acme, id: "ads-like", auth: { ...acme.auth, credentialHeaders: { "developer-token": "developerToken" } } });
    const store = createMemoryCredentialStore();
    const create = () =>
      createConnectionService({
        store,
        states: createMemoryOAuthStateStore(),
        connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [adsLike], credentials: store }),
        oauthClients: { "ads-like": { ...client, credentialFields: { developerToken: "token", nope: "value" } } },
        redirectUri: null,
        returnUrls: [],
      });
    expect(create).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: 'oauthClients.ads-like.credentialFields.nope sets "nope", which is not a field the ads-like connector sends (developerToken).' }),
    );
  });

  it("takes a client of a registered OAuth 2.0 connector", () => {
    expect(serviceWith({ acme: client })).not.toThrow();
  });
});

describe("connection service: a base URL the connector derives from the credentials", () => {
  // Careless on purpose: it takes whatever follows the key's last dash as the data centre's host.
  const mailer = defineConnector({
    id: "mailer",
    kind: "MAILER",
    displayName: "Mailer",
    baseUrl: "https://data-center-not-derived.invalid",
    baseUrlFrom: (credential) => {
      const dataCenter = credential("apiKey")?.split("-").pop();
      if (dataCenter === "none") throw new Error(`The key ${credential("apiKey")} names no data centre.`);
      return dataCenter?.includes(":") ? dataCenter : `https://${dataCenter}/3.0`;
    },
    auth: { type: "bearer", field: "apiKey" },
    actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
  });
  let store: CredentialStore;
  let service: ConnectionService;
  beforeEach(() => {
    store = createMemoryCredentialStore();
    service = createConnectionService({
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [mailer], credentials: store }),
      oauthClients: {},
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
    });
  });

  it("stores credentials whose derived base URL names a public https host", async () => {
    await service.set("org_alpha", "mailer", { credentials: { apiKey: "3f9a1c7e-us6.api.mailer.example.com" } });
    expect((await store.get("org_alpha", "mailer"))?.credentials.apiKey).toBe("3f9a1c7e-us6.api.mailer.example.com");
  });

  it.each([
    ["a private address", "3f9a1c7e-10.0.0.5", "must name a public host"],
    ["the cloud metadata address", "3f9a1c7e-169.254.169.254", "must name a public host"],
    ["localhost", "3f9a1c7e-localhost", "must name a public host"],
    ["plain http", "3f9a1c7e-http://us6.api.mailer.example.com", "must be an https:// URL"],
  ])("refuses credentials whose derived base URL names %s, naming no value and storing nothing", async (_case, apiKey, problem) => {
    const refused = await service.set("org_alpha", "mailer", { credentials: { apiKey } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "credentials", message: expect.stringContaining(problem) }] });
    expect(JSON.stringify(refused)).not.toContain(apiKey);
    expect(await store.get("org_alpha", "mailer")).toBeNull();
  });

  it("refuses credentials the derivation throws on, without quoting what it threw", async () => {
    const refused = await service.set("org_alpha", "mailer", { credentials: { apiKey: "3f9a1c7e-none" } }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "credentials", message: expect.stringContaining("derives its base URL") }] });
    expect(JSON.stringify(refused)).not.toContain("3f9a1c7e");
  });

  it("does not derive from credentials that give their own baseUrl", async () => {
    await service.set("org_alpha", "mailer", { credentials: { apiKey: "3f9a1c7e-10.0.0.5", baseUrl: "https://us6.api.mailer.example.com/3.0" } });
    expect((await store.get("org_alpha", "mailer"))?.credentials.baseUrl).toBe("https://us6.api.mailer.example.com/3.0");
  });
});

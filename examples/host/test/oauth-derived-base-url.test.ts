import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore, OAuthStateStore } from "@neonhub/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const RETURN_URL = "https://app.example.com/settings/connections";
const REFRESH_TOKEN = "1//refresh-secret-7f3a";
const PUBLIC_TOKEN = "at-us6.api.acme.example.com";

describe("OAuth connections whose connector derives its base URL from the tokens", () => {
  let provider: ProviderServer;
  let nextAccessToken = "";
  let store: CredentialStore;
  let states: OAuthStateStore;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) =>
      request.path === "/token" && request.form?.grant_type === "authorization_code"
        ? { status: 200, json: { access_token: nextAccessToken, refresh_token: REFRESH_TOKEN, expires_in: 3600, token_type: "Bearer" } }
        : { status: 400, json: { error: "invalid_request" } },
    );
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    provider.requests.length = 0;
    // Careless on purpose, like a provider whose tokens end with the data centre that issued them.
    const connector = createOAuthTestConnector(provider.url, "https://data-centre-not-derived.invalid", {
      baseUrlFrom: (credential) => {
        const dataCentre = credential("accessToken")?.split("-").pop();
        if (dataCentre === "none") throw new Error(`The token ${credential("accessToken")} names no data centre.`);
        return dataCentre?.includes(":") ? dataCentre : `https://${dataCentre}/v1`;
      },
    });
    store = createMemoryCredentialStore();
    states = createMemoryOAuthStateStore();
    const connections = createOAuthTestService(connector, {
      store,
      states,
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [connector], credentials: store }),
    });
    host = await createTestHost({ connections });
  });
  afterEach(() => host.app.close());

  /** Starts an authorization with alpha's key; the provider will answer `accessToken`; answers where the callback sends the person. */
  const connect = async (completion: "callback" | "confirm", accessToken: string): Promise<URL> => {
    const started = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers: host.alpha, payload: { returnUrl: RETURN_URL, completion } });
    expect(started.statusCode).toBe(200);
    const state = new URL(started.json<{ authorizationUrl: string }>().authorizationUrl).searchParams.get("state") as string;
    nextAccessToken = accessToken;
    const callback = await host.app.inject({ method: "GET", url: "/v1/oauth/callback", query: { code: "code-1", state } });
    expect(callback.statusCode).toBe(302);
    const back = new URL(callback.headers.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    return back;
  };
  const confirm = (grant: string) => host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize/confirm", headers: host.alpha, payload: { grant } });
  const putConnection = (credentials: Record<string, string>) => store.put({ organizationId: "org_alpha", connector: "acme-oauth", authType: "oauth2", credentials, expiresAt: null });
  /** States and grants still kept: every one is expired a year from now. */
  const keptAuthorizations = () => states.deleteExpired(new Date(Date.now() + 365 * 86_400_000));
  /** What reached the connector's RFC 7009 endpoint: refused tokens are not revoked (see docs/connections.md). */
  const revocations = () => provider.requests.filter((request) => request.path === "/revoke");

  it("stores the tokens of a callback whose derived base URL names a public https host", async () => {
    const back = await connect("callback", PUBLIC_TOKEN);
    expect(Object.fromEntries(back.searchParams)).toEqual({ connector: "acme-oauth", status: "connected" });
    expect((await store.get("org_alpha", "acme-oauth"))?.credentials).toEqual({ accessToken: PUBLIC_TOKEN, refreshToken: REFRESH_TOKEN });
  });

  it.each([
    ["a private address", "at-10.0.0.5"],
    ["the cloud metadata address", "at-169.254.169.254"],
    ["localhost", "at-localhost"],
    ["plain http", "at-http://us6.api.acme.example.com"],
    ["nothing (the derivation throws)", "at-none"],
  ])("with callback completion, refuses tokens whose derived base URL names %s: back with error=base_url_refused, the connection it would replace as it was", async (_case, accessToken) => {
    await putConnection({ accessToken: "at-us1.api.acme.example.com", refreshToken: "1//old" });
    const before = await store.get("org_alpha", "acme-oauth");
    const back = await connect("callback", accessToken);
    expect(Object.fromEntries(back.searchParams)).toEqual({ connector: "acme-oauth", status: "error", error: "base_url_refused" });
    expect(await store.get("org_alpha", "acme-oauth")).toEqual(before);
    expect(await keptAuthorizations()).toBe(0);
    expect(revocations()).toEqual([]);
  });

  it("with confirm completion, refuses at the callback: no grant is kept and no connection stored", async () => {
    const back = await connect("confirm", "at-10.0.0.5");
    expect(Object.fromEntries(back.searchParams)).toEqual({ connector: "acme-oauth", status: "error", error: "base_url_refused" });
    expect(await keptAuthorizations()).toBe(0);
    expect(await store.get("org_alpha", "acme-oauth")).toBeNull();
  });

  it("refuses at the confirmation with 400 OAUTH_BASE_URL_REFUSED once the baseUrl that hid the derivation at the callback is gone; nothing is stored and the grant is spent", async () => {
    // The connection being replaced names its own host, so nothing is derived at the callback.
    await putConnection({ accessToken: "at-us1.api.acme.example.com", baseUrl: "https://eu.api.acme.example.com/v1" });
    const back = await connect("confirm", "at-10.0.0.5");
    expect(back.searchParams.get("status")).toBe("confirm");
    await store.delete("org_alpha", "acme-oauth");

    const refused = await confirm(back.searchParams.get("grant") as string);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: "OAUTH_BASE_URL_REFUSED",
      detail: "The credentials of this Acme OAuth authorization give a base URL that must name a public host, not localhost or a private, loopback or link-local address; nothing was stored.",
    });
    expect(refused.body).not.toContain("10.0.0.5");
    expect(refused.body).not.toContain(REFRESH_TOKEN);
    expect(await store.get("org_alpha", "acme-oauth")).toBeNull();
    expect((await confirm(back.searchParams.get("grant") as string)).json()).toMatchObject({ code: "OAUTH_GRANT_INVALID" });
    expect(revocations()).toEqual([]);
  });
});

import { builtInConnectors, createConnectorClient, createConnectorRegistry, createMemoryCredentialStore } from "@neonhub/connectors";
import { afterAll, describe, expect, it } from "vitest";
import { createConnectorCatalog } from "./connector-catalog.js";

const client = createConnectorClient({ registry: createConnectorRegistry({ connectors: builtInConnectors }), mode: "mock" });
const liveClient = createConnectorClient({ registry: createConnectorRegistry({ connectors: builtInConnectors }), mode: "live", environment: {}, credentials: createMemoryCredentialStore() });
afterAll(() => Promise.all([client.close(), liveClient.close()]));

describe("createConnectorCatalog", () => {
  const listed = (hasOAuthClient: (connector: string) => boolean, connectors = client, hasRedirectUri = true) =>
    new Map(createConnectorCatalog(connectors, hasOAuthClient, hasRedirectUri).list().map((entry) => [entry.id, entry]));

  it("gives each connector its auth type and the credential fields its connect form asks for", () => {
    const catalog = listed(() => false);
    expect(catalog.get("stripe")?.auth).toEqual({ type: "bearer", fields: ["apiKey"], optionalFields: ["baseUrl"], authorize: false, test: true, revoke: false });
    expect(catalog.get("sms")?.auth).toMatchObject({ type: "basic", fields: ["accountSid", "authToken"] });
    expect(catalog.get("shopify")?.auth).toMatchObject({ type: "api_key", fields: ["accessToken"] });
    expect(catalog.get("slack")?.auth).toMatchObject({ type: "bearer", test: true, revoke: true });
    expect(catalog.get("google-ads")?.auth).toMatchObject({ type: "oauth2", fields: ["accessToken"], authorize: false });
    expect(catalog.get("google-ads")?.auth.optionalFields).toContain("refreshToken");
    expect(catalog.get("stripe")).toMatchObject({ kind: "STRIPE", mode: "mock", implemented: true });
  });

  it("offers the OAuth code flow only where the connector has an authorization URL and the host an OAuth client", () => {
    const catalog = listed((connector) => connector === "google-ads" || connector === "tiktok" || connector === "stripe", liveClient);
    expect(catalog.get("google-ads")?.auth.authorize).toBe(true);
    expect(catalog.get("youtube")?.auth.authorize).toBe(false);
    // TikTok has no authorization URL, Stripe is not OAuth: tokens are entered instead.
    expect(catalog.get("tiktok")?.auth.authorize).toBe(false);
    expect(catalog.get("stripe")?.auth.authorize).toBe(false);
  });

  it("offers no OAuth code flow on a host without a callback URL, which refuses it", () => {
    expect(listed(() => true, liveClient, false).get("google-ads")?.auth.authorize).toBe(false);
    expect(listed(() => true, liveClient, true).get("google-ads")?.auth.authorize).toBe(true);
  });

  it("offers no OAuth code flow in mock mode, which refuses it", () => {
    expect(listed(() => true).get("google-ads")?.auth.authorize).toBe(false);
  });

  it("offers revocation where deleting a connection asks the provider: at an RFC 7009 endpoint with the host's OAuth client, or with the connector's own call", () => {
    const revokedThroughOAuth = ["x", "google-ads", "google-search-console", "youtube", "reddit"];
    const withClients = listed((connector) => revokedThroughOAuth.includes(connector));
    const withoutClients = listed(() => false);
    for (const connector of revokedThroughOAuth) {
      expect(withClients.get(connector)?.auth.revoke, connector).toBe(true);
      // Without the host's client the RFC 7009 endpoint cannot be asked, and these connectors have no call of their own.
      expect(withoutClients.get(connector)?.auth.revoke, connector).toBe(false);
    }
    expect(withoutClients.get("slack")?.auth.revoke).toBe(true);
    expect(withoutClients.get("facebook")?.auth.revoke).toBe(true);
    expect(listed(() => true).get("tiktok")?.auth.revoke).toBe(false);
  });

  it("lists platform kinds no connector implements with their auth type and no fields", () => {
    const withPlanned = {
      registry: client.registry,
      catalog: () => [...client.catalog(), { id: "planned", kind: "PLANNED", displayName: "Planned", authType: "oauth2" as const, actions: [], implemented: false, source: "platform", mode: "mock" as const }],
    };
    const planned = createConnectorCatalog(withPlanned, () => true, true)
      .list()
      .find((entry) => entry.id === "planned");
    expect(planned).toMatchObject({ implemented: false, auth: { type: "oauth2", fields: [], optionalFields: [], authorize: false, test: false, revoke: false } });
  });
});

import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector, stripeConnector } from "@neonhub/connectors";
import { type ProviderAnswer, type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore } from "@neonhub/core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

describe("Revoking a connection already REVOKED answers what the provider says now", () => {
  // Slack's API and the OAuth connector's authorization server at once.
  let provider: ProviderServer;
  /** Tokens Slack has revoked: it refuses them from then on, auth.revoke included. */
  const revokedAtSlack = new Set<string>();
  /** What Slack answers to auth.revoke of a token it still accepts. */
  let slackRevokeAnswer: ProviderAnswer;
  /** What the RFC 7009 endpoint answers. */
  let rfc7009Answer: ProviderAnswer;
  let store: CredentialStore;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) => {
      if (request.path === "/revoke") return rfc7009Answer;
      if (request.path !== "/auth.revoke") return { status: 404, json: {} };
      const token = (request.headers.authorization ?? "").replace(/^Bearer /, "");
      if (revokedAtSlack.has(token)) return { status: 200, json: { ok: false, error: "invalid_auth" } };
      if (typeof slackRevokeAnswer === "object" && (slackRevokeAnswer.json as { ok?: boolean }).ok === true) revokedAtSlack.add(token);
      return slackRevokeAnswer;
    });
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    provider.requests.length = 0;
    revokedAtSlack.clear();
    slackRevokeAnswer = { status: 200, json: { ok: true, revoked: true } };
    rfc7009Answer = { status: 200, text: "" };
    const connector = createOAuthTestConnector(provider.url, provider.url);
    store = createMemoryCredentialStore();
    const connections = createOAuthTestService(connector, {
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector, slackConnector, stripeConnector], credentials: store, baseUrls: { slack: provider.url, stripe: provider.url } }),
    });
    host = await createTestHost({ connections });
    await store.put({ organizationId: "org_alpha", connector: "stripe", authType: "bearer", credentials: { apiKey: "sk_test_repeat_1" }, expiresAt: null });
    await store.put({ organizationId: "org_alpha", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb-repeat-1" }, expiresAt: null });
    await store.put({ organizationId: "org_alpha", connector: "acme-oauth", authType: "oauth2", credentials: { accessToken: "at-repeat-1", refreshToken: "rt-repeat-1" }, expiresAt: null });
  });
  afterEach(() => host.app.close());

  const revoke = async (connector: string) => (await host.app.inject({ method: "POST", url: `/v1/connections/${connector}/revoke`, headers: host.alpha })).json().revocation as string;
  const requestsTo = (path: string) => provider.requests.filter((request) => request.path === path).length;

  it("answers not_offered every time where the provider offers no revocation", async () => {
    expect([await revoke("stripe"), await revoke("stripe")]).toEqual(["not_offered", "not_offered"]);
    expect(provider.requests).toEqual([]);
    expect(await store.get("org_alpha", "stripe")).toMatchObject({ status: "REVOKED" });
  });

  it("asks Slack again, and counts the token it now refuses as invalid_auth as revoked, as deleting the connection then does", async () => {
    expect([await revoke("slack"), await revoke("slack")]).toEqual(["revoked", "revoked"]);
    expect((await host.app.inject({ method: "DELETE", url: "/v1/connections/slack", headers: host.alpha })).json()).toEqual({ connector: "slack", deleted: true, revocation: "revoked" });
    expect(requestsTo("/auth.revoke")).toBe(3);
  });

  it("retries a revocation that failed, at Slack and at an RFC 7009 endpoint, and answers what the provider says", async () => {
    slackRevokeAnswer = { status: 200, json: { ok: false, error: "internal_error" } };
    rfc7009Answer = { status: 503, json: { error: "temporarily_unavailable" } };
    expect([await revoke("slack"), await revoke("acme-oauth")]).toEqual(["failed", "failed"]);
    slackRevokeAnswer = { status: 200, json: { ok: true, revoked: true } };
    rfc7009Answer = { status: 200, text: "" };
    expect([await revoke("slack"), await revoke("acme-oauth")]).toEqual(["revoked", "revoked"]);
    // RFC 7009 answers 200 for a token already revoked.
    expect(await revoke("acme-oauth")).toBe("revoked");
    expect([requestsTo("/auth.revoke"), requestsTo("/revoke")]).toEqual([2, 3]);
    expect(await store.get("org_alpha", "acme-oauth")).toMatchObject({ status: "REVOKED" });
  });

  it("counts a refused token as revoked only on a connection this host revoked before, and no other refusal", async () => {
    // Revoked at Slack by someone else: this host never asked, so it cannot tell that from a token Slack cannot read.
    revokedAtSlack.add("xoxb-repeat-1");
    expect(await revoke("slack")).toBe("failed");
    await store.put({ organizationId: "org_alpha", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb-repeat-2" }, expiresAt: null });
    expect(await revoke("slack")).toBe("revoked");
    revokedAtSlack.delete("xoxb-repeat-2");
    slackRevokeAnswer = { status: 200, json: { ok: false, error: "missing_scope" } };
    expect(await revoke("slack")).toBe("failed");
  });
});

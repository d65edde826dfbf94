import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore } from "@neonhub/connectors";
import { type ProviderAnswer, type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore } from "@neonhub/core";
import { createManualClock, type ManualClock } from "@neonhub/core/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PROVIDER_REVOCATION_TIMEOUT_MS } from "../src/connections/provider-deadline.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const CREDENTIALS = { accessToken: "at-1", refreshToken: "1//refresh-secret-7f3a" };

describe("Deleting or revoking a connection waits for the provider's RFC 7009 revocation endpoint 5 seconds of the host's clock at most", () => {
  let provider: ProviderServer;
  let revokeAnswer: ProviderAnswer;
  /** Called when the provider receives a revocation request. */
  let onRevocation: () => void;
  let clock: ManualClock;
  let store: CredentialStore;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) => {
      if (request.path !== "/revoke") return { status: 400, json: { error: "invalid_request" } };
      onRevocation();
      return revokeAnswer;
    });
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    revokeAnswer = "hang";
    onRevocation = () => undefined;
    provider.requests.length = 0;
    clock = createManualClock(Date.UTC(2026, 11, 7, 9));
    const connector = createOAuthTestConnector(provider.url, "https://api.acme.example.com");
    store = createMemoryCredentialStore();
    const connections = createOAuthTestService(connector, {
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [connector], credentials: store }),
      clock,
    });
    host = await createTestHost({ connections });
    await store.put({ organizationId: "org_alpha", connector: "acme-oauth", authType: "oauth2", credentials: CREDENTIALS, expiresAt: null });
  });
  afterEach(() => host.app.close());

  /**
   * Sends the request, waits until the provider holds its revocation, and checks that nothing is answered 1 ms
   * before the deadline; answers the response once the deadline has passed.
   */
  const answeredAtTheDeadline = async (method: "DELETE" | "POST", url: string) => {
    const revocationReceived = new Promise<void>((resolve) => {
      onRevocation = resolve;
    });
    let answered = false;
    const answer = host.app.inject({ method, url, headers: host.alpha }).then((response) => {
      answered = true;
      return response;
    });
    await revocationReceived;
    await clock.advance(PROVIDER_REVOCATION_TIMEOUT_MS - 1);
    expect(answered).toBe(false);
    await clock.advance(1);
    return answer;
  };

  it("DELETE answers revocation failed at 5,000 ms, and the connection is deleted", async () => {
    expect(PROVIDER_REVOCATION_TIMEOUT_MS).toBe(5_000);
    const deleted = await answeredAtTheDeadline("DELETE", "/v1/connections/acme-oauth");
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ connector: "acme-oauth", deleted: true, revocation: "failed" });
    expect(await store.get("org_alpha", "acme-oauth")).toBeNull();
    expect(provider.requests.filter((request) => request.path === "/revoke")).toEqual([expect.objectContaining({ form: expect.objectContaining({ token: CREDENTIALS.refreshToken, token_type_hint: "refresh_token" }) })]);
  });

  it("POST revoke answers revocation failed at 5,000 ms, and the connection is REVOKED", async () => {
    const revoked = await answeredAtTheDeadline("POST", "/v1/connections/acme-oauth/revoke");
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ connector: "acme-oauth", status: "REVOKED", revocation: "failed" });
    expect(await store.get("org_alpha", "acme-oauth")).toMatchObject({ status: "REVOKED", credentials: CREDENTIALS });
  });

  it("DELETE answers revocation revoked when the provider answers before the deadline", async () => {
    revokeAnswer = { status: 200, text: "" };
    const deleted = await host.app.inject({ method: "DELETE", url: "/v1/connections/acme-oauth", headers: host.alpha });
    expect(deleted.json()).toEqual({ connector: "acme-oauth", deleted: true, revocation: "revoked" });
  });
});

import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore } from "@neonhub/connectors";
import { type ProviderAnswer, type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore } from "@neonhub/core";
import { createManualClock, type ManualClock } from "@neonhub/core/testing";
import type { InjectOptions } from "fastify";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CODE_EXCHANGE_TIMEOUT_MS, PROVIDER_REVOCATION_TIMEOUT_MS } from "../src/connections/provider-deadline.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const CREDENTIALS = { accessToken: "at-1", refreshToken: "1//refresh-secret-7f3a" };
const RETURN_URL = "https://app.example.com/settings/connections";

describe("The host waits for a provider's OAuth endpoints a bounded time of its own clock", () => {
  let provider: ProviderServer;
  let revokeAnswer: ProviderAnswer;
  /** Called when the provider receives a revocation request. */
  let onRevocation: () => void;
  /** Called when the provider receives a code exchange, which it never answers. */
  let onExchange: () => void;
  let clock: ManualClock;
  let store: CredentialStore;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) => {
      if (request.path === "/token") {
        onExchange();
        return "hang";
      }
      if (request.path !== "/revoke") return { status: 400, json: { error: "invalid_request" } };
      onRevocation();
      return revokeAnswer;
    });
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    revokeAnswer = "hang";
    onRevocation = () => undefined;
    onExchange = () => undefined;
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
   * Sends the request, waits until the provider holds the call it makes (`received`), and checks that nothing is
   * answered 1 ms before the deadline; answers the response once the deadline has passed.
   */
  const answeredAtTheDeadline = async (request: InjectOptions, received: Promise<void>, timeoutMs: number) => {
    let answered = false;
    const answer = host.app.inject(request).then((response) => {
      answered = true;
      return response;
    });
    await received;
    await clock.advance(timeoutMs - 1);
    expect(answered).toBe(false);
    await clock.advance(1);
    return answer;
  };
  const revocationAtTheDeadline = (method: "DELETE" | "POST", url: string) => {
    const received = new Promise<void>((resolve) => {
      onRevocation = resolve;
    });
    return answeredAtTheDeadline({ method, url, headers: host.alpha }, received, PROVIDER_REVOCATION_TIMEOUT_MS);
  };

  it("DELETE answers revocation failed at 5,000 ms, and the connection is deleted", async () => {
    expect(PROVIDER_REVOCATION_TIMEOUT_MS).toBe(5_000);
    const deleted = await revocationAtTheDeadline("DELETE", "/v1/connections/acme-oauth");
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ connector: "acme-oauth", deleted: true, revocation: "failed" });
    expect(await store.get("org_alpha", "acme-oauth")).toBeNull();
    expect(provider.requests.filter((request) => request.path === "/revoke")).toEqual([expect.objectContaining({ form: expect.objectContaining({ token: CREDENTIALS.refreshToken, token_type_hint: "refresh_token" }) })]);
  });

  it("POST revoke answers revocation failed at 5,000 ms, and the connection is REVOKED", async () => {
    const revoked = await revocationAtTheDeadline("POST", "/v1/connections/acme-oauth/revoke");
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toEqual({ connector: "acme-oauth", status: "REVOKED", revocation: "failed" });
    expect(await store.get("org_alpha", "acme-oauth")).toMatchObject({ status: "REVOKED", credentials: CREDENTIALS });
  });

  it("DELETE answers revocation revoked when the provider answers before the deadline", async () => {
    revokeAnswer = { status: 200, text: "" };
    const deleted = await host.app.inject({ method: "DELETE", url: "/v1/connections/acme-oauth", headers: host.alpha });
    expect(deleted.json()).toEqual({ connector: "acme-oauth", deleted: true, revocation: "revoked" });
  });

  it("a callback sends the person back with error=timeout when the code exchange is not answered at 10,000 ms, storing nothing", async () => {
    expect(CODE_EXCHANGE_TIMEOUT_MS).toBe(10_000);
    const started = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers: host.alpha, payload: { returnUrl: RETURN_URL } });
    const state = new URL(started.json<{ authorizationUrl: string }>().authorizationUrl).searchParams.get("state") as string;
    const received = new Promise<void>((resolve) => {
      onExchange = resolve;
    });
    const callback = await answeredAtTheDeadline({ method: "GET", url: "/v1/oauth/callback", query: { code: "code-1", state } }, received, CODE_EXCHANGE_TIMEOUT_MS);
    expect(callback.statusCode).toBe(302);
    expect(Object.fromEntries(new URL(callback.headers.location as string).searchParams)).toEqual({ connector: "acme-oauth", status: "error", error: "timeout" });
    expect(await store.get("org_alpha", "acme-oauth")).toMatchObject({ status: "ACTIVE", credentials: CREDENTIALS });
  });
});

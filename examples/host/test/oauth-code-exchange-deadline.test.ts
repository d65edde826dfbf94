import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore } from "@neonhub/core";
import { createManualClock, type ManualClock } from "@neonhub/core/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CODE_EXCHANGE_TIMEOUT_MS } from "../src/connections/provider-deadline.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const RETURN_URL = "https://app.example.com/settings/connections";

describe("An OAuth callback waits for the provider's token endpoint 10 seconds of the host's clock at most", () => {
  let provider: ProviderServer;
  /** Called when the provider receives the code exchange. */
  let onExchange: () => void;
  let clock: ManualClock;
  let store: CredentialStore;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) => {
      if (request.path !== "/token") return { status: 400, json: { error: "invalid_request" } };
      onExchange();
      return "hang";
    });
  });
  afterAll(() => provider.close());

  beforeEach(async () => {
    onExchange = () => undefined;
    clock = createManualClock(Date.UTC(2026, 11, 8, 9));
    const connector = createOAuthTestConnector(provider.url, "https://api.acme.example.com");
    store = createMemoryCredentialStore();
    const connections = createOAuthTestService(connector, {
      store,
      states: createMemoryOAuthStateStore(),
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [connector], credentials: store }),
      clock,
    });
    host = await createTestHost({ connections });
  });
  afterEach(() => host.app.close());

  it("sends the person back with error=timeout at 10,000 ms, and stores nothing", async () => {
    expect(CODE_EXCHANGE_TIMEOUT_MS).toBe(10_000);
    const started = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers: host.alpha, payload: { returnUrl: RETURN_URL } });
    const state = new URL(started.json<{ authorizationUrl: string }>().authorizationUrl).searchParams.get("state") as string;
    const exchangeReceived = new Promise<void>((resolve) => {
      onExchange = resolve;
    });
    let answered = false;
    const callback = host.app.inject({ method: "GET", url: "/v1/oauth/callback", query: { code: "code-1", state } }).then((response) => {
      answered = true;
      return response;
    });
    await exchangeReceived;
    await clock.advance(CODE_EXCHANGE_TIMEOUT_MS - 1);
    expect(answered).toBe(false);
    await clock.advance(1);
    const response = await callback;
    expect(response.statusCode).toBe(302);
    expect(Object.fromEntries(new URL(response.headers.location as string).searchParams)).toEqual({ connector: "acme-oauth", status: "error", error: "timeout" });
    expect(await store.get("org_alpha", "acme-oauth")).toBeNull();
  });
});

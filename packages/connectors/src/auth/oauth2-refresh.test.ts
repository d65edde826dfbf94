import { createMemoryRunStore, createOrchestrator, defineAgent } from "@neonhub/core";
import { createManualClock, createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createConnectorClient } from "../client/create-connector-client.js";
import { xConnector } from "../connectors/x-connector.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import type { ProviderAnswer, ReceivedRequest } from "../testing/provider-server.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

const acme = defineConnector({
  id: "acme",
  kind: "ACME",
  displayName: "Acme",
  baseUrl: "https://api.acme.test",
  auth: { type: "oauth2", tokenUrl: "https://auth.acme.test/token" },
  actions: {
    whoAmI: defineAction({
      description: "Returns the account",
      input: z.object({}),
      output: z.object({ account: z.string() }),
      repeatSafety: "safe",
      run: async (_input, ctx) => ({ account: String((await ctx.http.request({ method: "GET", path: "/me" })).body) }),
      fixture: () => ({ account: "mock" }),
    }),
    whoAmIEcho: defineAction({
      description: "Returns the account and, as some providers' introspection endpoints do, the token it used",
      input: z.object({}),
      output: z.object({ account: z.string(), note: z.string() }),
      repeatSafety: "safe",
      run: async (_input, ctx) => ({ account: String((await ctx.http.request({ method: "GET", path: "/me" })).body), note: `answered for ${ctx.credential("accessToken")}` }),
      fixture: () => ({ account: "mock", note: "mock" }),
    }),
    whoAmIVerbose: defineAction({
      description: "Returns the account and logs the token it used",
      input: z.object({}),
      output: z.object({ account: z.string() }),
      repeatSafety: "safe",
      run: async (_input, ctx) => {
        const account = String((await ctx.http.request({ method: "GET", path: "/me" })).body);
        ctx.logger.info({ used: ctx.credential("accessToken") }, `called /me with ${ctx.credential("accessToken")}`);
        return { account };
      },
      fixture: () => ({ account: "mock" }),
    }),
  },
});

const START = Date.UTC(2026, 5, 1);
const credentials = { accessToken: "at-old-111111", refreshToken: "rt-old-222222", clientId: "client-333", clientSecret: "cs-444444" };
const tokenAnswer: ProviderAnswer = { status: 200, json: { access_token: "at-new-555555", token_type: "Bearer", expires_in: 3600, refresh_token: "rt-new-666666" } };
const isToken = (request: ReceivedRequest) => request.path === "/oauth/token";
const api = (request: ReceivedRequest): ProviderAnswer =>
  request.headers.authorization === "Bearer at-new-555555" ? { status: 200, text: "acct_1" } : { status: 401, json: { error: "expired" } };

describe("OAuth2 refresh", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());

  const start = (handler: (request: ReceivedRequest) => ProviderAnswer | Promise<ProviderAnswer>, expiresAt: Date | null) =>
    startLiveHarness({ connector: acme, credentials, expiresAt, handler, client: { clock: createManualClock(START) } }).then((started) => (harness = started));

  it("refreshes before expiry, persists the rotated tokens and uses the new access token", async () => {
    await start((request) => (isToken(request) ? tokenAnswer : api(request)), new Date(START + 30_000));
    await expect(harness.client.invoke(acme, "whoAmI", {})).resolves.toEqual({ account: "acct_1" });
    const [token, call] = harness.server.requests;
    expect(token?.form).toEqual({ grant_type: "refresh_token", refresh_token: "rt-old-222222", client_id: "client-333", client_secret: "cs-444444" });
    expect(call?.headers.authorization).toBe("Bearer at-new-555555");
    const stored = await harness.store.get(harness.organizationId, "acme");
    expect(stored).toMatchObject({ version: 2, status: "ACTIVE", credentials: { accessToken: "at-new-555555", refreshToken: "rt-new-666666" } });
    expect(stored?.expiresAt?.getTime()).toBe(START + 3_600_000);
  });

  it("refreshes once after a 401 and repeats the request", async () => {
    await start((request) => (isToken(request) ? tokenAnswer : api(request)), null);
    await expect(harness.client.invoke(acme, "whoAmI", {})).resolves.toEqual({ account: "acct_1" });
    expect(harness.server.requests.map((request) => request.path)).toEqual(["/me", "/oauth/token", "/me"]);
  });

  it("asks the token endpoint once for concurrent calls of one connection", async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    await start(async (request) => (isToken(request) ? gate.then(() => tokenAnswer) : api(request)), new Date(START + 1_000));
    const calls = Array.from({ length: 5 }, () => harness.client.invoke(acme, "whoAmI", {}));
    await harness.server.waitForRequests(1);
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    openGate();
    await expect(Promise.all(calls)).resolves.toHaveLength(5);
    expect(harness.server.requests.filter(isToken)).toHaveLength(1);
    expect(harness.server.requests.filter((request) => !isToken(request)).every((request) => request.headers.authorization === "Bearer at-new-555555")).toBe(true);
  });

  it("marks the connection EXPIRED on invalid_grant and stops calling the provider", async () => {
    await start(
      (request) => (isToken(request) ? { status: 400, json: { error: "invalid_grant", error_description: "Token has been expired or revoked." } } : api(request)),
      new Date(START - 1),
    );
    const error = await harness.client.invoke(acme, "whoAmI", {}).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "needs_reauth")).toBe(true);
    expect((error as Error).message).toContain("invalid_grant");
    expect(await harness.store.get(harness.organizationId, "acme")).toMatchObject({ status: "EXPIRED", lastError: expect.stringContaining("invalid_grant") });
    const requestsBefore = harness.server.requests.length;
    const again = await harness.client.invoke(acme, "whoAmI", {}).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(again, "needs_reauth")).toBe(true);
    expect(harness.server.requests).toHaveLength(requestsBefore);
  });

  it("stores only the OAuth error code of a refused refresh, never free text from the token endpoint", async () => {
    await start(
      (request) => (isToken(request) ? { status: 400, json: { error: "invalid_grant", error_description: `refresh token ${request.form?.refresh_token} was revoked` } } : api(request)),
      new Date(START - 1),
    );
    const error = await harness.client.invoke(acme, "whoAmI", {}).catch((caught: unknown) => caught);
    const stored = await harness.store.get(harness.organizationId, "acme");
    expect(stored?.lastError).toBe("The acme token refresh was refused (invalid_grant); connect it again.");
    expect((error as Error).message).toBe(stored?.lastError);
  });

  it("stores a fixed sentence for a refusal without an OAuth error code, and an error field that is not a code", async () => {
    await start((request) => (isToken(request) ? { status: 400, json: { error: `bad client ${request.form?.client_secret}` } } : api(request)), new Date(START - 1));
    await harness.client.invoke(acme, "whoAmI", {}).catch(() => undefined);
    expect((await harness.store.get(harness.organizationId, "acme"))?.lastError).toBe("The acme token refresh was refused (HTTP 400); connect it again.");
    await harness.close();
    await start((request) => (isToken(request) ? { status: 401, json: { error: request.form?.client_secret } } : api(request)), new Date(START - 1));
    await harness.client.invoke(acme, "whoAmI", {}).catch(() => undefined);
    expect((await harness.store.get(harness.organizationId, "acme"))?.lastError).toBe("The acme token refresh was refused ([REDACTED]); connect it again.");
  });

  it("keeps the refresh token, the operator's client secret and the Basic header out of a refused refresh's lastError", async () => {
    const SECRET = "operator-client-secret-5c1d8e7b";
    harness = await startLiveHarness({
      connector: xConnector,
      credentials: { accessToken: "at-old-000000", refreshToken: "rt-canary-9a8b7c6d" },
      expiresAt: new Date(Date.now() - 1_000),
      client: { oauthClients: () => ({ clientId: "x-client", clientSecret: SECRET }) },
      // A non-compliant token endpoint (or a proxy in front of it) that quotes the request back.
      handler: (request) => (isToken(request) ? { status: 400, json: { message: `bad request: ${request.headers.authorization} ${request.body}` } } : { status: 200, json: {} }),
    });
    const error = await harness.client.invoke(xConnector, "createPost", { text: "hello" }).catch((caught: unknown) => caught);
    const stored = await harness.store.get(harness.organizationId, "x");
    expect(stored?.status).toBe("EXPIRED");
    expect(stored?.lastError).not.toContain("rt-canary-9a8b7c6d");
    expect(`${(error as Error).message} ${stored?.lastError}`).not.toContain(Buffer.from(`x-client:${SECRET}`).toString("base64"));
    expect(`${(error as Error).message} ${stored?.lastError}`).not.toContain(SECRET);
  });

  it("redacts the refreshed access token from the action's log lines", async () => {
    const logger = createRecordingLogger();
    harness = await startLiveHarness({ connector: acme, credentials, expiresAt: null, handler: (request) => (isToken(request) ? tokenAnswer : api(request)), client: { clock: createManualClock(START), logger } });
    await expect(harness.client.invoke(acme, "whoAmIVerbose", {})).resolves.toEqual({ account: "acct_1" });
    expect(harness.server.requests.filter(isToken)).toHaveLength(1);
    expect(logger.lines.some((line) => line.message?.includes("called /me with [REDACTED]"))).toBe(true);
    expect(JSON.stringify(logger.lines)).not.toContain("at-new-555555");
  });

  it("redacts a token refreshed during the call from the run's recorded tool execution", async () => {
    harness = await startLiveHarness({ connector: acme, credentials, expiresAt: null, handler: (request) => (isToken(request) ? tokenAnswer : api(request)), client: { clock: createManualClock(START) } });
    const agent = defineAgent({
      name: "introspector",
      version: "1.0.0",
      description: "Asks the provider which token it used",
      input: z.object({}),
      output: z.object({ account: z.string() }),
      handle: async (_input, ctx) => ({ account: (await harness.client.forRun(ctx).invoke(acme, "whoAmIEcho", {})).account }),
    });
    const orchestrator = createOrchestrator({ agents: [agent], store: createMemoryRunStore(), policies: { retry: { attempts: 1 } } });
    const run = await orchestrator.orchestrate({ agent: "introspector", input: {}, context: { userId: "user_1", organizationId: harness.organizationId } });
    expect(harness.server.requests.filter(isToken)).toHaveLength(1);
    const recorded = await orchestrator.getRun(harness.organizationId, run.id);
    expect(recorded?.toolExecutions[0]).toMatchObject({ status: "SUCCEEDED", output: { account: "acct_1", note: "answered for [REDACTED]" } });
    expect(JSON.stringify(recorded)).not.toContain("at-new-555555");
    await orchestrator.drain({ deadlineMs: 1_000 });
  });

  it("retries a refresh that failed with 503 and keeps the connection active", async () => {
    let tokenCalls = 0;
    const clock = createManualClock(START);
    harness = await startLiveHarness({
      connector: acme,
      credentials,
      expiresAt: new Date(START - 1),
      handler: (request) => {
        if (!isToken(request)) return api(request);
        tokenCalls += 1;
        return tokenCalls === 1 ? { status: 503, json: { error: "temporarily_unavailable" } } : tokenAnswer;
      },
      client: { clock, retry: { attempts: 2, baseDelayMs: 1_000, maxDelayMs: 1_000 } },
    });
    const call = harness.client.invoke(acme, "whoAmI", {});
    await harness.server.waitForRequests(1);
    // The retry waits its backoff on the client's clock.
    await vi.waitFor(async () => {
      await clock.advance(1_000);
      expect(tokenCalls).toBe(2);
    });
    await expect(call).resolves.toEqual({ account: "acct_1" });
    expect(tokenCalls).toBe(2);
    expect((await harness.store.get(harness.organizationId, "acme"))?.status).toBe("ACTIVE");
  });

  it("gives up on a token endpoint that does not answer with a retryable TIMEOUT, leaving the connection active", async () => {
    const clock = createManualClock(START);
    harness = await startLiveHarness({ connector: acme, credentials, expiresAt: new Date(START - 1), handler: (request) => (isToken(request) ? "hang" : api(request)), client: { clock } });
    const call = harness.client.invoke(acme, "whoAmI", {}).catch((caught: unknown) => caught);
    await harness.server.waitForRequests(1);
    await new Promise((resolve) => setImmediate(resolve));
    await clock.advance(15_000);
    expect(await call).toMatchObject({ code: "TIMEOUT", isRetryable: true });
    expect((await harness.store.get(harness.organizationId, "acme"))?.status).toBe("ACTIVE");
  });

  it("makes one refresh for two clients sharing the store, the second using the tokens the first stored", async () => {
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    await start(async (request) => (isToken(request) ? gate.then(() => tokenAnswer) : api(request)), new Date(START - 1));
    const other = createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [acme], organizationId: harness.organizationId, credentials: harness.store, baseUrls: { acme: harness.server.url }, clock: createManualClock(START) });
    const calls = [harness.client.invoke(acme, "whoAmI", {}), other.invoke(acme, "whoAmI", {})];
    await harness.server.waitForRequests(1);
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    openGate();
    await expect(Promise.all(calls)).resolves.toEqual([{ account: "acct_1" }, { account: "acct_1" }]);
    expect(harness.server.requests.filter(isToken)).toHaveLength(1);
    expect(await harness.store.get(harness.organizationId, "acme")).toMatchObject({ version: 2, credentials: { refreshToken: "rt-new-666666" } });
    await other.close();
  });
});

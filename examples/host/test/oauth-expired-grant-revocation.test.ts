import { randomBytes } from "node:crypto";
import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore } from "@neonhub/connectors";
import { type ProviderAnswer, type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import type { CredentialStore, OAuthGrantRecord, OAuthStateStore } from "@neonhub/core";
import { createManualClock, createRecordingLogger, type ManualClock, type RecordingLogger } from "@neonhub/core/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ConnectionService, ConnectionServiceOptions } from "../src/connections/connection-service.js";
import { EXPIRED_GRANTS_PER_SWEEP } from "../src/connections/expired-authorization-sweep.js";
import { DEFAULT_OAUTH_GRANT_TTL_MS } from "../src/connections/oauth-grant.js";
import { PROVIDER_REVOCATION_TIMEOUT_MS } from "../src/connections/provider-deadline.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { createOAuthTestConnector, createOAuthTestService } from "./oauth-test-connector.js";

const START = Date.UTC(2026, 11, 7, 9);
const CLIENT_FORM = { client_id: "client-1", client_secret: "secret-1" };
/** From a grant's creation to the first instant it counts as expired. */
const PAST_EXPIRY_MS = DEFAULT_OAUTH_GRANT_TTL_MS + 1;

describe("The sweep of abandoned authorizations revokes at the provider the tokens of grants nobody confirmed", () => {
  let provider: ProviderServer;
  let revokeAnswer: ProviderAnswer;
  let clock: ManualClock;
  let store: CredentialStore;
  let states: OAuthStateStore;
  let logger: RecordingLogger;
  let connections: ConnectionService;
  let host: TestHost;

  beforeAll(async () => {
    provider = await startProviderServer((request) => (request.path === "/revoke" ? revokeAnswer : { status: 404, json: { error: "not_found" } }));
  });
  afterAll(() => provider.close());

  const open = async (overrides: Partial<ConnectionServiceOptions> = {}) => {
    const connector = createOAuthTestConnector(provider.url, "https://api.acme.example.com");
    connections = createOAuthTestService(connector, {
      store,
      states,
      connectors: createConnectorClient({ mode: "live", environment: {}, connectors: [connector], credentials: store }),
      clock,
      logger,
      revokeExpiredGrants: true,
      ...overrides,
    });
    host = await createTestHost({ connections });
  };

  beforeEach(async () => {
    revokeAnswer = { status: 200, text: "" };
    provider.requests.length = 0;
    clock = createManualClock(START);
    store = createMemoryCredentialStore();
    states = createMemoryOAuthStateStore();
    logger = createRecordingLogger();
    await open();
  });
  afterEach(async () => {
    // Hanging revocations end at their deadline on the host's clock.
    await clock.advance(PROVIDER_REVOCATION_TIMEOUT_MS);
    await host.app.close();
  });

  /** A grant the callback kept for `organizationId` that nobody confirms; it expires 10 minutes from now. */
  const abandonedGrant = async (organizationId: string, tokens: Record<string, string> = { accessToken: `access-${organizationId}`, refreshToken: `refresh-${organizationId}` }) => {
    const record: OAuthGrantRecord = {
      grant: randomBytes(32).toString("base64url"),
      organizationId,
      userId: "user_starter",
      connector: "acme-oauth",
      tokens,
      tokensExpireAt: new Date(clock.now() + 3_600_000),
      expiresAt: new Date(clock.now() + DEFAULT_OAUTH_GRANT_TTL_MS),
    };
    await states.createGrant(record);
    return record;
  };
  /** Starts an authorization, which sweeps first, and answers its status code. */
  const authorize = async (headers: { authorization: string }) => {
    const response = await host.app.inject({ method: "POST", url: "/v1/connections/acme-oauth/authorize", headers, payload: { returnUrl: "https://app.example.com/settings/acme" } });
    return response.statusCode;
  };
  const revocations = () => provider.requests.filter((request) => request.path === "/revoke").map((request) => ({ method: request.method, form: request.form }));
  /** Every grant still kept, expired or not. */
  const keptGrants = async () => (await states.consumeExpiredGrants!(new Date(clock.now() + 365 * 86_400_000), 1_000)).map((grant) => grant.organizationId).sort();
  const outcomes = () => logger.lines.filter((line) => line.fields.revocation !== undefined).map((line) => [line.level, line.fields.organizationId, line.fields.revocation, line.fields.reason]);
  const everythingLogged = () => JSON.stringify(logger.lines);

  it("revokes the refresh token, or the access token when there is none, once the grant has expired, when another organization's authorization sweeps", async () => {
    await abandonedGrant("org_gamma");
    await abandonedGrant("org_delta", { accessToken: "access-only-delta" });
    // A grant is swept once it expired before the sweep's instant: at its expiry it is still kept.
    await clock.advance(DEFAULT_OAUTH_GRANT_TTL_MS);
    const notYet = await abandonedGrant("org_epsilon");
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    expect(revocations()).toEqual([]);

    await clock.advance(1);
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    expect(revocations().sort((a, b) => String(a.form?.token).localeCompare(String(b.form?.token)))).toEqual([
      { method: "POST", form: { token: "access-only-delta", token_type_hint: "access_token", ...CLIENT_FORM } },
      { method: "POST", form: { token: "refresh-org_gamma", token_type_hint: "refresh_token", ...CLIENT_FORM } },
    ]);
    expect(outcomes().sort()).toEqual([
      ["info", "org_delta", "revoked", undefined],
      ["info", "org_gamma", "revoked", undefined],
    ]);
    expect(await keptGrants()).toEqual([notYet.organizationId]);
    for (const token of ["access-only-delta", "refresh-org_gamma", "access-org_gamma"]) expect(everythingLogged()).not.toContain(token);
  });

  it("answers the request that sweeps without waiting for the provider, which gets 5 seconds of the host's clock; a failure is logged by its code alone", async () => {
    await abandonedGrant("org_gamma");
    await clock.advance(PAST_EXPIRY_MS);
    revokeAnswer = "hang";
    expect(await authorize(host.beta)).toBe(200);
    await provider.waitForRequests(1);
    expect(outcomes()).toEqual([]);
    await clock.advance(PROVIDER_REVOCATION_TIMEOUT_MS);
    await connections.revocationsSettled();
    expect(outcomes()).toEqual([["warn", "org_gamma", "failed", "TIMEOUT"]]);

    // A provider that quotes the token back in its refusal.
    await abandonedGrant("org_delta");
    await clock.advance(PAST_EXPIRY_MS);
    revokeAnswer = { status: 400, json: { error: "invalid_request", error_description: "cannot revoke refresh-org_delta" } };
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    expect(outcomes()).toEqual([
      ["warn", "org_gamma", "failed", "TIMEOUT"],
      ["warn", "org_delta", "failed", "invalid_request"],
    ]);
    expect(everythingLogged()).not.toContain("refresh-org_");
    expect(await keptGrants()).toEqual([]);
  });

  it("leaves valid the tokens of a grant whose organization has a working connection to the connector, or is connecting it again", async () => {
    await store.put({ organizationId: "org_gamma", connector: "acme-oauth", authType: "oauth2", credentials: { accessToken: "at-connected", refreshToken: "rt-connected" }, expiresAt: null });
    await store.put({ organizationId: "org_delta", connector: "acme-oauth", authType: "oauth2", credentials: { accessToken: "at-revoked", refreshToken: "rt-revoked" }, expiresAt: null, status: "REVOKED" });
    for (const organizationId of ["org_gamma", "org_delta", "org_beta"]) await abandonedGrant(organizationId);
    await clock.advance(PAST_EXPIRY_MS);
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    // A REVOKED connection works no more: only org_delta's grant is revoked.
    expect(revocations()).toEqual([{ method: "POST", form: { token: "refresh-org_delta", token_type_hint: "refresh_token", ...CLIENT_FORM } }]);
    expect(outcomes().sort()).toEqual([
      ["info", "org_beta", "same_authorization", undefined],
      ["info", "org_delta", "revoked", undefined],
      ["info", "org_gamma", "connection_kept", undefined],
    ]);
    expect(await keptGrants()).toEqual([]);
  });

  it(`takes ${EXPIRED_GRANTS_PER_SWEEP} grants a sweep, none while they are being revoked, and the rest at a later sweep`, async () => {
    const grants = Array.from({ length: EXPIRED_GRANTS_PER_SWEEP + 5 }, (_, index) => `org_${String(index).padStart(2, "0")}`);
    for (const organizationId of grants) await abandonedGrant(organizationId);
    await clock.advance(PAST_EXPIRY_MS);
    revokeAnswer = "hang";
    expect(await authorize(host.beta)).toBe(200);
    await provider.waitForRequests(EXPIRED_GRANTS_PER_SWEEP);
    expect(await authorize(host.beta)).toBe(200);
    expect(revocations()).toHaveLength(EXPIRED_GRANTS_PER_SWEEP);

    await clock.advance(PROVIDER_REVOCATION_TIMEOUT_MS);
    await connections.revocationsSettled();
    revokeAnswer = { status: 200, text: "" };
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    const revokedTokens = revocations().map((revocation) => revocation.form?.token);
    expect([...revokedTokens].sort()).toEqual(grants.map((organizationId) => `refresh-${organizationId}`));
  });

  it("lets a stopping host end the revocations it started, within their 5 seconds", async () => {
    await abandonedGrant("org_gamma");
    await clock.advance(PAST_EXPIRY_MS);
    revokeAnswer = "hang";
    expect(await authorize(host.beta)).toBe(200);
    await provider.waitForRequests(1);
    let closed = false;
    const closing = host.app.close().then(() => {
      closed = true;
    });
    for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    await clock.advance(PROVIDER_REVOCATION_TIMEOUT_MS);
    await closing;
    expect(outcomes()).toEqual([["warn", "org_gamma", "failed", "TIMEOUT"]]);
  });

  it.each([
    ["by default", undefined],
    ["turned off", false],
  ])("with revocation of expired grants %s, deletes them without revoking them", async (_case, revokeExpiredGrants) => {
    await host.app.close();
    await open({ revokeExpiredGrants });
    await abandonedGrant("org_gamma");
    await clock.advance(PAST_EXPIRY_MS);
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    expect(revocations()).toEqual([]);
    expect(await keptGrants()).toEqual([]);
  });

  it("deletes expired grants with deleteExpired, warning once, when the store predates consumeExpiredGrants", async () => {
    await host.app.close();
    const { consumeExpiredGrants: _newer, ...older } = createMemoryOAuthStateStore();
    states = older;
    await open();
    await abandonedGrant("org_gamma");
    await clock.advance(PAST_EXPIRY_MS);
    expect(await authorize(host.beta)).toBe(200);
    expect(await authorize(host.beta)).toBe(200);
    await connections.revocationsSettled();
    expect(revocations()).toEqual([]);
    expect(await states.deleteExpired(new Date(clock.now() + 365 * 86_400_000))).toBe(2);
    expect(logger.lines.filter((line) => line.level === "warn").map((line) => line.message)).toEqual([
      "The OAuth state store has no consumeExpiredGrants: expired grants are deleted without revoking their tokens at the provider",
    ]);
  });
});

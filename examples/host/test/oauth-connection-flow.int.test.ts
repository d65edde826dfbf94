import { randomBytes, randomUUID } from "node:crypto";
import { createConnectorClient, isConnectorAuthError } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import { createRecordingMetricsSink } from "@neonhub/core/testing";
import { type NeonhubDatabase, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { OAuth2Server } from "oauth2-mock-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { createConnectionService } from "../src/connections/connection-service.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { type HostProcess, PROCESS_TEST_TIMEOUT_MS, startHostProcess } from "./host-process.js";
import { createOAuthTestConnector } from "./oauth-test-connector.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the OAuth connection flow on PostgreSQL.");

const CLIENT = { clientId: "neonhub-test-client", clientSecret: `client-secret-${randomUUID()}` };
const RETURN_URL = "https://app.example.com/settings/connections";

/** Resolves once `condition` holds, checking every few milliseconds; fails after `timeoutMs` saying what it waited for. */
async function eventually(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The value of one labelled sample of a Prometheus exposition, 0 when absent. */
const sample = (exposition: string, name: string, labels: string) => Number(new RegExp(`^${name}\\{${labels}\\} (\\S+)$`, "m").exec(exposition)?.[1] ?? 0);

describe.skipIf(!baseUrl)("OAuth 2.0 connection flow over HTTP against a local authorization server, on PostgreSQL", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const encryptionKey = randomBytes(32).toString("base64");
  let databaseUrl: string;
  let scratch: ScratchDatabase | undefined;
  let database: NeonhubDatabase;
  let authorizationServer: OAuth2Server;
  let api: ProviderServer;
  let tokenGate: ProviderServer;
  const hosts: HostProcess[] = [];
  let host: TestHost;
  let hostUrl: string;
  const validAccessTokens = new Set<string>();
  const issued = { accessTokens: [] as string[], refreshTokens: [] as string[] };
  const grant = { refreshRequests: 0, revoked: false, revocations: [] as string[] };
  const metrics = createRecordingMetricsSink();
  const seenBodies: string[] = [];
  const hostLogs: string[] = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "oauth");
    databaseUrl = scratch.url;
    database = await openNeonhubDatabase({ url: databaseUrl });

    authorizationServer = new OAuth2Server();
    await authorizationServer.issuer.keys.generate("RS256");
    await authorizationServer.start(0, "127.0.0.1");
    const service = authorizationServer.service;
    service.on("beforeResponse", (response: { body: Record<string, unknown> | ""; statusCode: number }, request: { body: { grant_type?: string } }) => {
      if (request.body.grant_type === "refresh_token") grant.refreshRequests += 1;
      if (grant.revoked) {
        response.statusCode = 400;
        response.body = { error: "invalid_grant", error_description: "The grant was revoked." };
        return;
      }
      if (typeof response.body === "object") {
        response.body.expires_in = 3600;
        issued.accessTokens.push(String(response.body.access_token));
        issued.refreshTokens.push(String(response.body.refresh_token));
        validAccessTokens.add(String(response.body.access_token));
      }
    });
    service.on("beforeRevoke", (_response: unknown, request: { method?: string; url?: string }) => {
      grant.revocations.push(`${request.method} ${request.url}`);
    });
    api = await startProviderServer((request) =>
      validAccessTokens.has((request.headers.authorization ?? "").replace(/^Bearer /, "")) ? { status: 200, text: "acct_42" } : { status: 401, json: { error: "invalid_token" } },
    );

    const authorizationServerUrl = authorizationServer.issuer.url as string;
    const connector = createOAuthTestConnector(authorizationServerUrl, api.url);
    const store = database.createCredentialStore({ encryptionKey });
    const connectors = createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector], credentials: store, metrics, oauthClients: () => CLIENT });
    // The redirect URI names the port, so the app is built once the port is known: listen first on a placeholder.
    const placeholder = await createTestHost();
    await placeholder.app.listen({ host: "127.0.0.1", port: 0 });
    const port = (placeholder.app.server.address() as { port: number }).port;
    await placeholder.app.close();
    hostUrl = `http://127.0.0.1:${port}`;
    const connections = createConnectionService({
      store,
      states: database.createOAuthStateStore({ encryptionKey }),
      connectors,
      oauthClients: { [connector.id]: CLIENT },
      redirectUri: `${hostUrl}/v1/oauth/callback`,
      returnUrls: ["https://app.example.com/settings/"],
      allowInsecureOAuthRequests: true,
    });
    host = await createTestHost({ connections });
    await host.app.listen({ host: "127.0.0.1", port });
  });

  afterAll(async () => {
    for (const started of hosts) await started.terminate();
    await tokenGate?.close();
    await host?.app.close();
    await api?.close();
    await authorizationServer?.stop();
    await database?.close();
    await scratch?.drop();
  });

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${hostUrl}${path}`, { method, headers: { ...host.alpha, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await response.text();
    seenBodies.push(text);
    return { status: response.status, json: async () => JSON.parse(text) as unknown };
  };
  const storedRow = async () => (await rawQuery(`SELECT * FROM "ConnectorAuth" WHERE "organizationId" = 'org_alpha'`))[0];
  const rawQuery = async (sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };

  it("connects, calls, refreshes once across two host processes, stores the rotated token, and fails typed after the grant is revoked", async () => {
    // Authorize: the provider URL carries the connector's scopes, a state and an S256 PKCE challenge.
    const started = await call("POST", "/v1/connections/acme-oauth/authorize", { returnUrl: `${RETURN_URL}?tab=acme` });
    expect(started.status).toBe(200);
    const { authorizationUrl } = (await started.json()) as { authorizationUrl: string };
    const providerUrl = new URL(authorizationUrl);
    expect(providerUrl.searchParams.get("scope")).toBe("profile.read posts.write");
    expect(providerUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(providerUrl.searchParams.get("redirect_uri")).toBe(`${hostUrl}/v1/oauth/callback`);

    // Follow the redirects: the provider sends the browser to the callback, the callback to the return URL.
    const atProvider = await fetch(authorizationUrl, { redirect: "manual" });
    expect(atProvider.status).toBe(302);
    const callbackUrl = atProvider.headers.get("location") as string;
    expect(callbackUrl.startsWith(`${hostUrl}/v1/oauth/callback?`)).toBe(true);
    const atCallback = await fetch(callbackUrl, { redirect: "manual" });
    expect(atCallback.status).toBe(302);
    const back = new URL(atCallback.headers.get("location") as string);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    expect(Object.fromEntries(back.searchParams)).toEqual({ tab: "acme", connector: "acme-oauth", status: "connected" });
    // The state is single use: the same callback again is refused and changes nothing.
    const replayed = await fetch(callbackUrl, { redirect: "manual" });
    expect(replayed.status).toBe(400);
    const replayedBody = await replayed.text();
    seenBodies.push(replayedBody, atCallback.headers.get("location") as string);
    expect((JSON.parse(replayedBody) as { code: string }).code).toBe("OAUTH_STATE_INVALID");

    const [firstAccess] = issued.accessTokens;
    const [firstRefresh] = issued.refreshTokens;
    const row = await storedRow();
    expect(row).toMatchObject({ authType: "OAUTH2", status: "ACTIVE", version: 1 });
    expect(String(row?.encryptedCredentials)).not.toContain(firstAccess);
    expect(await rawQuery(`SELECT * FROM "OAuthState"`)).toEqual([]);

    // A live call uses the stored token; the connection test does too.
    const tested = (await (await call("POST", "/v1/connections/acme-oauth/test")).json()) as { ok: boolean };
    expect(tested).toMatchObject({ ok: true, providerStatus: 200 });
    expect(api.requests.at(-1)?.headers.authorization).toBe(`Bearer ${firstAccess}`);

    // The token expires: the provider stops accepting it and the stored expiry is in the past.
    validAccessTokens.delete(firstAccess as string);
    await rawQuery(`UPDATE "ConnectorAuth" SET "expiresAt" = now() - interval '1 minute'`);

    // Two host processes on the same database serve a run each, at once. The token endpoint holds the first refresh
    // until the other host waits for the connection's refresh claim: exactly one refresh reaches the provider.
    let releaseRefresh: () => void = () => undefined;
    const refreshHeld = new Promise<void>((resolve) => (releaseRefresh = resolve));
    tokenGate = await startProviderServer(async (request) => {
      if (request.form?.grant_type === "refresh_token") await refreshHeld;
      const answer = await fetch(`${authorizationServer.issuer.url as string}/token`, {
        method: "POST",
        headers: { "content-type": request.headers["content-type"] ?? "application/x-www-form-urlencoded", ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) },
        body: request.body,
      });
      return { status: answer.status, json: await answer.json() };
    });
    const { key } = await issueApiKey(database.apiKeyStore, { organizationId: "org_alpha", userId: "user_alpha", name: "hosts" });
    const environment = {
      DATABASE_URL: databaseUrl,
      NEONHUB_DEV_API_KEY: key,
      NEONHUB_CONNECTORS_MODE: "live",
      NEONHUB_CREDENTIALS_KEY: encryptionKey,
      NEONHUB_OAUTH_ACME_OAUTH_CLIENT_ID: CLIENT.clientId,
      NEONHUB_OAUTH_ACME_OAUTH_CLIENT_SECRET: CLIENT.clientSecret,
      NEONHUB_OAUTH_ALLOW_HTTP: "true",
      NEONHUB_SCHEDULER_INTERVAL_MS: "0",
      AUTHORIZATION_SERVER_URL: authorizationServer.issuer.url as string,
      TOKEN_URL: `${tokenGate.url}/token`,
      API_URL: api.url,
    };
    hosts.push(...(await Promise.all([startHostProcess(environment, "test/oauth-host-process.ts"), startHostProcess(environment, "test/oauth-host-process.ts")])));
    const runs = hosts.map(async (started) => {
      const response = await fetch(`${started.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ agent: "acme-account", input: {} }) });
      const text = await response.text();
      seenBodies.push(text);
      return { status: response.status, run: JSON.parse(text) as { status: string; output?: unknown } };
    });
    await eventually("one refresh at the token endpoint", () => tokenGate.requests.length === 1);
    await eventually(
      "the other host to wait for the connection's refresh claim",
      // A claim attempt that started after the claim was taken comes from the other host: the holder claims once.
      // A waiting host runs two statements per attempt, the claim and a check that the connection exists, then
      // pauses: its connection shows the last of them, so either one counts (the claim alone is seen only by chance,
      // and waiting for that chance outlasted the held refresh's own deadline).
      async () =>
        (
          await rawQuery(
            `SELECT "activity".pid FROM pg_stat_activity AS "activity" JOIN "ConnectorAuth" AS "claimed" ON "claimed"."refreshClaimId" IS NOT NULL
             WHERE "activity".datname = '${scratch?.name}' AND "activity".pid <> pg_backend_pid()
               AND ("activity".query LIKE '%SET "refreshClaimId" =%' OR "activity".query LIKE 'SELECT "public"."ConnectorAuth"."id" FROM%')
               AND "activity".query_start > "claimed"."refreshClaimedUntil" - interval '29900 milliseconds'`,
          )
        ).length > 0,
    );
    releaseRefresh();
    const finished = await Promise.all(runs);
    expect(finished).toEqual([
      { status: 200, run: expect.objectContaining({ status: "COMPLETED", output: { account: "acct_42" } }) },
      { status: 200, run: expect.objectContaining({ status: "COMPLETED", output: { account: "acct_42" } }) },
    ]);
    expect(grant.refreshRequests).toBe(1);
    expect(tokenGate.requests).toHaveLength(1);
    // One host refreshed; the other waited and used the tokens it stored.
    const expositions = await Promise.all(hosts.map(async (started) => (await fetch(`${started.url}/metrics`)).text()));
    const outcomes = (outcome: string) =>
      expositions.map((exposition) => sample(exposition, "neonhub_connection_refreshes_total", `connector="acme-oauth",outcome="${outcome}"`)).sort();
    expect(outcomes("refreshed")).toEqual([0, 1]);
    expect(outcomes("reused")).toEqual([0, 1]);
    for (const started of hosts.splice(0)) {
      expect(await started.terminate()).toBe(0);
      hostLogs.push(started.stdout(), started.stderr());
    }
    // The provider rotated the refresh token; the new one is stored with the new access token.
    const rotatedRefresh = issued.refreshTokens.at(-1) as string;
    expect(rotatedRefresh).not.toBe(firstRefresh);
    const afterRefresh = await database.createCredentialStore({ encryptionKey }).get("org_alpha", "acme-oauth");
    expect(afterRefresh).toMatchObject({ status: "ACTIVE", version: 2, credentials: { accessToken: issued.accessTokens.at(-1), refreshToken: rotatedRefresh } });

    // The person revokes the grant at the provider: the next call fails with the typed error and the connection is EXPIRED.
    grant.revoked = true;
    validAccessTokens.clear();
    const client = createConnectorClient({
      mode: "live",
      environment: {},
      retry: false,
      connectors: [createOAuthTestConnector(authorizationServer.issuer.url as string, api.url)],
      credentials: database.createCredentialStore({ encryptionKey }),
      metrics,
      oauthClients: () => CLIENT,
    });
    const failure = await client.invoke("acme-oauth", "whoAmI", {}, { organizationId: "org_alpha" }).catch((error: unknown) => error);
    await client.close();
    expect(isConnectorAuthError(failure, "needs_reauth")).toBe(true);
    expect((failure as Error).message).toContain("invalid_grant");
    expect(metrics.ofType("connectionRefreshed")).toContainEqual({ connector: "acme-oauth", outcome: "rejected" });
    const listed = (await (await call("GET", "/v1/connections")).json()) as { connections: Array<{ status: string; lastError: string }> };
    expect(listed.connections).toEqual([expect.objectContaining({ connector: "acme-oauth", status: "EXPIRED", lastError: expect.stringContaining("invalid_grant") })]);

    // Deleting revokes the refresh token at the provider (RFC 7009) and removes the row.
    const deleted = (await (await call("DELETE", "/v1/connections/acme-oauth")).json()) as { revocation: string };
    expect(deleted).toMatchObject({ deleted: true, revocation: "revoked" });
    expect(grant.revocations).toEqual(["POST /revoke"]);
    expect(await rawQuery(`SELECT * FROM "ConnectorAuth"`)).toEqual([]);

    // No token ever left the credential store in a response, an error, the host processes' logs, or any row of the
    // database (the runs and their tool executions included).
    const tables = await rawQuery(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    const stored = (await Promise.all(tables.map(async ({ table_name }) => rawQuery(`SELECT row_to_json(t)::text AS row FROM "${String(table_name)}" t`)))).flat();
    expect(stored.some((row) => String(row.row).includes("acct_42"))).toBe(true);
    expect(hostLogs.join("")).toContain("NeonHub host listening");
    const secrets = [...issued.accessTokens, ...issued.refreshTokens, CLIENT.clientSecret];
    for (const secret of secrets) {
      expect(hostLogs.join("\n")).not.toContain(secret);
      for (const row of stored) expect(String(row.row)).not.toContain(secret);
      for (const body of seenBodies) expect(body).not.toContain(secret);
      expect(JSON.stringify(failure)).not.toContain(secret);
      expect((failure as Error).message).not.toContain(secret);
    }
  });
});

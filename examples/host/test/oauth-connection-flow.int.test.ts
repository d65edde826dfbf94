import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { createConnectorClient, isConnectorAuthError } from "@neonhub/connectors";
import { type ProviderServer, startProviderServer } from "@neonhub/connectors/testing";
import { createRecordingMetricsSink } from "@neonhub/core/testing";
import { type NeonhubDatabase, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { OAuth2Server } from "oauth2-mock-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnectionService } from "../src/connections/connection-service.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { HOST_DIRECTORY, PROCESS_TEST_TIMEOUT_MS } from "./host-process.js";
import { createOAuthTestConnector } from "./oauth-test-connector.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the OAuth connection flow on PostgreSQL.");

const CLIENT = { clientId: "neonhub-test-client", clientSecret: `client-secret-${randomUUID()}` };
const RETURN_URL = "https://app.example.com/settings/connections";

/** Starts a process of its own on the database and waits until it says ready. */
function startCallProcess(environment: Record<string, string>): Promise<{ child: ChildProcessWithoutNullStreams; result: Promise<{ ok: boolean; code?: string; output?: unknown }> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "test/connection-call-process.ts"], { cwd: HOST_DIRECTORY, env: { ...process.env, ...environment } });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const result = new Promise<{ ok: boolean; code?: string }>((resolve, reject) => {
    child.on("exit", (code) => {
      const line = stdout.split("\n").find((text) => text.startsWith("{"));
      if (line) resolve(JSON.parse(line) as { ok: boolean });
      else reject(new Error(`the call process exited with ${code}: ${stderr}`));
    });
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.startsWith("ready\n")) resolve({ child, result });
    });
    child.on("exit", () => reject(new Error(`the call process exited before it was ready: ${stderr}`)));
  });
}

describe.skipIf(!baseUrl)("OAuth 2.0 connection flow over HTTP against a local authorization server, on PostgreSQL", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const databaseName = `neonhub_oauth_${randomUUID().replaceAll("-", "")}`;
  const encryptionKey = randomBytes(32).toString("base64");
  let databaseUrl: string;
  let admin: pg.Client;
  let database: NeonhubDatabase;
  let authorizationServer: OAuth2Server;
  let api: ProviderServer;
  let host: TestHost;
  let hostUrl: string;
  const validAccessTokens = new Set<string>();
  const issued = { accessTokens: [] as string[], refreshTokens: [] as string[] };
  const grant = { refreshRequests: 0, revoked: false, revocations: [] as string[] };
  const metrics = createRecordingMetricsSink();
  const seenBodies: string[] = [];

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${databaseName}`);
    const url = new URL(baseUrl as string);
    url.pathname = `/${databaseName}`;
    databaseUrl = url.toString();
    database = await openNeonhubDatabase({ url: databaseUrl, applyMigrations: true });

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
    await host?.app.close();
    await api?.close();
    await authorizationServer?.stop();
    await database?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
    await admin.end();
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

  it("connects, calls, refreshes once across two processes, stores the rotated token, and fails typed after the grant is revoked", async () => {
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

    // Two processes with their own database pools call at once: exactly one refresh reaches the provider.
    const environment = {
      DATABASE_URL: databaseUrl,
      NEONHUB_CREDENTIALS_KEY: encryptionKey,
      AUTHORIZATION_SERVER_URL: authorizationServer.issuer.url as string,
      API_URL: api.url,
      OAUTH_CLIENT_ID: CLIENT.clientId,
      OAUTH_CLIENT_SECRET: CLIENT.clientSecret,
      ORGANIZATION_ID: "org_alpha",
    };
    const processes = await Promise.all([startCallProcess(environment), startCallProcess(environment)]);
    for (const started of processes) started.child.stdin.write("go\n");
    const results = await Promise.all(processes.map((started) => started.result));
    expect(results).toEqual([
      { ok: true, output: { account: "acct_42" } },
      { ok: true, output: { account: "acct_42" } },
    ]);
    expect(grant.refreshRequests).toBe(1);
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

    // No token ever left the credential store in a response or an error.
    const secrets = [...issued.accessTokens, ...issued.refreshTokens, CLIENT.clientSecret];
    for (const secret of secrets) {
      for (const body of seenBodies) expect(body).not.toContain(secret);
      expect(JSON.stringify(failure)).not.toContain(secret);
      expect((failure as Error).message).not.toContain(secret);
    }
  });
});

import { randomBytes } from "node:crypto";
import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector } from "@neonhub/connectors";
import type { CredentialStore, OAuthStateStore } from "@neonhub/core";
import { createManualClock } from "@neonhub/core/testing";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import { OAuth2Server } from "oauth2-mock-server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { createConnectionService } from "../src/connections/connection-service.js";
import { createTestHost, type TestHost } from "../src/testing/create-test-host.js";
import { freePort } from "./free-port.js";
import { createOAuthTestConnector } from "./oauth-test-connector.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const CLIENT = { clientId: "confirm-test-client", clientSecret: `client-secret-${randomBytes(8).toString("hex")}` };
const RETURN_URL = "https://app.example.com/settings/connections";
const START = Date.UTC(2026, 11, 7, 9);
const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: the confirm completion flow runs on the memory stores only.");

/** The stores a host keeps connections and authorizations in, and their rows (`<table> <json>`) when they have any. */
interface Stores {
  credentials: CredentialStore;
  states: OAuthStateStore;
  rows(): Promise<string[]>;
  close(): Promise<void>;
}

const memoryStores = async (): Promise<Stores> => ({
  credentials: createMemoryCredentialStore(),
  states: createMemoryOAuthStateStore(),
  rows: async () => [],
  close: async () => undefined,
});

const postgresStores = async (): Promise<Stores> => {
  const scratch: ScratchDatabase = await createScratchDatabase(baseUrl as string, "oauth_confirm");
  const database: NeonhubDatabase = await openNeonhubDatabase({ url: scratch.url });
  const encryptionKey = randomBytes(32).toString("base64");
  return {
    credentials: database.createCredentialStore({ encryptionKey }),
    states: database.createOAuthStateStore({ encryptionKey }),
    rows: async () => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const rows = await client.query<{ row: string }>(
          `SELECT 'OAuthGrant ' || row_to_json(t)::text AS row FROM "OAuthGrant" t
           UNION ALL SELECT 'OAuthState ' || row_to_json(t)::text FROM "OAuthState" t
           UNION ALL SELECT 'ConnectorAuth ' || row_to_json(t)::text FROM "ConnectorAuth" t`,
        );
        return rows.rows.map((row) => row.row);
      } finally {
        await client.end();
      }
    },
    close: async () => {
      await database.close();
      await scratch.drop();
    },
  };
};

const variants: Array<[string, () => Promise<Stores>]> = [["memory stores", memoryStores], ...(baseUrl ? [["PostgreSQL", postgresStores] as [string, () => Promise<Stores>]] : [])];

describe.each(variants)("OAuth confirm completion over HTTP against a local authorization server, on %s", (_name, openStores) => {
  let authorizationServer: OAuth2Server;
  let stores: Stores;
  let host: TestHost;
  let strictHost: TestHost;
  let hostUrl: string;
  let strictHostUrl: string;
  let otherUser: { authorization: string };
  const clock = createManualClock(START);
  const issued: string[] = [];
  const seen: string[] = [];

  const listenOn = async (requireConfirm: boolean): Promise<[TestHost, string]> => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const connector = createOAuthTestConnector(authorizationServer.issuer.url as string, "https://api.acme.test");
    const connections = createConnectionService({
      store: stores.credentials,
      states: stores.states,
      connectors: createConnectorClient({ mode: "live", environment: {}, retry: false, connectors: [connector, slackConnector], credentials: stores.credentials }),
      oauthClients: { [connector.id]: CLIENT },
      redirectUri: `${url}/v1/oauth/callback`,
      returnUrls: ["https://app.example.com/settings/"],
      allowInsecureOAuthRequests: true,
      clock,
      requireConfirm,
    });
    const started = await createTestHost({ connections });
    await started.app.listen({ host: "127.0.0.1", port });
    return [started, url];
  };

  beforeAll(async () => {
    stores = await openStores();
    authorizationServer = new OAuth2Server();
    await authorizationServer.issuer.keys.generate("RS256");
    await authorizationServer.start(0, "127.0.0.1");
    authorizationServer.service.on("beforeResponse", (response: { body: Record<string, unknown> | "" }) => {
      if (typeof response.body === "object") {
        response.body.expires_in = 3600;
        issued.push(String(response.body.access_token), String(response.body.refresh_token));
      }
    });
    [host, hostUrl] = await listenOn(false);
    [strictHost, strictHostUrl] = await listenOn(true);
    const other = await issueApiKey(host.apiKeyStore, { organizationId: "org_alpha", userId: "user_other", name: "other" });
    otherUser = { authorization: `Bearer ${other.key}` };
  });

  afterAll(async () => {
    await host?.app.close();
    await strictHost?.app.close();
    await authorizationServer?.stop();
    await stores?.close();
  });

  const send = async (url: string, headers: { authorization: string }, body: unknown) => {
    const response = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify(body) });
    const text = await response.text();
    seen.push(text);
    return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
  };
  const authorize = (headers: { authorization: string }, completion?: "callback" | "confirm", url = hostUrl) =>
    send(`${url}/v1/connections/acme-oauth/authorize`, headers, { returnUrl: RETURN_URL, ...(completion === undefined ? {} : { completion }) });
  const confirm = (headers: { authorization: string }, grant: string, connector = "acme-oauth") => send(`${hostUrl}/v1/connections/${connector}/authorize/confirm`, headers, { grant });
  /** A browser without any API key opens the URL: the provider sends it to the callback, the callback to the return URL. */
  const finishInBrowser = async (authorizationUrl: string): Promise<URLSearchParams> => {
    const atProvider = await fetch(authorizationUrl, { redirect: "manual" });
    expect(atProvider.status).toBe(302);
    const atCallback = await fetch(atProvider.headers.get("location") as string, { redirect: "manual" });
    expect(atCallback.status).toBe(302);
    const back = new URL(atCallback.headers.get("location") as string);
    seen.push(back.href);
    expect(`${back.origin}${back.pathname}`).toBe(RETURN_URL);
    return back.searchParams;
  };
  /** Starts an authorization with alpha's key and hands its URL to a browser; answers what the return URL got. */
  const startAndFinish = async (completion?: "callback" | "confirm") => {
    const started = await authorize(host.alpha, completion);
    expect(started.status).toBe(200);
    return finishInBrowser(started.body.authorizationUrl as string);
  };
  const connectionOf = (organizationId: string) => stores.credentials.get(organizationId, "acme-oauth");

  it("with callback completion, a forwarded authorization URL links the person who opens it to the starter's organization", async () => {
    const back = await startAndFinish();
    expect(Object.fromEntries(back)).toEqual({ connector: "acme-oauth", status: "connected" });
    // Whoever consented, the tokens are now org_alpha's: this is the weakness confirm completion closes.
    expect((await connectionOf("org_alpha"))?.credentials.accessToken).toBe(issued.at(-2));
    await stores.credentials.delete("org_alpha", "acme-oauth");
  });

  it("with confirm completion, the forwarded URL links nothing: the other person's key gets 403, the grant is spent, neither organization has a connection", async () => {
    const back = await startAndFinish("confirm");
    expect(back.get("connector")).toBe("acme-oauth");
    expect(back.get("status")).toBe("confirm");
    const grant = back.get("grant") as string;
    expect(grant).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await connectionOf("org_alpha")).toBeNull();

    // The victim's app confirms with the victim's own key, as it would for anyone who comes back signed in.
    const refused = await confirm(host.beta, grant);
    expect(refused).toMatchObject({ status: 403, body: { code: "OAUTH_GRANT_MISMATCH" } });
    // The starter cannot take it afterwards either: a grant answers once.
    expect(await confirm(host.alpha, grant)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_INVALID" } });
    expect(await connectionOf("org_alpha")).toBeNull();
    expect(await connectionOf("org_beta")).toBeNull();
  });

  it("refuses another user of the starter's organization with 403, spending the grant", async () => {
    const grant = (await startAndFinish("confirm")).get("grant") as string;
    expect(await confirm(otherUser, grant)).toMatchObject({ status: 403, body: { code: "OAUTH_GRANT_MISMATCH" } });
    expect(await confirm(host.alpha, grant)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_INVALID" } });
    expect(await connectionOf("org_alpha")).toBeNull();
  });

  it("stores the connection when the starter confirms, once; the grant and the tokens are never stored in plain text", async () => {
    const grant = (await startAndFinish("confirm")).get("grant") as string;
    const [accessToken, refreshToken] = issued.slice(-2) as [string, string];
    const rows = await stores.rows();
    if (openStores === postgresStores) expect(rows.filter((row) => row.startsWith("OAuthGrant "))).toHaveLength(1);
    for (const row of rows) for (const secret of [grant, accessToken, refreshToken]) expect(row).not.toContain(secret);

    // A connector unknown to the host is refused before the grant is touched.
    expect(await confirm(host.alpha, grant, "nope")).toMatchObject({ status: 404, body: { code: "CONNECTOR_NOT_FOUND" } });
    const confirmed = await confirm(host.alpha, grant);
    expect(confirmed).toMatchObject({ status: 200, body: { connector: "acme-oauth", authType: "oauth2", status: "ACTIVE", expiresAt: new Date(START + 3_600_000).toISOString() } });
    expect((await connectionOf("org_alpha"))?.credentials).toEqual({ accessToken, refreshToken });
    expect(await confirm(host.alpha, grant)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_INVALID" } });
    // Nothing of the authorization is left: no state, no grant.
    expect((await stores.rows()).filter((row) => !row.startsWith("ConnectorAuth "))).toEqual([]);
    for (const body of seen) for (const secret of [accessToken, refreshToken, CLIENT.clientSecret]) expect(body).not.toContain(secret);
    await stores.credentials.delete("org_alpha", "acme-oauth");
  });

  it("refuses a grant confirmed under another connector's path, and a malformed grant, storing nothing", async () => {
    const grant = (await startAndFinish("confirm")).get("grant") as string;
    expect(await confirm(host.alpha, grant, "slack")).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_CONNECTOR_MISMATCH" } });
    expect(await confirm(host.alpha, grant)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_INVALID" } });
    const malformed = await confirm(host.alpha, `${grant}=`);
    expect(malformed).toMatchObject({ status: 400, body: { code: "VALIDATION_FAILED", fieldErrors: [expect.objectContaining({ path: "body.grant" })] } });
    expect(await stores.credentials.get("org_alpha", "slack")).toBeNull();
    expect(await connectionOf("org_alpha")).toBeNull();
  });

  it("refuses a grant confirmed 10 minutes after the callback or later, and the next authorization sweeps expired grants", async () => {
    const late = (await startAndFinish("confirm")).get("grant") as string;
    const abandoned = (await startAndFinish("confirm")).get("grant") as string;
    await clock.advance(10 * 60_000 - 1);
    const inTime = (await startAndFinish("confirm")).get("grant") as string;
    await clock.advance(1);
    expect(await confirm(host.alpha, late)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_EXPIRED" } });
    await clock.advance(1);
    expect((await authorize(host.alpha, "confirm")).status).toBe(200);
    // Swept rather than expired: the store no longer has it.
    expect(await confirm(host.alpha, abandoned)).toMatchObject({ status: 400, body: { code: "OAUTH_GRANT_INVALID" } });
    expect(await connectionOf("org_alpha")).toBeNull();
    expect(await confirm(host.alpha, inTime)).toMatchObject({ status: 200 });
    await stores.credentials.delete("org_alpha", "acme-oauth");
  });

  it("with the operator's switch, refuses an authorization that asks for callback completion or names none, and finishes one that asks for confirm", async () => {
    for (const completion of ["callback", undefined] as const) {
      const refused = await authorize(strictHost.alpha, completion, strictHostUrl);
      expect(refused).toMatchObject({ status: 400, body: { code: "OAUTH_COMPLETION_REQUIRED", detail: expect.stringContaining('"completion": "confirm"') } });
    }
    const started = await authorize(strictHost.alpha, "confirm", strictHostUrl);
    expect(started.status).toBe(200);
    const back = await finishInBrowser(started.body.authorizationUrl as string);
    expect(back.get("status")).toBe("confirm");
    expect(await connectionOf("org_alpha")).toBeNull();
  });
});

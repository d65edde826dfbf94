// `pnpm oauth:local`: the host with one more connector, `local-oauth`, whose OAuth 2.0 authorization server runs in
// this process on 127.0.0.1 (oauth2-mock-server: the code flow with PKCE checks, refresh and RFC 7009 revocation; it
// consents for the person at once). The built-in connectors keep their providers' endpoints, so this is how to try
// authorize, callback and an ACTIVE connection without a provider account (docs/connections.md).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineAction, defineConnector } from "@neonhub/connectors";
import { OAuth2Server } from "oauth2-mock-server";
import { z } from "zod";
import { runProcess } from "../src/runtime/run-process.js";
import { startHost } from "../src/runtime/start-host.js";

function localOAuthConnector(serverUrl: string) {
  return defineConnector({
    id: "local-oauth",
    kind: "LOCAL_OAUTH",
    displayName: "Local OAuth",
    baseUrl: serverUrl,
    auth: {
      type: "oauth2",
      authorizationUrl: `${serverUrl}/authorize`,
      tokenUrl: `${serverUrl}/token`,
      revocationUrl: `${serverUrl}/revoke`,
      // The server adds an id_token, whose issuer is checked against this.
      issuer: serverUrl,
      scopes: ["openid", "profile"],
    },
    connectionTest: { method: "GET", path: "/userinfo" },
    actions: {
      userInfo: defineAction({
        description: "Returns the connected account's user info",
        repeatSafety: "safe",
        input: z.object({}),
        output: z.object({ sub: z.string() }),
        run: async (_input, context) => (await context.http.request({ method: "GET", path: "/userinfo" })).body as { sub: string },
        fixture: () => ({ sub: "mock" }),
      }),
    },
  });
}

// Defaults for what the flow needs; a variable that is set wins. Nothing outlives the process unless a database is named.
const environment: Record<string, string | undefined> = { ...process.env };
const temporaryDataDirectory = environment.DATABASE_URL || environment.NEONHUB_DATA_DIR ? null : mkdtempSync(join(tmpdir(), "neonhub-local-oauth-"));
if (temporaryDataDirectory === null && !environment.NEONHUB_CREDENTIALS_KEY) {
  // A key made up for this run would seal connections that the named database keeps and no later run could open.
  process.stderr.write("With DATABASE_URL or NEONHUB_DATA_DIR set, set NEONHUB_CREDENTIALS_KEY too: the connections stored outlive this run.\n");
  process.exit(1);
}
const defaults: Record<string, string> = {
  NEONHUB_CONNECTORS_MODE: "live",
  NEONHUB_PUBLIC_URL: `http://127.0.0.1:${environment.PORT || "3000"}`,
  NEONHUB_OAUTH_ALLOW_HTTP: "true",
  NEONHUB_OAUTH_LOCAL_OAUTH_CLIENT_ID: "local-client",
  NEONHUB_OAUTH_LOCAL_OAUTH_CLIENT_SECRET: "local-secret",
  ...(temporaryDataDirectory === null ? {} : { NEONHUB_DATA_DIR: temporaryDataDirectory, NEONHUB_CREDENTIALS_KEY: randomBytes(32).toString("base64") }),
};
for (const [name, value] of Object.entries(defaults)) if (!environment[name]) environment[name] = value;
// On every way out, a failed start included.
if (temporaryDataDirectory !== null) process.on("exit", () => rmSync(temporaryDataDirectory, { recursive: true, force: true }));

runProcess(
  "host",
  async (config, logger) => {
    const server = new OAuth2Server();
    await server.issuer.keys.generate("RS256");
    await server.start(0, "127.0.0.1");
    // The server names itself `localhost`, which may resolve to ::1 where it does not listen.
    server.issuer.url = `http://127.0.0.1:${server.address().port}`;
    const host = await startHost(config, logger, undefined, { connectors: [localOAuthConnector(server.issuer.url)] });
    const data = temporaryDataDirectory === null ? "" : ` Data in ${temporaryDataDirectory}, deleted at exit.`;
    process.stdout.write(
      `\nLocal authorization server at ${server.issuer.url}.${data} Start a connection with:\n` +
        `curl -X POST -H "Authorization: Bearer $KEY" -H "content-type: application/json" -d '{"returnUrl": "${config.publicUrl}/"}' ${host.url}/v1/connections/local-oauth/authorize\n\n`,
    );
    return {
      async stop() {
        await host.stop();
        await server.stop();
      },
    };
  },
  environment,
);

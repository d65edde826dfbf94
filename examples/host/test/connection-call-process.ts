// One process of the cross-process refresh test: its own database pool and connector client. It says "ready",
// waits for a line on standard input, makes one call through the organization's connection and prints the outcome.
import { createInterface } from "node:readline";
import { createConnectorClient } from "@neonhub/connectors";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { createOAuthTestConnector } from "./oauth-test-connector.js";

const environment = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is required`);
  return value;
};

const database = await openNeonhubDatabase({ url: environment("DATABASE_URL") });
const connector = createOAuthTestConnector(environment("AUTHORIZATION_SERVER_URL"), environment("API_URL"));
const client = createConnectorClient({
  mode: "live",
  environment: {},
  retry: false,
  connectors: [connector],
  credentials: database.createCredentialStore({ encryptionKey: environment("NEONHUB_CREDENTIALS_KEY") }),
  oauthClients: () => ({ clientId: environment("OAUTH_CLIENT_ID"), clientSecret: environment("OAUTH_CLIENT_SECRET") }),
});
process.stdout.write("ready\n");
const lines = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => lines.once("line", () => resolve()));
try {
  const output = await client.invoke(connector, "whoAmI", {}, { organizationId: environment("ORGANIZATION_ID") });
  process.stdout.write(`${JSON.stringify({ ok: true, output })}\n`);
} catch (error) {
  const failure = error as { code?: string; message?: string; details?: Record<string, unknown> };
  process.stdout.write(`${JSON.stringify({ ok: false, code: failure.code, reason: failure.details?.reason, message: failure.message })}\n`);
} finally {
  lines.close();
  await client.close();
  await database.close();
}

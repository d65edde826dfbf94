import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { ConfigurationError } from "@neonhub/core";
import { createConnectorClient } from "@neonhub/connectors";
import { loadHostConfig } from "../config/host-config.js";
import { createConnectionService } from "../connections/connection-service.js";
import { openHostDatabase } from "../runtime/open-host-database.js";
import { measureDatabaseClock } from "./measure-database-clock.js";
import { misplacedOptions } from "./misplaced-options.js";
import { parseCredentialsDocument, type CredentialsDocument } from "./parse-credentials-document.js";
import { rotateCredentialsKey } from "./rotate-credentials-key.js";

const USAGE = `Manage organizations' connections to connectors (credentials stored encrypted in the configured database).

  pnpm connections list       --org <organizationId>
  pnpm connections set        --org <organizationId> --connector <id> [--file <credentials.json>]   (standard input without --file)
  pnpm connections delete     --org <organizationId> --connector <id>
  pnpm connections test       --org <organizationId> --connector <id>
  pnpm connections rotate-key

The credentials document is {"credentials": {"accessToken": "..."}, "authType"?: "bearer", "expiresAt"?: "<ISO date>"},
expiresAt from 0001-01-01 to 9999-12-31 (UTC).
NEONHUB_CREDENTIALS_KEY is the key credentials are sealed with; rotate-key re-encrypts every connection, pending
authorization and grant sealed with a key of NEONHUB_CREDENTIALS_PREVIOUS_KEYS (hosts may keep serving meanwhile),
deletes expired authorizations and grants, names the rows no configured key opens (leaving them as they were), and
exits 0 when nothing is left on another key, 1 otherwise. The database is chosen as for the host.
`;

/** The options each command takes; any other is refused. */
const OPTIONS_OF: Readonly<Record<string, readonly string[]>> = {
  list: ["org"],
  set: ["org", "connector", "file"],
  delete: ["org", "connector"],
  test: ["org", "connector"],
  "rotate-key": [],
};
const COMMANDS = Object.keys(OPTIONS_OF);

/** Runs one connections command; returns the process exit code. */
export async function runConnectionsCommand(
  argv: string[],
  environment: Record<string, string | undefined>,
  write: (text: string) => void,
  readStandardInput: () => Promise<string>,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { org: { type: "string" }, connector: { type: "string" }, file: { type: "string" }, help: { type: "boolean" } },
  });
  const command = positionals[0];
  if (values.help || !command || !COMMANDS.includes(command)) {
    write(USAGE);
    return values.help ? 0 : 2;
  }
  if (command !== "rotate-key" && (!values.org || (command !== "list" && !values.connector))) {
    write(`Missing option for "${command}".\n\n${USAGE}`);
    return 2;
  }
  // An option the command does not take is refused rather than ignored: `delete --file creds.json` reads nothing.
  const misplaced = misplacedOptions(command, values, OPTIONS_OF);
  if (misplaced.length > 0) {
    write(`"${command}" takes no ${misplaced.join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  const config = loadHostConfig(environment);
  if (config.credentialsKey === null) throw new ConfigurationError("Set NEONHUB_CREDENTIALS_KEY: connections are sealed with it.");
  // Checked before the database is opened: a bad document needs no database to be refused.
  const document = command === "set" ? parseCredentialsDocument(await (values.file ? readFile(values.file, "utf8") : readStandardInput())) : null;
  const database = await openHostDatabase(config);
  // Expiries and last uses are stored by the database's time, as the hosts store and compare them.
  const clock = await measureDatabaseClock(database, config.maxClockSkewMs);
  const store = database.createCredentialStore({ encryptionKey: config.credentialsKey, previousKeys: config.previousCredentialsKeys });
  const connectors = createConnectorClient({ mode: "live", environment: {}, credentials: store, oauthClients: (connector) => config.oauthClients[connector], clock });
  const states = database.createOAuthStateStore({ encryptionKey: config.credentialsKey, previousKeys: config.previousCredentialsKeys });
  const service = createConnectionService({
    store,
    states,
    connectors,
    oauthClients: config.oauthClients,
    redirectUri: null,
    returnUrls: [],
    clock,
  });
  const organizationId = values.org as string;
  const connector = values.connector as string;
  try {
    switch (command) {
      case "list": {
        const connections = await service.list(organizationId);
        for (const connection of connections) {
          write(
            `${connection.connector}  ${connection.authType}  ${connection.status}  lastUsed=${connection.lastUsedAt?.toISOString() ?? "never"}` +
              `${connection.lastError ? `  lastError=${JSON.stringify(connection.lastError)}` : ""}\n`,
          );
        }
        if (connections.length === 0) write(`No connections for ${organizationId}.\n`);
        return 0;
      }
      case "set": {
        const saved = await service.set(organizationId, connector, document as CredentialsDocument);
        write(`Stored the ${saved.connector} connection of ${organizationId} (${saved.authType}, ${saved.status}).\n`);
        return 0;
      }
      case "delete": {
        const deleted = await service.remove(organizationId, connector);
        write(`Deleted the ${deleted.connector} connection of ${organizationId}; revocation at the provider: ${deleted.revocation}.\n`);
        return 0;
      }
      case "test": {
        const result = await service.test(organizationId, connector);
        write(result.ok ? `${connector}: OK (${result.durationMs} ms)\n` : `${connector}: FAILED ${result.error?.code}: ${result.error?.message}\n`);
        return result.ok ? 0 : 1;
      }
      default:
        return await rotateCredentialsKey({ store, states, database }, write);
    }
  } finally {
    await connectors.close();
    await database.close();
  }
}

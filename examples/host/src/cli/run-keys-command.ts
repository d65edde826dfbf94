import { parseArgs } from "node:util";
import { issueApiKey } from "../auth/issue-api-key.js";
import { loadHostConfig } from "../config/host-config.js";
import { openHostDatabase } from "../runtime/open-host-database.js";

const USAGE = `Manage the host's API keys (stored hashed in the configured database).

  pnpm keys create --org <organizationId> --user <userId> [--name <name>] [--scope <scope>]...
  pnpm keys list   --org <organizationId>
  pnpm keys revoke --org <organizationId> --id <keyId>

Scopes (repeat --scope; every scope when none is given): runs:read, runs:write, schedules:read, schedules:write,
connections:read, connections:write.

The database is chosen as for the host: DATABASE_URL, or the embedded one in NEONHUB_DATA_DIR (./.neonhub).
`;

/** Runs one key command; returns the process exit code. */
export async function runKeysCommand(argv: string[], environment: Record<string, string | undefined>, write: (text: string) => void): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { org: { type: "string" }, user: { type: "string" }, name: { type: "string" }, id: { type: "string" }, scope: { type: "string", multiple: true }, help: { type: "boolean" } },
  });
  const command = positionals[0];
  if (values.help || !command || !["create", "list", "revoke"].includes(command)) {
    write(USAGE);
    return values.help ? 0 : 2;
  }
  if (!values.org || (command === "create" && !values.user) || (command === "revoke" && !values.id)) {
    write(`Missing option for "${command}".\n\n${USAGE}`);
    return 2;
  }
  const database = await openHostDatabase(loadHostConfig(environment));
  try {
    if (command === "create") {
      const { key, record } = await issueApiKey(database.apiKeyStore, {
        organizationId: values.org,
        userId: values.user as string,
        name: values.name ?? "api",
        ...(values.scope ? { scopes: values.scope } : {}),
      });
      write(`Created key ${record.id} for ${record.organizationId}/${record.userId}. Store it now; it is not shown again:\n${key}\n`);
      return 0;
    }
    if (command === "list") {
      const keys = await database.apiKeyStore.list(values.org);
      for (const record of keys) {
        write(`${record.id}  ${record.prefix}...  ${record.name}  user=${record.userId}  created=${record.createdAt.toISOString()}  ${record.revokedAt ? `revoked=${record.revokedAt.toISOString()}` : "active"}\n`);
      }
      if (keys.length === 0) write(`No keys for ${values.org}.\n`);
      return 0;
    }
    const revoked = await database.apiKeyStore.revoke(values.org, values.id as string);
    write(revoked ? `Revoked key ${values.id}.\n` : `No key ${values.id} in ${values.org}.\n`);
    return revoked ? 0 : 1;
  } finally {
    await database.close();
  }
}

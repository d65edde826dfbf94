import { parseArgs } from "node:util";
import { systemClock, type Clock } from "@neonhub/core";
import { issueApiKey } from "../auth/issue-api-key.js";
import { loadHostConfig } from "../config/host-config.js";
import { openHostDatabase } from "../runtime/open-host-database.js";
import { describeApiKey } from "./describe-api-key.js";
import { measureDatabaseClock } from "./measure-database-clock.js";
import { misplacedOptions } from "./misplaced-options.js";
import { parseKeyExpiry } from "./parse-key-expiry.js";

const USAGE = `Manage the host's API keys (stored hashed in the configured database).

  pnpm keys create --org <organizationId> --user <userId> [--name <name>] [--scope <scope>]...
                   [--expires-in <n>h|<n>d | --expires-at <ISO time>]
  pnpm keys list   --org <organizationId>
  pnpm keys revoke --org <organizationId> --id <keyId>

Scopes (repeat --scope; every scope when none is given): runs:read, runs:write, schedules:read, schedules:write,
connections:read, connections:write.

A key never expires unless created with --expires-in (hours or days, like 12h or 90d) or --expires-at (an ISO time
with offset, like 2027-03-01T00:00:00Z, up to 9999-12-31 UTC). list shows each key's scopes (give a successor the
same, one --scope each) and marks keys that expire within 7 days.

The database is chosen as for the host: DATABASE_URL, or the embedded one in NEONHUB_DATA_DIR (./.neonhub).
`;

/** The options each command takes; any other is refused. */
const OPTIONS_OF: Readonly<Record<string, readonly string[]>> = {
  create: ["org", "user", "name", "scope", "expires-in", "expires-at"],
  list: ["org"],
  revoke: ["org", "id"],
};

/**
 * Runs one key command; returns the process exit code. `clock` is what expiries are set and judged by: by default,
 * the database's time as measured once the database is open (the hosts judge expiry by it), this machine's clock
 * for the checks made before.
 * @throws ValidationError (`VALIDATION_FAILED`) for a bad `--expires-in` or `--expires-at`, before the database is opened.
 */
export async function runKeysCommand(argv: string[], environment: Record<string, string | undefined>, write: (text: string) => void, givenClock?: Pick<Clock, "now">): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      org: { type: "string" },
      user: { type: "string" },
      name: { type: "string" },
      id: { type: "string" },
      scope: { type: "string", multiple: true },
      "expires-in": { type: "string" },
      "expires-at": { type: "string" },
      help: { type: "boolean" },
    },
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
  // An option the command does not take is refused rather than ignored: `list --expires-in 90d` changes nothing.
  const misplaced = misplacedOptions(command, values, OPTIONS_OF);
  if (misplaced.length > 0) {
    write(`"${command}" takes no ${misplaced.join(", ")}.\n\n${USAGE}`);
    return 2;
  }
  // Checked before the database is opened, as a refused expiry must leave nothing behind.
  const expiry = { expiresIn: values["expires-in"], expiresAt: values["expires-at"] };
  if (command === "create") parseKeyExpiry(expiry, (givenClock ?? systemClock).now());
  const config = loadHostConfig(environment);
  const database = await openHostDatabase(config);
  try {
    const clock = givenClock ?? (await measureDatabaseClock(database, config.maxClockSkewMs));
    const expiresAt = command === "create" ? parseKeyExpiry(expiry, clock.now()) : null;
    if (command === "create") {
      const { key, record } = await issueApiKey(
        database.apiKeyStore,
        { organizationId: values.org, userId: values.user as string, name: values.name ?? "api", ...(values.scope ? { scopes: values.scope } : {}), expiresAt },
        { clock },
      );
      const expiry = record.expiresAt === null ? "" : `, expiring at ${record.expiresAt.toISOString()}`;
      write(`Created key ${record.id} for ${record.organizationId}/${record.userId}${expiry}. Store it now; it is not shown again:\n${key}\n`);
      return 0;
    }
    if (command === "list") {
      const keys = await database.apiKeyStore.list(values.org);
      const now = clock.now();
      for (const record of keys) write(`${describeApiKey(record, now)}\n`);
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

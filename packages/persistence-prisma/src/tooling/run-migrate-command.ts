import { parseArgs } from "node:util";
import { isNeonhubError } from "@neonhub/core";
import { resolveConnection, type DatabaseConnectionOptions, type ResolvedConnection } from "../database/connection-options.js";
import { embeddedDatabaseExists } from "../database/embedded-database-exists.js";
import { openNeonhubDatabase } from "../database/open-neonhub-database.js";
import { connectionFromEnvironment, describeConnection } from "./connection-from-environment.js";

/** What the migrate command prints to; `process.stdout`/`process.stderr` in the bin, recorders in tests. */
export interface CommandOutput {
  log(line: string): void;
  error(line: string): void;
}

export const MIGRATE_USAGE = `Usage: neonhub-migrate [--status] [--url <postgres url> | --data-dir <folder>]

Applies the committed NeonHub migrations (recorded in _prisma_migrations as \`prisma migrate deploy\` does).
The database is --url, else DATABASE_URL, else the embedded database in --data-dir, NEONHUB_DATA_DIR or ./.neonhub.
  --status   list pending migrations without applying them; exit code 1 when there are any, or when the
             embedded database's folder holds no database (which --status leaves uncreated)
  --help     show this text`;

/**
 * The `neonhub-migrate` command: applies pending migrations, or with `--status` reports them.
 * Returns the exit code: 0 done or up to date, 1 pending migrations or no embedded database with `--status` (which
 * creates none), 2 bad usage or failure.
 */
export async function runMigrateCommand(argv: string[], environment: NodeJS.ProcessEnv, output: CommandOutput): Promise<number> {
  let connection: ResolvedConnection;
  let statusOnly: boolean;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { status: { type: "boolean" }, url: { type: "string" }, "data-dir": { type: "string" }, help: { type: "boolean" } },
      strict: true,
    });
    if (values.help) {
      output.log(MIGRATE_USAGE);
      return 0;
    }
    statusOnly = values.status === true;
    const url = values.url;
    const dataDir = values["data-dir"];
    // Both given is refused by resolveConnection, as it is for openNeonhubDatabase.
    connection =
      url === undefined && dataDir === undefined
        ? connectionFromEnvironment(environment)
        : resolveConnection({ ...(url === undefined ? {} : { url }), ...(dataDir === undefined ? {} : { embedded: { dataDir } }) } as DatabaseConnectionOptions);
  } catch (error) {
    output.error(`${error instanceof Error ? error.message : String(error)}\n\n${MIGRATE_USAGE}`);
    return 2;
  }
  const name = describeConnection(connection);
  // Opening an embedded database creates it: a status check would leave an empty database behind and report every
  // migration pending, as if the folder were the one in use.
  if (statusOnly && connection.kind === "embedded" && !(await embeddedDatabaseExists(connection.dataDir))) {
    output.log(`${name}: no database there (the first open without --status creates it, with every migration).`);
    return 1;
  }
  try {
    const database = await openNeonhubDatabase(
      connection.kind === "postgres" ? { url: connection.url, applyMigrations: false } : { embedded: { dataDir: connection.dataDir }, applyMigrations: false },
    );
    try {
      if (statusOnly) {
        const pending = await database.pendingMigrations();
        output.log(pending.length === 0 ? `${name}: up to date.` : `${name}: pending ${pending.join(", ")}`);
        return pending.length === 0 ? 0 : 1;
      }
      const applied = await database.applyMigrations();
      output.log(applied.length === 0 ? `${name}: no pending migrations.` : `${name}: applied ${applied.join(", ")}`);
      return 0;
    } finally {
      await database.close();
    }
  } catch (error) {
    const code = isNeonhubError(error) ? `${error.code}: ` : "";
    output.error(`${name}: ${code}${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

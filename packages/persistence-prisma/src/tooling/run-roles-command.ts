import { createDatabaseRolesAt, type DatabaseRolesOptions, type DatabaseRolesReport } from "./create-database-roles.js";
import type { CommandOutput } from "./run-migrate-command.js";

/**
 * The `db:roles` command: creates the migration and application roles in the database of `DATABASE_URL`, named by
 * `NEONHUB_MIGRATOR_ROLE` and `NEONHUB_APP_ROLE`, with `NEONHUB_MIGRATOR_PASSWORD` and `NEONHUB_APP_PASSWORD`.
 * Returns the exit code: 0 done, 1 refused or failed, with one line saying what failed (no stack trace).
 */
export async function runRolesCommand(
  environment: NodeJS.ProcessEnv,
  output: CommandOutput,
  createRoles: (url: string, options: DatabaseRolesOptions) => Promise<DatabaseRolesReport> = createDatabaseRolesAt,
): Promise<number> {
  const url = environment.DATABASE_URL;
  if (!url) {
    output.error("Set DATABASE_URL to an administrator connection of the NeonHub database.");
    return 1;
  }
  const options = {
    migratorRole: environment.NEONHUB_MIGRATOR_ROLE || "neonhub_migrator",
    migratorPassword: environment.NEONHUB_MIGRATOR_PASSWORD || undefined,
    appRole: environment.NEONHUB_APP_ROLE || "neonhub_app",
    appPassword: environment.NEONHUB_APP_PASSWORD || undefined,
  };
  if (!options.migratorPassword || !options.appPassword) output.error("No password given for a role: it can log in only where the server trusts it.");
  let report: DatabaseRolesReport;
  try {
    report = await createRoles(url, options);
  } catch (error) {
    // A MissingPrivilegeError already says what failed and what it needs; anything else (an unreachable server, a bad
    // URL) is told in its own words. Either way one line: a stack trace says nothing an operator can act on.
    output.error(`db:roles: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (report.grantedMigratorRoleTo !== null) {
    const member = report.grantedMigratorRoleTo;
    output.log(`Granted ${options.migratorRole} to ${member}: handing tables to it and setting its default privileges need membership (REVOKE ${options.migratorRole} FROM ${member} undoes it).`);
  }
  output.log(`Roles ready: ${options.migratorRole} (migrations) and ${options.appRole} (application).`);
  return 0;
}

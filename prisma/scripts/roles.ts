// `pnpm db:roles`: creates the migration role (DDL) and the application role (DML only) in the database of
// DATABASE_URL, connected as a superuser or as the database owner with CREATEROLE (see docs/database.md).
// Idempotent. NEONHUB_MIGRATOR_ROLE (default neonhub_migrator), NEONHUB_MIGRATOR_PASSWORD,
// NEONHUB_APP_ROLE (default neonhub_app), NEONHUB_APP_PASSWORD.
import { runRolesCommand } from "../../packages/persistence-prisma/src/tooling/run-roles-command.js";

process.exitCode = await runRolesCommand(process.env, {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});

// `pnpm db:roles`: creates the migration role (DDL) and the application role (DML only) in the database of
// DATABASE_URL, which must name a superuser or the database owner. Idempotent.
// NEONHUB_MIGRATOR_ROLE (default neonhub_migrator), NEONHUB_MIGRATOR_PASSWORD,
// NEONHUB_APP_ROLE (default neonhub_app), NEONHUB_APP_PASSWORD.
import { createDatabaseRolesAt } from "../../packages/persistence-prisma/src/tooling/create-database-roles.js";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL to an administrator connection of the NeonHub database.");
  process.exit(1);
}
const options = {
  migratorRole: process.env.NEONHUB_MIGRATOR_ROLE || "neonhub_migrator",
  migratorPassword: process.env.NEONHUB_MIGRATOR_PASSWORD || undefined,
  appRole: process.env.NEONHUB_APP_ROLE || "neonhub_app",
  appPassword: process.env.NEONHUB_APP_PASSWORD || undefined,
};
if (!options.migratorPassword || !options.appPassword) console.warn("No password given for a role: it can log in only where the server trusts it.");
await createDatabaseRolesAt(url, options);
console.log(`Roles ready: ${options.migratorRole} (migrations) and ${options.appRole} (application).`);

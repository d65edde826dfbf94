// `pnpm db:drift`: exits 1 when prisma/schema.prisma and prisma/migrations describe different databases.
// Options: --schema <file> and --migrations <folder> (defaults: this folder's schema and migrations).
// Uses a throwaway database on DRIFT_DATABASE_URL or TEST_DATABASE_URL when set, an in-memory PGlite otherwise.
import { parseArgs } from "node:util";
import { checkDrift } from "../../packages/persistence-prisma/src/tooling/check-drift.js";

const here = new URL("..", import.meta.url);
const { values } = parseArgs({ options: { schema: { type: "string" }, migrations: { type: "string" } } });
const report = await checkDrift({
  schemaPath: values.schema ?? new URL("schema.prisma", here).pathname,
  migrationsDir: values.migrations ?? new URL("migrations", here).pathname,
  serverUrl: process.env.DRIFT_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined,
});
if (report.onlyInSchema.length === 0 && report.onlyInMigrations.length === 0) {
  console.log("No drift: schema.prisma and the migrations agree.");
} else {
  for (const line of report.onlyInSchema) console.error(`only in schema.prisma: ${line}`);
  for (const line of report.onlyInMigrations) console.error(`only in migrations:    ${line}`);
  console.error("Drift found: add a migration for the schema change (see docs/database.md).");
  process.exitCode = 1;
}

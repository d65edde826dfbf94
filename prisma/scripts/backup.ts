// `pnpm db:backup [--out <file>]`: `pg_dump --format=custom` of DATABASE_URL into <file> (default
// neonhub-<UTC timestamp>.dump), plus <file>.json with the row counts and sample runs of the dumped snapshot,
// which `pnpm db:restore` checks the restore against.
import { parseArgs } from "node:util";
import { backupDatabase } from "../../packages/persistence-prisma/src/tooling/backup-database.js";

const { values } = parseArgs({ options: { out: { type: "string" } } });
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("Set DATABASE_URL to the database to back up.");
  process.exit(2);
}
const file = values.out ?? `neonhub-${new Date().toISOString().replace(/[:.]/g, "-")}.dump`;
const manifest = await backupDatabase(url, file);
const total = Object.values(manifest.tableRows).reduce((sum, count) => sum + count, 0);
console.log(`Backed up ${total} rows in ${Object.keys(manifest.tableRows).length} tables to ${file} (manifest ${file}.json).`);

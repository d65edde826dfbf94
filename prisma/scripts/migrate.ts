// `pnpm db:migrate`: applies the committed migrations to DATABASE_URL (or the embedded database in
// NEONHUB_DATA_DIR, default ./.neonhub), recording them in _prisma_migrations as `prisma migrate deploy` does.
// `pnpm db:migrate --status` lists pending migrations and exits 1 when there are any.
import { openNeonhubDatabase } from "../../packages/persistence-prisma/src/index.js";
import { connectionFromEnvironment, describeConnection } from "../../packages/persistence-prisma/src/tooling/connection-from-environment.js";

const connection = connectionFromEnvironment();
const statusOnly = process.argv.includes("--status");
const database = await openNeonhubDatabase(
  connection.kind === "postgres" ? { url: connection.url, applyMigrations: false } : { embedded: { dataDir: connection.dataDir }, applyMigrations: false },
);
try {
  if (statusOnly) {
    const pending = await database.pendingMigrations();
    console.log(pending.length === 0 ? `${describeConnection(connection)}: up to date.` : `${describeConnection(connection)}: pending ${pending.join(", ")}`);
    if (pending.length > 0) process.exitCode = 1;
  } else {
    const applied = await database.applyMigrations();
    console.log(applied.length === 0 ? `${describeConnection(connection)}: no pending migrations.` : `${describeConnection(connection)}: applied ${applied.join(", ")}`);
  }
} finally {
  await database.close();
}

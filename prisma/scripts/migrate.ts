// `pnpm db:migrate`: the same command as the package's `neonhub-migrate` bin, from the sources. Applies the committed
// migrations to DATABASE_URL, or to the embedded database in NEONHUB_DATA_DIR, which defaults to the example host's
// (examples/host/.neonhub) rather than the bin's ./.neonhub; recorded in _prisma_migrations as
// `prisma migrate deploy` does. `pnpm db:migrate --status` exits 1 when migrations are pending.
import { runMigrateCommand } from "../../packages/persistence-prisma/src/tooling/run-migrate-command.js";
import { withHostDataDir } from "./host-data-dir.js";

process.exitCode = await runMigrateCommand(process.argv.slice(2), withHostDataDir(process.env), {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
});

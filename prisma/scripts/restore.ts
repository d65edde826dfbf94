// `pnpm db:restore --from <file> [--target <url> | --scratch] [--keep]`: restores a `pnpm db:backup` file and checks
// it against its manifest (row counts per table, no pending migrations, sample runs read back through the store).
// --target restores into an existing empty database. --scratch creates neonhub_restore_<random> on the server of
// RESTORE_SERVER_URL (or DATABASE_URL), checks the restore there and drops it again unless --keep is given.
// Exit code 0 verified, 1 the restored database differs from the backup, 2 bad usage.
import { parseArgs } from "node:util";
import { readBackupManifest, restoreDatabase, verifyRestore } from "../../packages/persistence-prisma/src/tooling/restore-database.js";
import { createScratchDatabase } from "../../packages/persistence-prisma/src/tooling/scratch-database.js";

const { values } = parseArgs({ options: { from: { type: "string" }, target: { type: "string" }, scratch: { type: "boolean" }, keep: { type: "boolean" } } });
const serverUrl = process.env.RESTORE_SERVER_URL || process.env.DATABASE_URL;
if (!values.from || (values.target === undefined) === (values.scratch !== true) || (values.scratch && !serverUrl)) {
  console.error("Usage: pnpm db:restore --from <file> (--target <empty database url> | --scratch with RESTORE_SERVER_URL or DATABASE_URL set) [--keep]");
  process.exit(2);
}
const manifest = await readBackupManifest(values.from);
const scratch = values.scratch ? await createScratchDatabase(serverUrl!, "neonhub_restore") : undefined;
const targetUrl = scratch?.url ?? values.target!;
try {
  await restoreDatabase(values.from, targetUrl);
  const verification = await verifyRestore(targetUrl, manifest);
  for (const [table, count] of Object.entries(verification.tableRows)) console.log(`${table.padEnd(24)} ${count}`);
  console.log(`${verification.runsReadBack} of ${manifest.sampleRuns.length} sample runs read back through the store.`);
  if (verification.problems.length > 0) {
    for (const problem of verification.problems) console.error(`MISMATCH: ${problem}`);
    process.exitCode = 1;
  } else console.log(`Restore verified${scratch ? ` in scratch database ${scratch.name}` : ""}.`);
} finally {
  if (scratch && !values.keep) await scratch.drop();
  else if (scratch) console.log(`Kept ${scratch.name}.`);
}

import { readFile } from "node:fs/promises";
import pg from "pg";
import { openNeonhubDatabase } from "../database/open-neonhub-database.js";
import { countTableRows, runCommand, type BackupManifest } from "./backup-database.js";

/** The outcome of checking a restored database against its backup's manifest. */
export interface RestoreVerification {
  /** Rows per table in the restored database. */
  tableRows: Record<string, number>;
  /** Sample runs read back through the run store. */
  runsReadBack: number;
  /** Empty when the restore is complete. */
  problems: string[];
}

/** Restores a `pg_dump --format=custom` file into the (empty) database of `targetUrl`; stops at the first error. */
export async function restoreDatabase(file: string, targetUrl: string): Promise<void> {
  await runCommand("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${targetUrl}`, file]);
}

/**
 * Checks a restored database against the manifest written with its backup: the same row count in every table, no
 * pending migrations, and every sample run read back through the run store with its status and tool executions.
 */
export async function verifyRestore(targetUrl: string, manifest: BackupManifest): Promise<RestoreVerification> {
  const problems: string[] = [];
  const client = new pg.Client({ connectionString: targetUrl });
  await client.connect();
  let tableRows: Record<string, number>;
  try {
    tableRows = await countTableRows(client);
  } finally {
    await client.end();
  }
  for (const table of new Set([...Object.keys(manifest.tableRows), ...Object.keys(tableRows)])) {
    if (manifest.tableRows[table] !== tableRows[table]) problems.push(`${table}: ${manifest.tableRows[table] ?? "absent"} rows backed up, ${tableRows[table] ?? "absent"} restored`);
  }
  const database = await openNeonhubDatabase({ url: targetUrl });
  let runsReadBack = 0;
  try {
    const pending = await database.pendingMigrations();
    if (pending.length > 0) problems.push(`migrations not applied in the restored database: ${pending.join(", ")}`);
    for (const sample of manifest.sampleRuns) {
      const run = await database.runStore.getRun(sample.organizationId, sample.id);
      const tools = run ? await database.runStore.listToolExecutions(sample.organizationId, sample.id) : [];
      if (!run) problems.push(`run ${sample.id} does not read back`);
      else if (run.status !== sample.status || tools.length !== sample.toolExecutions) {
        problems.push(`run ${sample.id} reads back as ${run.status} with ${tools.length} tool executions, backed up as ${sample.status} with ${sample.toolExecutions}`);
      } else runsReadBack += 1;
    }
  } finally {
    await database.close();
  }
  return { tableRows, runsReadBack, problems };
}

/** Reads the manifest written beside a backup file. */
export async function readBackupManifest(file: string): Promise<BackupManifest> {
  return JSON.parse(await readFile(`${file}.json`, "utf8")) as BackupManifest;
}

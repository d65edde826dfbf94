import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import pg from "pg";

/** What a backup held when it was taken, written beside the dump as `<file>.json` and checked after a restore. */
export interface BackupManifest {
  takenAt: string;
  /** Rows per table of the public schema, counted in the snapshot that pg_dump dumped. */
  tableRows: Record<string, number>;
  /** The newest runs (up to 50) with their tool execution counts, to read back through the store after a restore. */
  sampleRuns: { id: string; organizationId: string; status: string; toolExecutions: number }[];
}

const SAMPLE_RUNS = 50;

/** Runs a command; rejects with its standard error when it exits non-zero. */
export function runCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"] });
    let errors = "";
    child.stderr.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}: ${errors.trim()}`))));
  });
}

/** Row counts of every table of the public schema, through `client` (inside its current transaction). */
export async function countTableRows(client: pg.ClientBase): Promise<Record<string, number>> {
  const { rows: tables } = await client.query<{ name: string }>(`SELECT tablename AS "name" FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await client.query<{ count: number }>(`SELECT count(*)::int AS "count" FROM "${name.replaceAll('"', '""')}"`);
    counts[name] = rows[0]?.count ?? 0;
  }
  return counts;
}

/**
 * Backs up the database of `databaseUrl` with `pg_dump --format=custom` into `file`, and writes `<file>.json`: the
 * row counts and sample runs of the very snapshot that was dumped (exported from a repeatable-read transaction and
 * handed to pg_dump with `--snapshot`), so that a restore can be checked exactly while the application keeps writing.
 */
export async function backupDatabase(databaseUrl: string, file: string): Promise<BackupManifest> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const { rows } = await client.query<{ snapshot: string }>(`SELECT pg_export_snapshot() AS "snapshot"`);
    const tableRows = await countTableRows(client);
    const sample = await client.query<{ id: string; organizationId: string; status: string; toolExecutions: number }>(
      `SELECT r."id", r."organizationId", r."status"::text AS "status", (SELECT count(*)::int FROM "ToolExecution" t WHERE t."runId" = r."id") AS "toolExecutions"
         FROM "AgentRun" r ORDER BY r."createdAt" DESC, r."id" LIMIT ${SAMPLE_RUNS}`,
    );
    await runCommand("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--snapshot=${rows[0]!.snapshot}`, `--file=${file}`, `--dbname=${databaseUrl}`]);
    await client.query("COMMIT");
    const manifest: BackupManifest = { takenAt: new Date().toISOString(), tableRows, sampleRuns: sample.rows };
    await writeFile(`${file}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  } finally {
    await client.end();
  }
}

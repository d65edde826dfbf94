import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createOrchestrator, defineAgent } from "@neonhub/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openNeonhubDatabase } from "../index.js";
import { backupDatabase, countTableRows } from "./backup-database.js";
import { readBackupManifest, restoreDatabase, verifyRestore } from "./restore-database.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the backup and restore test on PostgreSQL.");

const publisher = defineAgent({
  name: "publisher",
  version: "1.0.0",
  description: "Publishes to two channels, refusing drafts",
  input: z.object({ title: z.string(), draft: z.boolean() }),
  output: z.object({ published: z.number() }),
  handle: async (input, ctx) => {
    await ctx.tool("slack.postMessage", { text: input.title }, async () => ({ ts: "1" }));
    if (input.draft) throw new Error("drafts are not published");
    await ctx.tool("email.sendEmail", { subject: input.title }, async () => ({ id: "m-1" }));
    return { published: 2 };
  },
});

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

describe.skipIf(!TEST_DATABASE_URL)("backup with pg_dump and restore into a scratch database", () => {
  let source: ScratchDatabase;
  let folder: string;
  beforeAll(async () => {
    source = await createScratchDatabase(TEST_DATABASE_URL!);
    folder = await mkdtemp(join(tmpdir(), "neonhub-backup-"));
    const database = await openNeonhubDatabase({ url: source.url, applyMigrations: true });
    try {
      const orchestrator = createOrchestrator({ agents: [publisher], store: database.runStore, policies: { retry: { attempts: 1 } } });
      for (const [index, organizationId] of ["org-a", "org-a", "org-b", "org-b", "org-c"].entries()) {
        await orchestrator.orchestrate({ agent: "publisher", input: { title: `post ${index}`, draft: index === 3 }, context: { userId: "u", organizationId } }).catch(() => undefined);
      }
    } finally {
      await database.close();
    }
  });
  afterAll(async () => {
    await source?.drop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("restores every row and every run, which read back through the store", async () => {
    const file = join(folder, "neonhub.dump");
    const manifest = await backupDatabase(source.url, file);
    expect(manifest.tableRows).toMatchObject({ AgentRun: 5, ToolExecution: 9, _prisma_migrations: expect.any(Number) });
    expect(manifest.sampleRuns.map((run) => run.status).sort()).toEqual(["COMPLETED", "COMPLETED", "COMPLETED", "COMPLETED", "FAILED"]);

    const target = await createScratchDatabase(TEST_DATABASE_URL!);
    try {
      await restoreDatabase(file, target.url);
      const verification = await verifyRestore(target.url, await readBackupManifest(file));
      expect(verification.problems).toEqual([]);
      expect(verification.runsReadBack).toBe(5);
      expect(verification.tableRows).toEqual(await withClient(source.url, countTableRows));

      await withClient(target.url, (client) => client.query(`DELETE FROM "ToolExecution" WHERE "id" = (SELECT "id" FROM "ToolExecution" ORDER BY "id" LIMIT 1)`));
      const damaged = await verifyRestore(target.url, manifest);
      expect(damaged.problems).toEqual([expect.stringMatching(/^ToolExecution: 9 rows backed up, 8 restored$/), expect.stringMatching(/^run .* reads back as .* with \d tool executions, backed up as .* with \d$/)]);
    } finally {
      await target.drop();
    }
  });

  it("refuses to restore into a database that is not empty", async () => {
    const file = join(folder, "again.dump");
    await backupDatabase(source.url, file);
    await expect(restoreDatabase(file, source.url)).rejects.toThrow(/pg_restore exited with 1/);
  });
});

import { randomBytes } from "node:crypto";
import type { RunStore } from "@neonhub/core";
import { sampleRunInput } from "@neonhub/core/testing";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmbeddedPglite } from "../database/embedded-extensions.js";
import { pgliteSessionSource } from "../database/sql-session.js";
import { openNeonhubDatabase } from "../index.js";
import { createMigrator } from "../migrations/migrator.js";
import { locateMigrations } from "../migrations/locate-migrations.js";
import { readMigrations } from "../migrations/read-migrations.js";
import { TEST_DATABASE_URL, createScratchDatabase, createScratchFolder, withAdmin } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: checking the intent trigram index on the embedded database only.");

const INDEX = "AgentRun_intent_trgm_idx";
const INTENTS = [
  "Refund 100% of order 42",
  "Refund 100 percent of order 43",
  "under_score in the name",
  "underXscore in the name",
  "path C:\\temp\\report",
  "path C:/temp/report",
  "Re: weekly report",
  "Ab test of the launch post",
  null,
];
// Wildcards and the escape character taken literally; texts of one and two characters, which no trigram index serves.
const SEARCHES = ["100%", "%", "_", "under_score", "\\", "C:\\temp", "e", "re", "aB", "REFUND", "order 4", "no run has this"];

/** Plain SQL on the same database, while the store is closed (an embedded database allows one opener). */
interface SqlAccess {
  query<Row>(text: string, values?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

interface Backend {
  openStore(): Promise<RunStore>;
  openSql(): Promise<SqlAccess>;
  cleanUp(): Promise<void>;
}

async function embeddedBackend(): Promise<Backend> {
  const folder = await createScratchFolder();
  return {
    openStore: async () => (await openNeonhubDatabase({ embedded: { dataDir: folder.path } })).runStore,
    openSql: async () => {
      const database = await createEmbeddedPglite(folder.path);
      return { query: async (text, values) => (await database.query<never>(text, values)).rows, close: () => database.close() };
    },
    cleanUp: () => folder.remove(),
  };
}

async function postgresBackend(): Promise<Backend> {
  const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
  return {
    openStore: async () => (await openNeonhubDatabase({ url: scratch.url, applyMigrations: true })).runStore,
    openSql: async () => {
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      return { query: async (text, values) => (await client.query(text, values)).rows, close: () => client.end() };
    },
    cleanUp: () => scratch.drop(),
  };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

describe.each([
  { name: "embedded PGlite", skip: false, create: embeddedBackend },
  { name: "PostgreSQL", skip: !TEST_DATABASE_URL, create: postgresBackend },
])("intent search with the trigram index on $name", ({ skip, create }) => {
  const organizationId = "org-intent";
  let backend: Backend;
  let runs: Array<{ id: string; intent: string | null }>;

  const expectedIds = (text: string) =>
    runs.filter((run) => run.intent?.toLowerCase().includes(text.toLowerCase())).map((run) => run.id).sort();
  const searchIds = async (store: RunStore, text: string) =>
    (await store.listRuns({ organizationId, intentContains: text, limit: 100 })).runs.map((run) => run.id).sort();

  beforeAll(async () => {
    if (skip) return;
    backend = await create();
    const store = await backend.openStore();
    try {
      runs = [];
      for (const [position, intent] of INTENTS.entries()) {
        const input = sampleRunInput({ organizationId, intent, createdAt: new Date(Date.UTC(2026, 0, 1, 0, position)) });
        await store.createRun(input);
        runs.push({ id: input.id, intent });
        // The same intent in another organization, which the index also holds and the search must leave out.
        await store.createRun(sampleRunInput({ organizationId: "org-other", intent }));
      }
    } finally {
      await store.close();
    }
    // Copies of a run with intents none of the searches contains, enough for the planner to prefer the trigram index
    // to the organization's range when it must choose between bitmap scans.
    const sql = await backend.openSql();
    try {
      const fillers = await sql.query<{ id: string; intent: string }>(
        `INSERT INTO "AgentRun"
         SELECT (jsonb_populate_record(NULL::"AgentRun", to_jsonb(run) || jsonb_build_object('id', 'filler-' || n, 'intent', 'xyz ' || n))).*
           FROM "AgentRun" run, generate_series(1, 1000) AS n WHERE run."id" = $1
         RETURNING "id", "intent"`,
        [runs[0]!.id],
      );
      runs.push(...fillers);
      // VACUUM moves the new entries out of the trigram index's pending list, which the planner otherwise counts as read whole.
      await sql.query('VACUUM ANALYZE "AgentRun"');
    } finally {
      await sql.close();
    }
  });
  afterAll(async () => {
    if (!skip) await backend.cleanUp();
  });

  it.skipIf(skip)("has the GIN trigram index on AgentRun.intent after migrating", async () => {
    const sql = await backend.openSql();
    try {
      const rows = await sql.query<{ definition: string }>("SELECT indexdef AS definition FROM pg_indexes WHERE indexname = $1", [INDEX]);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.definition).toMatch(/USING gin \(intent .*gin_trgm_ops\)/);
    } finally {
      await sql.close();
    }
  });

  it.skipIf(skip)("finds exactly the runs whose intent contains the text, wildcards and short texts included", async () => {
    const store = await backend.openStore();
    try {
      for (const text of SEARCHES) expect({ text, ids: await searchIds(store, text) }).toEqual({ text, ids: expectedIds(text) });
      expect(expectedIds("100%")).toHaveLength(1);
      expect(expectedIds("_")).toHaveLength(1);
      expect(expectedIds("\\")).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it.skipIf(skip)("finds the same runs when the planner has to read them through the trigram index", async () => {
    const sql = await backend.openSql();
    try {
      // Sequential and plain index scans off: the planner is left with bitmap scans, and picks the trigram index
      // wherever the text yields a trigram (a text of one or two characters yields none and reads the organization's).
      await sql.query("SET enable_seqscan = off");
      await sql.query("SET enable_indexscan = off");
      const statement = `SELECT "id" FROM "AgentRun" WHERE "organizationId" = $1 AND "intent" ILIKE $2 ORDER BY "createdAt" DESC, "id" DESC LIMIT 50`;
      for (const text of SEARCHES) {
        const values = [organizationId, `%${escapeLike(text)}%`];
        const ids = (await sql.query<{ id: string }>(statement, values)).map((row) => row.id).sort();
        expect({ text, ids }).toEqual({ text, ids: expectedIds(text) });
      }
      const plan = await sql.query<Record<string, string>>(`EXPLAIN ${statement.replace("$1", "'org-intent'").replace("$2", "'%under\\_score%'")}`);
      expect(plan.map((row) => Object.values(row)[0]).join("\n")).toContain(INDEX);
    } finally {
      await sql.close();
    }
  });
});

describe("the migration where pg_trgm cannot be created", () => {
  it("succeeds without the index on a server that does not offer the extension", async () => {
    // A PGlite opened without its contrib extension lists no pg_trgm, as a server without the contrib package does.
    const database = await PGlite.create();
    try {
      const applied = await createMigrator(pgliteSessionSource(database), readMigrations(locateMigrations()), { useAdvisoryLock: false }).apply();
      expect(applied).toContain("20261209100000_run_intent_trigram_index");
      expect((await database.query("SELECT 1 FROM pg_indexes WHERE indexname = $1", [INDEX])).rows).toHaveLength(0);
      expect((await database.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rows).toHaveLength(0);
    } finally {
      await database.close();
    }
  });

  it.skipIf(!TEST_DATABASE_URL)("succeeds without the index, and intent search still works, for a role not allowed to create it", async () => {
    const scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    // A role with CREATE on the schema but not on the database, which creating even a trusted extension needs.
    const role = `neonhub_no_extensions_${randomBytes(4).toString("hex")}`;
    try {
      await withAdmin(scratch.url, async (client) => {
        await client.query(`CREATE ROLE "${role}" LOGIN`);
        await client.query(`GRANT USAGE, CREATE ON SCHEMA public TO "${role}"`);
      });
      const database = await openNeonhubDatabase({ url: scratch.urlAs(role), applyMigrations: true });
      try {
        expect(await database.pendingMigrations()).toEqual([]);
        const input = sampleRunInput({ intent: "Refund 100% of order 42" });
        await database.runStore.createRun(input);
        const page = await database.runStore.listRuns({ organizationId: input.organizationId, intentContains: "100%", limit: 10 });
        expect(page.runs.map((run) => run.id)).toEqual([input.id]);
      } finally {
        await database.close();
      }
      await withAdmin(scratch.url, async (client) => {
        expect((await client.query("SELECT 1 FROM pg_indexes WHERE indexname = $1", [INDEX])).rows).toHaveLength(0);
        expect((await client.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).rows).toHaveLength(0);
      });
    } finally {
      await scratch.drop();
      await withAdmin(TEST_DATABASE_URL!, (client) => client.query(`DROP ROLE IF EXISTS "${role}"`));
    }
  });
});

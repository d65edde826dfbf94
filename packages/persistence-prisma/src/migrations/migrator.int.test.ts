import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, cpSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isNeonhubError } from "@neonhub/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolSessionSource } from "../database/sql-session.js";
import { openNeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, withAdmin, type ScratchDatabase } from "../tooling/scratch-database.js";
import { locateMigrations } from "./locate-migrations.js";
import { createMigrator } from "./migrator.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the migration tests on PostgreSQL.");

const require = createRequire(import.meta.url);

/** Runs Prisma's own CLI (6.19, WASM schema engine) against the database, as a user with the ordinary workflow would. */
function prismaCli(command: string[], databaseUrl: string): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), "neonhub-prisma-cli-"));
  try {
    cpSync(locateMigrations(), join(folder, "prisma", "migrations"), { recursive: true });
    writeFileSync(join(folder, "prisma", "schema.prisma"), 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\n');
    const adapter = pathToFileURL(require.resolve("@prisma/adapter-pg")).href;
    writeFileSync(
      join(folder, "prisma.config.mjs"),
      `const { PrismaPg } = await import(${JSON.stringify(adapter)});\nexport default { experimental: { adapter: true }, engine: "js", schema: "./prisma/schema.prisma", ` +
        `adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL, allowExitOnIdle: true, idleTimeoutMillis: 50 }) };\n`,
    );
    const placeholder = fileURLToPath(import.meta.url);
    const result = spawnSync(process.execPath, [require.resolve("prisma-legacy-cli/build/index.js"), ...command, "--config", "prisma.config.mjs"], {
      cwd: folder,
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_SCHEMA_ENGINE_BINARY: placeholder, PRISMA_QUERY_ENGINE_LIBRARY: placeholder },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe.skipIf(!TEST_DATABASE_URL)("migrations on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
  });
  afterAll(() => scratch?.drop());

  it("leaves a URL database alone until asked, then applies the committed migrations once", async () => {
    const database = await openNeonhubDatabase({ url: scratch.url });
    try {
      const pending = await database.pendingMigrations();
      expect(pending.length).toBeGreaterThan(0);
      expect(await database.applyMigrations()).toEqual(pending);
      expect(await database.pendingMigrations()).toEqual([]);
      expect(await database.applyMigrations()).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it("records migrations so that Prisma's own CLI sees the database as up to date", () => {
    const status = prismaCli(["migrate", "status"], scratch.url);
    expect(status.output).toContain("Database schema is up to date");
    expect(status.status).toBe(0);
  });

  it("rolls back a failing migration, records it as rolled back and reports a configuration error", async () => {
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    try {
      const broken = { name: "29990101000000_broken", checksum: "0".repeat(64), script: 'CREATE TABLE "Half" ("id" TEXT);\nSELECT no_such_function();' };
      const migrator = createMigrator(poolSessionSource(pool), [broken], { useAdvisoryLock: true });
      const failure = await migrator.apply().catch((error: unknown) => error);
      expect(isNeonhubError(failure, "CONFIGURATION_INVALID")).toBe(true);
      const { rows } = await pool.query(`SELECT to_regclass('"Half"') AS "table", (SELECT "rolled_back_at" IS NOT NULL FROM "_prisma_migrations" WHERE "migration_name" = $1) AS "rolledBack"`, [broken.name]);
      expect(rows[0]).toEqual({ table: null, rolledBack: true });
      expect(await migrator.pending()).toEqual([broken.name]);
    } finally {
      await pool.end();
    }
  });

  it("applies migrations that Prisma's CLI deployed as already done", async () => {
    const other = await createScratchDatabase(TEST_DATABASE_URL!);
    try {
      const deploy = prismaCli(["migrate", "deploy"], other.url);
      expect(deploy.status, deploy.output).toBe(0);
      // Prisma's driver adapter splits scripts at semicolons: the DO blocks of the trigram index migration must survive it.
      await withAdmin(other.url, async (client) => {
        const index = await client.query("SELECT 1 FROM pg_indexes WHERE indexname = 'AgentRun_intent_trgm_idx'");
        expect(index.rows).toHaveLength(1);
      });
      const database = await openNeonhubDatabase({ url: other.url });
      try {
        expect(await database.pendingMigrations()).toEqual([]);
      } finally {
        await database.close();
      }
    } finally {
      await other.drop();
    }
  });

  /**
   * A pool whose connections die when the migrator records a migration as finished, as if the process were killed
   * between running the migration and its bookkeeping.
   */
  const poolDyingAtBookkeeping = (url: string) => {
    const dying = new pg.Pool({ connectionString: url, max: 1 });
    dying.on("error", () => undefined);
    dying.on("connect", (client) => {
      client.on("error", () => undefined);
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
      (client as unknown as { query: typeof query }).query = (text: unknown, ...rest: unknown[]) =>
        typeof text === "string" && /_prisma_migrations/.test(text) && /finished_at/.test(text) && /^\s*(INSERT|UPDATE)/i.test(text)
          ? query("SELECT pg_terminate_backend(pg_backend_pid())")
          : query(text, ...rest);
    });
    return dying;
  };

  it("leaves no unfinished record when it dies between a migration and its bookkeeping, so the next deploy applies it", async () => {
    const other = await createScratchDatabase(TEST_DATABASE_URL!);
    const pool = new pg.Pool({ connectionString: other.url, max: 1 });
    try {
      const migration = { name: "29990102000000_interrupted", checksum: "1".repeat(64), script: 'CREATE TABLE "Interrupted" ("id" TEXT);' };
      const dying = poolDyingAtBookkeeping(other.url);
      try {
        const failure = await createMigrator(poolSessionSource(dying), [migration], { useAdvisoryLock: true }).apply().catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(Error);
      } finally {
        await dying.end();
      }

      // Applied and recorded together, or neither: the next deploy is not blocked and applies the migration once.
      const migrator = createMigrator(poolSessionSource(pool), [migration], { useAdvisoryLock: true });
      expect(await migrator.pending()).toEqual([migration.name]);
      expect(await migrator.apply()).toEqual([migration.name]);
      const { rows } = await pool.query(
        `SELECT to_regclass('"Interrupted"')::text AS "table", count(*)::int AS "finished" FROM "_prisma_migrations" WHERE "migration_name" = $1 AND "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
        [migration.name],
      );
      expect(rows[0]).toEqual({ table: '"Interrupted"', finished: 1 });
    } finally {
      await pool.end();
      await other.drop();
    }
  });
});

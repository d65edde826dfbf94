import { randomUUID } from "node:crypto";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFuzzSuite } from "./fuzz/run-fuzz-suite.js";

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) console.warn("TEST_DATABASE_URL is not set: skipping the fuzz suite on PostgreSQL.");

describe.skipIf(!serverUrl)("the host under hostile input (PostgreSQL store)", () => {
  const databaseName = `neonhub_fuzz_${randomUUID().replaceAll("-", "")}`;
  let database: NeonhubDatabase;
  const withAdmin = async (sql: string) => {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  beforeAll(async () => {
    await withAdmin(`CREATE DATABASE ${databaseName}`);
    const url = new URL(serverUrl as string);
    url.pathname = `/${databaseName}`;
    database = await openNeonhubDatabase({ url: url.toString(), applyMigrations: true });
  });
  afterAll(async () => {
    await database?.close();
    await withAdmin(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
  });

  it("answers every generated and known-nasty request without a 5xx, every 4xx a problem with a stable code", async () => {
    const report = await runFuzzSuite({ store: database.runStore });
    console.info(`fuzz (PostgreSQL store): ${report.sent} requests sent (${report.corpus} from the corpus, ${report.generated} generated, seed ${report.seed})`);
    expect(report.findings).toEqual([]);
    expect(report.sent).toBeGreaterThan(1_000);
    expect(report.healthAfter).toBe(200);
    expect(report.runAfter).toBe(200);
  }, 180_000);
});

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poolSessionSource } from "../database/sql-session.js";
import { openNeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";
import { locateMigrations } from "./locate-migrations.js";
import { createMigrator } from "./migrator.js";
import { readMigrations } from "./read-migrations.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the upgrade test on PostgreSQL.");

// The schema of the first release is this migration alone; whatever came after it is applied by the upgrade.
const FIRST_RELEASE = "20261127080000_init";

// Rows as the first release wrote them, in that release's columns (written with plain SQL, not today's client).
const FIRST_RELEASE_ROWS = `
INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "statusReason", "input", "output",
  "error", "idempotencyKey", "requestHash", "attempts", "createdAt", "startedAt", "completedAt", "durationMs", "traceId", "parentRunId")
VALUES
  ('run-old-1', 'seo-audit', '1.0.0', 'org-old', 'user-1', 'audit the blog', 'COMPLETED', 'completed', '{"url":"https://acme.dev"}', '{"score":87}',
   NULL, 'audit-1', 'hash-1', 1, '2026-11-28T10:00:00Z', '2026-11-28T10:00:00.010Z', '2026-11-28T10:00:01.200Z', 1190, NULL, NULL),
  ('run-old-2', 'campaign-writer', '1.0.0', 'org-old', 'user-2', NULL, 'FAILED', 'handler_failed', '{"topic":"launch"}', NULL,
   '{"code":"HANDLER_FAILED","message":"provider refused"}', NULL, NULL, 3, '2026-11-28T11:00:00Z', '2026-11-28T11:00:00.005Z', '2026-11-28T11:00:02Z', 1995, NULL, 'run-old-1'),
  ('run-other-org', 'seo-audit', '1.0.0', 'org-other', 'user-9', NULL, 'RUNNING', NULL, '{}', NULL, NULL, NULL, NULL, 1, '2026-11-28T12:00:00Z', '2026-11-28T12:00:00Z', NULL, NULL, NULL, NULL);
INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "output", "error", "attempt", "startedAt", "completedAt", "durationMs")
VALUES
  ('tool-old-1', 'run-old-1', 'org-old', 'google-search-console', 'querySearchAnalytics', 'SUCCEEDED', '{"siteUrl":"https://acme.dev"}', '{"rows":3}', NULL, 1, '2026-11-28T10:00:00.100Z', '2026-11-28T10:00:00.900Z', 800),
  ('tool-old-2', 'run-old-2', 'org-old', 'llm', 'chatCompletion', 'FAILED', '{"model":"gpt-4o-mini"}', NULL, '{"code":"HANDLER_FAILED","message":"503"}', 3, '2026-11-28T11:00:01Z', '2026-11-28T11:00:01.500Z', 500);
INSERT INTO "AgentRunMetric" ("runId", "name", "value", "unit") VALUES ('run-old-1', 'duration', 1190, 'ms');
INSERT INTO "ApiKey" ("id", "organizationId", "userId", "name", "prefix", "keyHash", "scopes")
VALUES
  ('key-default', 'org-old', 'user-1', 'issued with the default scopes', 'nh_aaaa', 'hash-default', ARRAY['runs:write', 'runs:read']),
  ('key-reader', 'org-old', 'user-2', 'read-only', 'nh_bbbb', 'hash-reader', ARRAY['runs:read']);
`;

describe.skipIf(!TEST_DATABASE_URL)("upgrade from the first release's schema", () => {
  let scratch: ScratchDatabase;
  let laterMigrations: string[];
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    const migrations = readMigrations(locateMigrations());
    const first = migrations.filter((migration) => migration.name === FIRST_RELEASE);
    expect(first).toHaveLength(1);
    laterMigrations = migrations.filter((migration) => migration.name > FIRST_RELEASE).map((migration) => migration.name);
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 });
    try {
      expect(await createMigrator(poolSessionSource(pool), first, { useAdvisoryLock: true }).apply()).toEqual([FIRST_RELEASE]);
      await pool.query(FIRST_RELEASE_ROWS);
    } finally {
      await pool.end();
    }
  });
  afterAll(() => scratch?.drop());

  it("applies every later migration and reads the old runs back through the store", async () => {
    const database = await openNeonhubDatabase({ url: scratch.url });
    try {
      expect(await database.pendingMigrations()).toEqual(laterMigrations);
      expect(await database.applyMigrations()).toEqual(laterMigrations);
      expect(await database.pendingMigrations()).toEqual([]);

      const completed = await database.runStore.getRun("org-old", "run-old-1");
      expect(completed).toMatchObject({
        id: "run-old-1",
        agentName: "seo-audit",
        agentVersion: "1.0.0",
        status: "COMPLETED",
        statusReason: "completed",
        input: { url: "https://acme.dev" },
        output: { score: 87 },
        idempotencyKey: "audit-1",
        attempts: 1,
        durationMs: 1190,
        createdAt: new Date("2026-11-28T10:00:00Z"),
        completedAt: new Date("2026-11-28T10:00:01.200Z"),
      });
      const failed = await database.runStore.getRun("org-old", "run-old-2");
      expect(failed).toMatchObject({ status: "FAILED", error: { code: "HANDLER_FAILED", message: "provider refused" }, attempts: 3, parentRunId: "run-old-1" });
      expect(await database.runStore.listToolExecutions("org-old", "run-old-1")).toEqual([
        expect.objectContaining({ id: "tool-old-1", connector: "google-search-console", action: "querySearchAnalytics", status: "SUCCEEDED", output: { rows: 3 }, durationMs: 800 }),
      ]);
      expect(await database.runStore.listToolExecutions("org-old", "run-old-2")).toEqual([expect.objectContaining({ status: "FAILED", error: { code: "HANDLER_FAILED", message: "503" }, attempt: 3 })]);

      const page = await database.runStore.listRuns({ organizationId: "org-old", limit: 10 });
      expect(page.runs.map((run) => run.id)).toEqual(["run-old-2", "run-old-1"]);
      expect(await database.runStore.getRun("org-old", "run-other-org")).toBeNull();

      // A key of the earlier default scopes could use every route and keeps that; a narrower key keeps its scopes.
      expect((await database.apiKeyStore.findByHash("hash-default"))?.scopes).toEqual([
        "runs:read",
        "runs:write",
        "schedules:read",
        "schedules:write",
        "connections:read",
        "connections:write",
      ]);
      expect((await database.apiKeyStore.findByHash("hash-reader"))?.scopes).toEqual(["runs:read"]);
    } finally {
      await database.close();
    }
  });
});

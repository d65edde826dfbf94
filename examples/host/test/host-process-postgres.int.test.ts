import { randomUUID } from "node:crypto";
import { sampleRunInput } from "@neonhub/core/testing";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT_MS, runTsx, startHostProcess, type HostProcess } from "./host-process.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the host process tests on PostgreSQL.");
if (baseUrl && !redisUrl) console.warn("TEST_REDIS_URL is not set: the PostgreSQL host test runs without Redis.");

/** Deletes the keys of this test's queues (SCAN under its own prefix; the Redis is shared). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

describe.skipIf(!baseUrl)("the host as a real process on PostgreSQL", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  const key = `nh_e2e_${randomUUID().replaceAll("-", "")}`;
  const queuePrefix = `neonhub-e2e-${randomUUID()}`;
  let databaseUrl: string;
  let host: HostProcess | null = null;
  let scratch: ScratchDatabase | undefined;

  beforeAll(async () => {
    // Not migrated: the first test starts a host on it before the migrations are applied.
    scratch = await createScratchDatabase(baseUrl as string, "host_e2e", { migrate: false });
    databaseUrl = scratch.url;
  });
  afterAll(async () => {
    if (host) await host.terminate();
    await scratch?.drop();
    if (redisUrl) await deleteKeys(redisUrl, queuePrefix);
  });

  it("refuses to start while migrations are pending, saying what to do", async () => {
    const result = await runTsx("src/main.ts", [], { DATABASE_URL: databaseUrl, PORT: "0" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/pending migration/);
    expect(result.stderr).toContain("pnpm db:migrate");
  });

  it("starts once migrated, reports its dependencies, and passes the smoke test", async () => {
    const database = await openNeonhubDatabase({ url: databaseUrl, applyMigrations: true });
    // History from before the start: the retention (30 days by default) deletes the older run and keeps the other.
    const endedDaysAgo = async (days: number) => {
      const at = new Date(Date.now() - days * 86_400_000);
      const input = sampleRunInput({ organizationId: "org_history", createdAt: at, startedAt: at });
      await database.runStore.createRun(input);
      await database.runStore.finishRun({ organizationId: input.organizationId, runId: input.id, status: "COMPLETED", statusReason: "completed", output: null, error: null, attempts: 1, completedAt: at, durationMs: 0, metrics: [] });
      return input.id;
    };
    const pastRetention = await endedDaysAgo(40);
    const withinRetention = await endedDaysAgo(10);
    await database.close();
    host = await startHostProcess({
      DATABASE_URL: databaseUrl,
      NEONHUB_DEV_API_KEY: key,
      ...(redisUrl ? { REDIS_URL: redisUrl, NEONHUB_QUEUE_PREFIX: queuePrefix } : {}),
    });
    const health = (await (await fetch(`${host.url}/api/health`)).json()) as { status: string; checks: Record<string, { status: string }> };
    expect(health.status).toBe("ok");
    expect(Object.keys(health.checks).sort()).toEqual(redisUrl ? ["clock", "database", "queuedRuns", "redis"] : ["clock", "database"]);

    const smoke = await runTsx("src/smoke/smoke.ts", ["--url", host.url, "--key", key], {});
    expect(smoke.stdout, smoke.stderr).toMatch(/All \d+ checks passed/);
    expect(smoke.code).toBe(0);

    // Queued runs go through the configured queue (BullMQ with Redis) and end up completed in PostgreSQL.
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const queued = await fetch(`${host.url}/v1/runs`, {
      method: "POST",
      headers,
      body: JSON.stringify({ agent: "budget-guard", input: { customerId: "1234567890", budget: 100, dryRun: true }, async: true }),
    });
    expect(queued.status).toBe(202);
    const { id } = (await queued.json()) as { id: string };
    let status = "QUEUED";
    for (let attempt = 0; attempt < 200 && (status === "QUEUED" || status === "RUNNING"); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = ((await (await fetch(`${host.url}/v1/runs/${id}`, { headers })).json()) as { status: string }).status;
    }
    expect(status).toBe("COMPLETED");
    // Every platform queue reports its depth, the budget agent's included.
    const exposition = await (await fetch(`${host.url}/metrics`)).text();
    for (const queue of ["intake.fetch", "email.send", "sms.send", "budget.execute", "seo.analytics"]) expect(exposition).toContain(`neonhub_queue_jobs_pending{queue="${queue}"}`);
    const rows = await new pg.Client({ connectionString: databaseUrl });
    await rows.connect();
    try {
      const stored = await rows.query(`SELECT status FROM "AgentRun" WHERE id = $1`, [id]);
      expect(stored.rows).toEqual([{ status: "COMPLETED" }]);
      // The retention's first pass runs as the host starts.
      const history = async () => (await rows.query<{ id: string }>(`SELECT id FROM "AgentRun" WHERE "organizationId" = 'org_history'`)).rows.map((row) => row.id);
      for (let attempt = 0; attempt < 100 && (await history()).includes(pastRetention); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await history()).toEqual([withinRetention]);
      const afterRetention = await (await fetch(`${host.url}/metrics`)).text();
      expect(afterRetention).toContain('neonhub_background_passes_total{task="run_retention",outcome="succeeded"} 1');
      expect(afterRetention).toContain('neonhub_background_pass_items_total{task="run_retention"} 1');
    } finally {
      await rows.end();
    }
    expect(await host.terminate()).toBe(0);
    host = null;
  });

  it("answers a key revoked while it runs from its cache until the time to live is up, or refuses it at once with 0", async () => {
    const keys = (args: string[]) => runTsx("src/cli/keys.ts", args, { DATABASE_URL: databaseUrl });
    const revokedWhileRunning = async (ttl: string): Promise<number> => {
      const created = await keys(["create", "--org", "org_ops", "--user", "user_ops", "--name", `ttl-${ttl}`]);
      expect(created.code, created.stderr).toBe(0);
      const opsKey = /\n(nh_[A-Za-z0-9_-]+)\n/.exec(created.stdout)?.[1] as string;
      const keyId = /Created key ([0-9a-f-]{36})/.exec(created.stdout)?.[1] as string;
      host = await startHostProcess({ DATABASE_URL: databaseUrl, NEONHUB_API_KEY_CACHE_TTL_MS: ttl });
      const call = () => fetch(`${(host as HostProcess).url}/v1/agents`, { headers: { authorization: `Bearer ${opsKey}` } });
      expect((await call()).status).toBe(200);
      expect((await keys(["revoke", "--org", "org_ops", "--id", keyId])).code).toBe(0);
      const status = (await call()).status;
      expect(await host.terminate()).toBe(0);
      host = null;
      return status;
    };
    // Ten minutes: far longer than the test, so the cached answer cannot have expired.
    expect(await revokedWhileRunning("600000")).toBe(200);
    expect(await revokedWhileRunning("0")).toBe(401);
  });
});

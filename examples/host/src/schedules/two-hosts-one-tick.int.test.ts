import { createScheduleManager, createScheduler, type Clock } from "@neonhub/core";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../test/scratch-database.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { echoAgent } from "../testing/test-agents.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the two-host schedule test on PostgreSQL.");

/** A clock stopped at one instant: both hosts see the same tick come due at the same moment. */
const stoppedAt = (ms: number): Clock => ({ now: () => ms, sleep: async () => {}, schedule: () => () => {} });

describe.skipIf(!baseUrl)("two hosts sharing PostgreSQL", () => {
  let scratch: ScratchDatabase | undefined;
  let scratchUrl: string;
  const databases: NeonhubDatabase[] = [];
  const hosts: Array<{ host: TestHost; url: string; database: NeonhubDatabase }> = [];

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "schedules");
    scratchUrl = scratch.url;
    // Each host has its own connection pool, as two processes would.
    databases.push(await openNeonhubDatabase({ url: scratchUrl }));
    databases.push(await openNeonhubDatabase({ url: scratchUrl }));
    for (const database of databases) {
      const host = await createTestHost({ store: database.runStore, scheduleStore: database.scheduleStore });
      hosts.push({ host, database, url: await host.app.listen({ port: 0, host: "127.0.0.1" }) });
    }
  });
  afterAll(async () => {
    for (const { host } of hosts) await host.app.close();
    for (const database of databases) await database.close();
    await scratch?.drop();
  });

  it("starts exactly one run per tick when both schedulers fire it at once", async () => {
    const [first, second] = hosts as [(typeof hosts)[number], (typeof hosts)[number]];
    const post = await fetch(`${first.url}/v1/schedules`, {
      method: "POST",
      headers: { ...first.host.alpha, "content-type": "application/json" },
      body: JSON.stringify({ agent: "echo", cron: "* * * * *", timeZone: "UTC", input: { text: "every minute" } }),
    });
    expect(post.status).toBe(201);
    const schedule = (await post.json()) as { id: string; nextRunAt: string };
    // The other host sees it through its own pool.
    const read = await fetch(`${second.url}/v1/schedules/${schedule.id}`, { headers: second.host.alpha });
    expect(read.status).toBe(200);

    const tickMs = Date.parse(schedule.nextRunAt);
    for (let minute = 0; minute < 5; minute += 1) {
      const now = tickMs + minute * 60_000 + 500;
      const schedulers = hosts.map(({ host, database }) => createScheduler({ orchestrator: host.orchestrator, store: database.scheduleStore, intervalMs: 0, clock: stoppedAt(now) }));
      const passes = await Promise.all(schedulers.map((scheduler) => scheduler.runDueSchedules()));
      expect(passes.reduce((total, pass) => total + pass.claimed, 0), `minute ${minute}`).toBe(1);
      expect(passes.flatMap((pass) => pass.runIds)).toHaveLength(1);
    }

    const listed = await fetch(`${second.url}/v1/runs?agent=echo&limit=100`, { headers: second.host.alpha });
    const runs = ((await listed.json()) as { runs: Array<{ idempotencyKey: string | null }> }).runs.filter((run) => run.idempotencyKey?.startsWith(`schedule:${schedule.id}:`));
    expect(runs.map((run) => run.idempotencyKey).sort()).toEqual(Array.from({ length: 5 }, (_, minute) => `schedule:${schedule.id}:${new Date(tickMs + minute * 60_000).toISOString()}`));
    const client = new pg.Client({ connectionString: scratchUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ count: string }>(`SELECT count(*) FROM "AgentRun" WHERE "idempotencyKey" LIKE $1`, [`schedule:${schedule.id}:%`]);
      expect(rows[0]?.count).toBe("5");
    } finally {
      await client.end();
    }
  });

  it("starts a tick once when a host whose clock is behind sets the schedule back to it", async () => {
    const [first, second] = hosts as [(typeof hosts)[number], (typeof hosts)[number]];
    const organizationId = "org_alpha";
    const created = await first.host.schedules.create({ organizationId, userId: "user_alpha" }, { agent: "echo", cron: "* * * * *", timeZone: "UTC", input: { text: "skewed" } });
    const tickMs = created.nextRunAt.getTime();
    const scheduler = (database: NeonhubDatabase, host: TestHost, now: number) => createScheduler({ orchestrator: host.orchestrator, store: database.scheduleStore, intervalMs: 0, clock: stoppedAt(now) });
    expect((await scheduler(first.database, first.host, tickMs + 500).runDueSchedules()).runIds).toHaveLength(1);
    // The second host's clock is 30 s behind: it finds nothing due, and a change made there sets the tick back.
    expect((await scheduler(second.database, second.host, tickMs - 30_000).runDueSchedules()).claimed).toBe(0);
    const behind = createScheduleManager({ store: second.database.scheduleStore, agents: [echoAgent], clock: stoppedAt(tickMs - 30_000) });
    expect((await behind.update(organizationId, created.id, { timeZone: "UTC" })).nextRunAt).toEqual(created.nextRunAt);
    const again = await scheduler(first.database, first.host, tickMs + 10_000).runDueSchedules();
    expect(again.claimed).toBe(1);
    expect((await first.host.schedules.get(organizationId, created.id)).nextRunAt).toEqual(new Date(tickMs + 60_000));
    const client = new pg.Client({ connectionString: scratchUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ idempotencyKey: string }>(`SELECT "idempotencyKey" FROM "AgentRun" WHERE "idempotencyKey" LIKE $1`, [`schedule:${created.id}:%`]);
      expect(rows.map((row) => row.idempotencyKey)).toEqual([`schedule:${created.id}:${created.nextRunAt.toISOString()}`]);
    } finally {
      await client.end();
    }
  });
});

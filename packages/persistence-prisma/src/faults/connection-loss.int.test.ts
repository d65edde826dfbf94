import { createOrchestrator, defineAgent, isFinalRunStatus, isNeonhubError, systemClock, type AgentRun, type Clock } from "@neonhub/core";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, withAdmin, type ScratchDatabase } from "../tooling/scratch-database.js";
import { scratchDatabaseAroundSuite } from "../test-support/scratch-database-around-suite.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the connection-loss test on PostgreSQL.");

const RUNS = 160;
const IN_FLIGHT = 16;
const TERMINATE_AFTER = new Set([15, 40, 70, 100, 130]);

const echoAgent = defineAgent({
  name: "fault-echo",
  version: "1.0.0",
  description: "Records one tool call and echoes its input.",
  input: z.object({ index: z.number() }),
  output: z.object({ index: z.number() }),
  policies: { breaker: { enabled: false }, admission: { enabled: false }, retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 } },
  handle: async (input, context) => context.tool("echo", input, async () => ({ index: input.index })),
});

describe.skipIf(!TEST_DATABASE_URL)("connections terminated while runs are written", () => {
  let scratch!: ScratchDatabase;
  let database!: NeonhubDatabase;
  scratchDatabaseAroundSuite((opened) => ({ scratch, database } = opened));

  const terminateConnections = () =>
    withAdmin(TEST_DATABASE_URL!, (client) => client.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [scratch.name]));

  it("keeps every reported run, in a final or recoverable state, and never duplicates one", async () => {
    // A clock that can be moved forward, so that leases left by lost connections lapse without waiting for them.
    let skewMs = 0;
    const clock: Clock = { ...systemClock, now: () => Date.now() + skewMs };
    const orchestrator = createOrchestrator({ agents: [echoAgent], store: database.runStore, clock, durability: { sweepIntervalMs: 0 } });
    const context = { userId: "user-1", organizationId: "org-faults" };
    const reported = new Map<string, string>(); // idempotency key -> run id the orchestrator reported
    const notRecorded: string[] = [];
    const terminations: Promise<unknown>[] = [];
    let settled = 0;

    const runOne = async (index: number) => {
      const idempotencyKey = `fault-${index}`;
      try {
        const run = await orchestrator.orchestrate({ agent: echoAgent.name, input: { index }, context, idempotencyKey });
        reported.set(idempotencyKey, run.id);
      } catch (error) {
        if (!isNeonhubError(error)) throw error;
        if (error.runId) reported.set(idempotencyKey, error.runId);
        else notRecorded.push(idempotencyKey);
      }
      settled += 1;
      if (TERMINATE_AFTER.has(settled)) terminations.push(terminateConnections());
    };
    let next = 0;
    await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
      while (next < RUNS) await runOne(next++);
    }));
    await Promise.all(terminations);
    expect(terminations.length).toBe(TERMINATE_AFTER.size);

    const rows = await withAdmin(scratch.url, async (client: pg.Client) =>
      (await client.query<{ id: string; idempotencyKey: string; status: AgentRun["status"] }>('SELECT "id", "idempotencyKey", "status" FROM "AgentRun"')).rows,
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const [key, runId] of reported) {
      expect(byId.get(runId), `run ${runId} reported for ${key}`).toMatchObject({ idempotencyKey: key });
      const status = byId.get(runId)!.status;
      expect(isFinalRunStatus(status) || status === "RUNNING").toBe(true);
    }
    const keys = rows.map((row) => row.idempotencyKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(rows.length).toBeLessThanOrEqual(RUNS);

    // A request whose run was not reported replays with its key and gets the one run stored for it, if any.
    for (const key of notRecorded) {
      const index = Number(key.slice("fault-".length));
      const replayed = await orchestrator.orchestrate({ agent: echoAgent.name, input: { index }, context, idempotencyKey: key }).catch((error: unknown) => error);
      const runId = isNeonhubError(replayed) ? replayed.runId : (replayed as AgentRun).id;
      expect(runId).toBeDefined();
      expect(await database.runStore.findRunByIdempotencyKey(context.organizationId, key)).toMatchObject({ id: runId });
    }

    // Whatever a lost connection left running is taken over once its lease lapses, and ends from its journal.
    skewMs = 10 * 60_000;
    const openRuns = () => withAdmin(scratch.url, async (client: pg.Client) => (await client.query(`SELECT count(*)::int AS "open" FROM "AgentRun" WHERE "status" IN ('QUEUED', 'RUNNING', 'WAITING')`)).rows[0].open as number);
    for (let round = 0; round < 100 && (await openRuns()) > 0; round += 1) {
      await orchestrator.resumeDueRuns();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await openRuns()).toBe(0);
    const stillRunningTools = await withAdmin(scratch.url, async (client: pg.Client) => (await client.query(`SELECT count(*)::int AS "running" FROM "ToolExecution" WHERE "status" = 'RUNNING'`)).rows[0].running);
    expect(stillRunningTools).toBe(0);
    const total = await withAdmin(scratch.url, async (client: pg.Client) => (await client.query(`SELECT count(*)::int AS "total" FROM "AgentRun"`)).rows[0].total);
    expect(total).toBe(RUNS);
  });
});

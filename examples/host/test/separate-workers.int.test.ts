import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killProcess, startHostProcess, startWorkerProcess, type HostProcess, type WorkerProcess } from "./host-process.js";
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from "./private-redis.js";
import { ProviderLedger } from "./provider-ledger.js";
import { connectToLedger, createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
const redisAvailable = hasRedisServer();
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the separate workers test (API hosts and workers on PostgreSQL and Redis).");
else if (!redisAvailable) console.warn("redis-server is not installed: skipping the separate workers test, which kills processes around a Redis of its own.");

/** Load before and after the kill; CI runs the short default. */
const PHASE_MS = Number(process.env.NEONHUB_WORKERS_PHASE_MS ?? 3_000);
/** Requests in flight at once, spread over both API hosts. */
const CONCURRENCY = 4;
const SETTLE_TIMEOUT_MS = 60_000;
/** Minutes of ticks each schedule missed (as after downtime): its catch-up policy `all` runs every one of them. */
const MISSED_MINUTES = 6;
const MINUTE_MS = 60_000;
/** Videos the pipeline fetches; each is normalized and embedded by a child run of its own. */
const VIDEOS = 2;
const PIPELINE_CHILDREN = 1 + 2 * VIDEOS;
const ONBOARDING_SIDE_EFFECTS = 5;
const OPEN_STATUSES = ["QUEUED", "RUNNING", "WAITING"];
/** Each run announces to its own channel: Discord paces messages per channel. */
const channelOf = (round: number) => String(1_312_000_000_000_000_000n + BigInt(round));
const youtubeChannelOf = (round: number) => `UC${String(round).padStart(22, "0")}`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The four kinds of request the load cycles through, on both hosts. */
const KINDS = [
  { name: "synchronous", agent: "onboarding-sequence", async: false },
  { name: "queued", agent: "onboarding-sequence", async: true },
  { name: "queued pipeline", agent: "intake-pipeline", async: true },
  // Its parent starts on the API host and waits durably for children that run on the workers.
  { name: "synchronous pipeline", agent: "intake-pipeline", async: false },
] as const;

describe.skipIf(!baseUrl || !redisAvailable)("two API hosts and two workers (PostgreSQL and Redis)", { timeout: 3 * 60_000 }, () => {
  const key = `nh_workers_${randomUUID().replaceAll("-", "")}`;
  const credentialsKey = randomBytes(32).toString("hex");
  const ledger = new ProviderLedger();
  let scratch: ScratchDatabase;
  let db: pg.Client;
  let redis: PrivateRedis;
  const hosts: HostProcess[] = [];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await ledger.start();
    // Every provider call takes a while, so that the worker dies with runs in flight.
    ledger.latencyMs = 40;
    redis = await startPrivateRedis();
    scratch = await createScratchDatabase(baseUrl as string, "workers");
    await connectToLedger(scratch.url, credentialsKey, ledger);
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    const environment = {
      DATABASE_URL: scratch.url,
      REDIS_URL: redis.url,
      NEONHUB_QUEUE_PREFIX: `workers-${randomUUID().slice(0, 8)}`,
      NEONHUB_DEV_API_KEY: key,
      NEONHUB_CONNECTORS_MODE: "live",
      NEONHUB_CREDENTIALS_KEY: credentialsKey,
      // A dead worker's runs are taken over within about two seconds; schedules are looked at five times a second.
      NEONHUB_RUN_LEASE_MS: "1500",
      // Below two thirds of the short lease, as the host requires.
      NEONHUB_SWEEP_INTERVAL_MS: "200",
      NEONHUB_SCHEDULER_INTERVAL_MS: "200",
      NEONHUB_RECONCILE_DELAY_MS: "5000",
    };
    // The first API host provisions the development key; the other processes start together after it.
    hosts.push(await startHostProcess({ ...environment, NEONHUB_ROLE: "api" }));
    const [host, ...started] = await Promise.all([
      startHostProcess({ ...environment, NEONHUB_ROLE: "api" }),
      // The first worker (killed below) serves nothing; the second answers health and metrics on a port of its own.
      startWorkerProcess(environment),
      startWorkerProcess({ ...environment, NEONHUB_WORKER_PORT: "0" }),
    ]);
    hosts.push(host);
    workers.push(...started);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([...hosts, ...workers].map((each) => each.terminate()));
    await redis?.stop();
    await ledger.close();
    await db?.end();
    await scratch?.drop();
  }, 60_000);

  const api = (host: HostProcess, path: string, init: RequestInit = {}) =>
    fetch(`${host.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers }, signal: AbortSignal.timeout(20_000) });

  /** Top-level runs the hosts answered for, by id, with the agent. */
  const acknowledged = new Map<string, string>();
  const refusals: string[] = [];
  let sent = 0;
  let handedOver = 0;

  const load = async (stop: { done: boolean }) => {
    const client = async () => {
      while (!stop.done) {
        const round = sent++;
        const host = hosts[round % 2] as HostProcess;
        const kind = KINDS[Math.floor(round / 2) % KINDS.length]!;
        const input =
          kind.agent === "onboarding-sequence"
            ? { name: `Customer ${round}`, email: `workers-${round}@example.com`, teamChannelId: channelOf(round) }
            : { channelId: youtubeChannelOf(round), maxResults: VIDEOS };
        try {
          // Names the run, so that the record of one whose request failed can be read afterwards.
          const intent = `load round ${round}`;
          const response = await api(host, "/v1/runs", { method: "POST", body: JSON.stringify({ agent: kind.agent, input, async: kind.async, intent }) });
          const answer = (await response.json()) as { id?: string; code?: string; runId?: string };
          if ((response.status === 200 || response.status === 202) && answer.id) acknowledged.set(answer.id, kind.agent);
          else if (response.status === 503 && answer.code === "LEASE_LOST" && answer.runId) {
            // A synchronous run whose lease another process took (this host fell behind renewing it on a busy
            // machine): the answer names the run, which goes on there and must complete like the others.
            acknowledged.set(answer.runId, kind.agent);
            handedOver += 1;
          } else refusals.push(`${kind.name}, round ${round}: ${response.status} ${JSON.stringify(answer)}`);
        } catch (error) {
          refusals.push(`${kind.name}, round ${round}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
  };

  const openRuns = async () => (await db.query<{ count: number }>(`SELECT count(*)::int AS "count" FROM "AgentRun" WHERE "status"::text = ANY($1)`, [OPEN_STATUSES])).rows[0]?.count ?? 0;

  it("finishes every run once, delivers no side effect twice and fires each schedule tick once, through a worker's SIGKILL", async () => {
    const stop = { done: false };
    const running = load(stop);
    // Two schedules, one created through each host, that missed their last minutes of ticks.
    const schedules: Array<{ id: string; dueAt: Date }> = [];
    for (const [index, host] of hosts.entries()) {
      const created = await api(host, "/v1/schedules", {
        method: "POST",
        body: JSON.stringify({ agent: "intake-pipeline", cron: "* * * * *", timeZone: "UTC", catchUp: "all", input: { channelId: youtubeChannelOf(1_000_000 + index), maxResults: VIDEOS } }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const dueAt = new Date(Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - MISSED_MINUTES * MINUTE_MS);
      await db.query(`UPDATE "Schedule" SET "nextRunAt" = $2 WHERE "id" = $1`, [id, dueAt]);
      schedules.push({ id, dueAt });
    }
    await sleep(PHASE_MS);
    // The first worker dies with runs in flight: queued runs, children or scheduled runs it holds the lease of.
    const executorId = /"executorId":"([^"]+)".*"msg":"NeonHub worker started"/.exec(workers[0]!.stdout())?.[1];
    expect(executorId).toBeDefined();
    const heldByDying = async () =>
      (await db.query<{ id: string; fence: number }>(`SELECT "id", "fence" FROM "AgentRun" WHERE "status" = 'RUNNING' AND "leaseOwner" = $1`, [executorId])).rows;
    // Two runs in flight make the kill's case; on a slow machine the worker may take longer to hold any, so after
    // ten seconds one will do.
    const waitedFrom = Date.now();
    for (;;) {
      const held = (await heldByDying()).length;
      const waited = Date.now() - waitedFrom;
      if (held >= 2 || (held >= 1 && waited > 10_000) || waited > 60_000) break;
      await sleep(20);
    }
    await killProcess(workers[0]!);
    // What it still held once dead: nothing else will renew those leases.
    const killedWith = await heldByDying();
    expect(killedWith.length, "the worker was killed holding runs").toBeGreaterThan(0);
    await sleep(PHASE_MS);
    stop.done = true;
    await running;

    const settleBy = Date.now() + SETTLE_TIMEOUT_MS;
    while ((await openRuns()) > 0 && Date.now() < settleBy) await sleep(250);
    const stillOpen = await db.query<{ agentName: string; status: string; count: number }>(
      `SELECT "agentName", "status"::text AS "status", count(*)::int AS "count" FROM "AgentRun" WHERE "status"::text = ANY($1) GROUP BY 1, 2`,
      [OPEN_STATUSES],
    );
    expect(stillOpen.rows, "runs still open after the load").toEqual([]);
    if (refusals.length > 0) {
      // What became of those runs, to tell a slow host from a lost run.
      const rounds = refusals.map((refusal) => `load round ${/round (\d+)/.exec(refusal)?.[1]}`);
      const records = await db.query(
        `SELECT "intent", "status"::text AS "status", "createdAt", "startedAt", "completedAt", "attempts", "fence", "leaseOwner" FROM "AgentRun" WHERE "intent" = ANY($1)`,
        [rounds],
      );
      expect(refusals, `the API hosts answered every request; their runs: ${JSON.stringify(records.rows)}`).toEqual([]);
    }

    // Every run, top-level, child or scheduled, ended COMPLETED: one final state each.
    const runs = (
      await db.query<{ id: string; agentName: string; status: string; parentRunId: string | null; idempotencyKey: string | null; completedAt: Date | null; fence: number }>(
        `SELECT "id", "agentName", "status"::text AS "status", "parentRunId", "idempotencyKey", "completedAt", "fence" FROM "AgentRun"`,
      )
    ).rows;
    expect(runs.filter((run) => run.status !== "COMPLETED" || run.completedAt === null).map((run) => `${run.id} ${run.agentName}: ${run.status}`)).toEqual([]);
    const runsById = new Map(runs.map((run) => [run.id, run]));
    for (const [id, agent] of acknowledged) expect(runsById.get(id)?.agentName, `acknowledged run ${id}`).toBe(agent);

    // Each schedule fired each missed tick once, and every tick after it up to its last, with no gap.
    const scheduled = runs.filter((run) => run.idempotencyKey?.startsWith("schedule:"));
    for (const schedule of schedules) {
      const [row] = (await db.query<{ lastTickAt: Date }>(`SELECT "lastTickAt" FROM "Schedule" WHERE "id" = $1`, [schedule.id])).rows;
      const ticks = Math.round((row!.lastTickAt.getTime() - schedule.dueAt.getTime()) / MINUTE_MS) + 1;
      expect(ticks, `schedule ${schedule.id} caught up`).toBeGreaterThanOrEqual(MISSED_MINUTES + 1);
      const expected = Array.from({ length: ticks }, (_, minute) => `schedule:${schedule.id}:${new Date(schedule.dueAt.getTime() + minute * MINUTE_MS).toISOString()}`);
      const fired = scheduled.filter((run) => run.idempotencyKey?.startsWith(`schedule:${schedule.id}:`)).map((run) => run.idempotencyKey);
      expect(fired.sort()).toEqual(expected.sort());
    }

    // No run started twice: the top-level runs are the acknowledged and the scheduled ones, each pipeline has its
    // five children and no more.
    const topLevel = runs.filter((run) => run.parentRunId === null);
    expect(topLevel.length).toBe(acknowledged.size + scheduled.length);
    const children = new Map<string, string[]>();
    for (const run of runs) if (run.parentRunId !== null) children.set(run.parentRunId, [...(children.get(run.parentRunId) ?? []), run.agentName]);
    const pipelines = topLevel.filter((run) => run.agentName === "intake-pipeline");
    for (const pipeline of pipelines) {
      expect(children.get(pipeline.id)?.sort(), `children of ${pipeline.id}`).toEqual(["intake-embed", "intake-embed", "intake-fetch", "intake-normalize", "intake-normalize"]);
    }
    expect(runs.length).toBe(topLevel.length + pipelines.length * PIPELINE_CHILDREN);

    const runningTools = await db.query<{ count: number }>(`SELECT count(*)::int AS "count" FROM "ToolExecution" WHERE "status" = 'RUNNING'`);
    expect(runningTools.rows[0]?.count, "no tool execution left RUNNING").toBe(0);
    expect(ledger.duplicates()).toEqual([]);
    const onboardings = topLevel.filter((run) => run.agentName === "onboarding-sequence").length;
    expect(ledger.entries.size).toBe(onboardings * ONBOARDING_SIDE_EFFECTS);

    // The runs the killed worker held were taken over (a new lease, a higher fence) and completed elsewhere.
    for (const held of killedWith) expect(runsById.get(held.id)?.fence, `run ${held.id} taken over`).toBeGreaterThan(held.fence);
    const takenOver = killedWith.length;
    // The surviving worker still reports itself healthy on its own port; the API hosts too.
    expect(workers[0]!.url).toBeNull();
    const workerHealth = await fetch(`${workers[1]!.url}/api/health`);
    expect(workerHealth.status, await workerHealth.clone().text()).toBe(200);
    expect(await (await fetch(`${workers[1]!.url}/metrics`)).text()).toMatch(/queue_jobs_pending\{queue="intake.embed"\}/);
    for (const host of hosts) expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
    console.info(
      `separate workers: ${sent} requests, ${acknowledged.size} acknowledged, ${scheduled.length} scheduled, ${runs.length} runs in all, ` +
        `${takenOver} held by the killed worker and taken over (${handedOver} synchronous answers handed over), ${ledger.entries.size} side effects, none twice`,
    );
  });
});

import { randomUUID } from "node:crypto";
import { isNeonhubError } from "@neonhub/core";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadHostConfig } from "../src/config/host-config.js";
import { createHostLogger } from "../src/runtime/create-logger.js";
import { startHost, type RunningHost } from "../src/runtime/start-host.js";
import { startWorker, type RunningWorker } from "../src/runtime/start-worker.js";
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from "./private-redis.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
const redisAvailable = hasRedisServer();
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the host role tests (an API-only host and a worker on PostgreSQL and Redis).");
else if (!redisAvailable) console.warn("redis-server is not installed: skipping the host role tests, which run on a Redis of their own.");

const logger = createHostLogger({ logLevel: "silent" });
const completedRuns = (metrics: string) => Number(/neonhub_agent_runs_total\{[^}]*agent="onboarding-sequence"[^}]*status="COMPLETED"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0);
const refusal = async (starting: Promise<unknown>) => {
  try {
    await starting;
  } catch (error) {
    return isNeonhubError(error) ? { code: error.code, message: error.message } : error;
  }
  return null;
};

describe.skipIf(!baseUrl || !redisAvailable)("host roles in one process each: an API-only host and a worker", () => {
  const key = `nh_roles_${randomUUID().replaceAll("-", "")}`;
  let scratch: ScratchDatabase;
  let redis: PrivateRedis;
  let host: RunningHost;
  let worker: RunningWorker;
  const environment = () => ({
    DATABASE_URL: scratch.url,
    REDIS_URL: redis.url,
    NEONHUB_DEV_API_KEY: key,
    NEONHUB_QUEUE_PREFIX: `roles-${randomUUID().slice(0, 8)}`,
    PORT: "0",
    NEONHUB_WORKER_PORT: "0",
  });

  let prefix: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "roles");
    redis = await startPrivateRedis();
    const shared = environment();
    prefix = shared.NEONHUB_QUEUE_PREFIX;
    host = await startHost(loadHostConfig({ ...shared, NEONHUB_ROLE: "api" }), logger, () => undefined);
    worker = await startWorker(loadHostConfig({ ...shared, NEONHUB_ROLE: "worker" }), logger);
  });
  afterAll(async () => {
    await host?.stop();
    await worker?.stop();
    await redis?.stop();
    await scratch?.drop();
  });

  const post = (body: unknown) => fetch(`${host.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const input = (name: string) => ({ name, email: `${name.toLowerCase()}@example.com`, teamChannelId: "1311000000000000001" });

  it("runs synchronous runs on the API host and queued ones on the worker, which serves only health and metrics", async () => {
    const synchronous = await post({ agent: "onboarding-sequence", input: input("Ada") });
    expect(synchronous.status).toBe(200);
    expect(((await synchronous.json()) as { status: string }).status).toBe("COMPLETED");

    const wakes = vi.spyOn(host.orchestrator, "wakeRunWaiters");
    const queued = await post({ agent: "onboarding-sequence", input: input("Grace"), async: true });
    expect(queued.status).toBe(202);
    const { id } = (await queued.json()) as { id: string };
    // The API host waits for the end of a run that the worker executes: it reads it in the database, woken by the
    // worker's note through Redis rather than at its next look.
    const waited = await fetch(`${host.url}/v1/runs/${id}?waitMs=20000`, { headers: { authorization: `Bearer ${key}` } });
    expect(waited.status).toBe(200);
    expect(((await waited.json()) as { status: string }).status).toBe("COMPLETED");
    await vi.waitFor(() => expect(wakes).toHaveBeenCalledWith(id), { timeout: 5_000 });
    wakes.mockRestore();
    // Each process counts the runs it executed: the synchronous one here, the queued one on the worker.
    expect(completedRuns(await (await fetch(`${host.url}/metrics`)).text())).toBe(1);
    expect(completedRuns(await (await fetch(`${worker.url}/metrics`)).text())).toBe(1);

    const health = await fetch(`${worker.url}/api/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { checks: Record<string, unknown> }).checks).toEqual({ database: expect.anything(), clock: expect.anything(), redis: expect.anything(), queuedRuns: expect.anything() });
    expect((await fetch(`${worker.url}/v1/runs/${id}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  });

  it("keeps every key it writes in Redis under NEONHUB_QUEUE_PREFIX, the admission windows of runs included", async () => {
    // Deployments that share a Redis are kept apart by their prefix: one's limits must not count another's runs.
    const client = new Redis(redis.url, { lazyConnect: true });
    try {
      await client.connect();
      const keys = await client.keys("*");
      expect(keys.some((redisKey) => redisKey.startsWith(`${prefix}:admission:`))).toBe(true);
      expect(keys.filter((redisKey) => !redisKey.startsWith(`${prefix}:`))).toEqual([]);
    } finally {
      client.disconnect();
    }
  });

  /** Opens the API host's live stream and keeps what arrives: every run's statuses, and the raw text. */
  const openRunStream = async () => {
    const stream = await fetch(`${host.url}/v1/runs/events`, { headers: { authorization: `Bearer ${key}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    const decoder = new TextDecoder();
    const received = { text: "", seen: new Map<string, Set<string>>() };
    const reading = (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        received.text += decoder.decode(value, { stream: true });
        received.seen.clear();
        for (const match of received.text.matchAll(/event: runs\ndata: (.*)\n\n/g)) {
          for (const event of JSON.parse(match[1]!) as Array<{ id: string; status: string }>) {
            received.seen.set(event.id, (received.seen.get(event.id) ?? new Set()).add(event.status));
          }
        }
      }
    })().catch(() => undefined);
    const close = async () => {
      await reader.cancel();
      await reading;
    };
    return { received, close };
  };

  it("streams the runs a worker executes to the API host's live view, through Redis", async () => {
    const { received, close } = await openRunStream();
    try {
      // The route subscribed before answering 200, so a run enqueued now is seen from its creation.
      const queued = await post({ agent: "onboarding-sequence", input: input("Hedy"), async: true });
      const { id } = (await queued.json()) as { id: string };
      // Only the worker's process, which ran it, published its end.
      await vi.waitFor(() => expect(received.seen.get(id)?.has("COMPLETED")).toBe(true), { timeout: 20_000, interval: 100 });
    } finally {
      await close();
    }
  });

  it("refuses a worker role on the API entry and a worker without Redis or a database server", async () => {
    const shared = environment();
    expect(await refusal(startHost(loadHostConfig({ ...shared, NEONHUB_ROLE: "worker" }), logger))).toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/start:worker/) });
    expect(await refusal(startWorker({ ...loadHostConfig({ ...shared, NEONHUB_ROLE: "worker" }), redisUrl: null }, logger))).toMatchObject({
      code: "CONFIGURATION_INVALID",
      message: expect.stringMatching(/REDIS_URL and DATABASE_URL/),
    });
  });

  it("tells the live streams to read their lists again once Redis is back, since events sent meanwhile were lost", async () => {
    const { received, close } = await openRunStream();
    try {
      expect(received.text).not.toContain("event: resync");
      // SIGKILL and a new empty server: every connection drops, and Pub/Sub keeps nothing.
      await redis.restart();
      await vi.waitFor(() => expect(received.text).toContain("event: resync\ndata: {}\n\n"), { timeout: 20_000, interval: 100 });
      // The stream goes on: a queued run after the outage reaches it from the worker.
      const queued = await post({ agent: "onboarding-sequence", input: input("Joan"), async: true });
      const { id } = (await queued.json()) as { id: string };
      await vi.waitFor(() => expect(received.seen.get(id)?.has("COMPLETED")).toBe(true), { timeout: 30_000, interval: 100 });
    } finally {
      await close();
    }
  }, 60_000);
});

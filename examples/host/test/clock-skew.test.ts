import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { systemClock, type Clock } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEVELOPMENT_CALLER } from "../src/auth/provision-development-key.js";
import { loadHostConfig } from "../src/config/host-config.js";
import { createHostLogger } from "../src/runtime/create-logger.js";
import { startHost, type RunningHost } from "../src/runtime/start-host.js";
import { createRunHeldElsewhere } from "./run-held-elsewhere.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: the clock skew host test runs on PGlite only.");

const AHEAD_MS = 60_000;
const KEY = `nh_clock_${randomUUID().replaceAll("-", "")}`;

/** The system clock, `aheadMs` ahead: the host's timers keep their pace, its idea of the time does not. */
const clockAhead = (aheadMs: number): Clock => ({ ...systemClock, now: () => Date.now() + aheadMs });
const aheadClock = clockAhead(AHEAD_MS);

/** A database for the host: an embedded one in a folder, or a scratch PostgreSQL database. */
interface HostDatabase {
  environment: Record<string, string>;
  remove(): Promise<void>;
}

const embedded = async (): Promise<HostDatabase> => {
  const folder = await mkdtemp(join(tmpdir(), "neonhub-clock-"));
  return { environment: { NEONHUB_DATA_DIR: folder }, remove: () => rm(folder, { recursive: true, force: true }) };
};
const postgres = async (): Promise<HostDatabase> => {
  const scratch: ScratchDatabase = await createScratchDatabase(baseUrl as string, "clock");
  return { environment: { DATABASE_URL: scratch.url }, remove: () => scratch.drop() };
};

// One database per kind for both hosts below, one after the other: opening a database (its migrations) is most of
// this file's time.
describe.each([
  ["PGlite", embedded, false],
  ["PostgreSQL", postgres, !baseUrl],
] as const)("clock skew on %s", (_name, openDatabase, skip) => {
  let database: HostDatabase;
  beforeAll(async () => {
    if (!skip) database = await openDatabase();
  });
  afterAll(async () => {
    await database?.remove();
  });

  describe("a host whose clock runs 60 s ahead of the database's", () => {
    const lines: Array<{ msg?: string; offsetMs?: number }> = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as { msg?: string });
        done();
      },
    });
    let host: RunningHost;

    beforeAll(async () => {
      if (skip) return;
      const config = loadHostConfig({ ...database.environment, NEONHUB_DEV_API_KEY: KEY, PORT: "0", NEONHUB_SWEEP_INTERVAL_MS: "100" });
      host = await startHost(config, createHostLogger({ logLevel: "info" }, destination), () => undefined, { clock: aheadClock });
    });
    afterAll(async () => {
      await host?.stop();
    });

    /** A run another host holds: `RUNNING` under a lease that ends at `leaseEndsAt` by the database's clock. */
    const runHeldElsewhere = (leaseEndsAt: number): Promise<string> => createRunHeldElsewhere(host, "other-host", leaseEndsAt);

    it.skipIf(skip)("fails the clock check of /api/health with the offset, and exports it", async () => {
      const health = await fetch(`${host.url}/api/health`);
      expect(health.status).toBe(503);
      const body = (await health.json()) as { status: string; checks: Record<string, { status: string; detail?: string }> };
      expect(body.status).toBe("unavailable");
      expect(body.checks.database?.status).toBe("up");
      expect(body.checks.clock?.status).toBe("down");
      const detail = /this host's clock is (\d+) ms ahead of the database's \(±\d+ ms\), beyond NEONHUB_MAX_CLOCK_SKEW_MS=5000/.exec(body.checks.clock?.detail ?? "");
      expect(detail, body.checks.clock?.detail).not.toBeNull();
      expect(Math.abs(Number(detail?.[1]) - AHEAD_MS)).toBeLessThan(1_000);

      const offset = /^neonhub_clock_offset_seconds (\S+)$/m.exec(await (await fetch(`${host.url}/metrics`)).text());
      expect(Math.abs(Number(offset?.[1]) + AHEAD_MS / 1000)).toBeLessThan(1);
    });

    it.skipIf(skip)("claims no lapsed run, whether its lease lapsed by its own clock only or by the database's too", async () => {
      const renewedElsewhere = await runHeldElsewhere(Date.now() + 20_000);
      const lapsed = await runHeldElsewhere(Date.now() - 1_000);
      // By the host's clock both leases lapsed: without the guard, this sweep would take both.
      expect(aheadClock.now()).toBeGreaterThan(Date.now() + 20_000);
      expect(await host.orchestrator.resumeDueRuns()).toBe(0);
      for (const runId of [renewedElsewhere, lapsed]) {
        expect(await host.orchestrator.store.getRun(DEVELOPMENT_CALLER.organizationId, runId)).toMatchObject({ status: "RUNNING", leaseOwner: "other-host", fence: 1 });
      }
      expect(lines.filter((line) => line.msg?.startsWith("run takeover paused"))).toHaveLength(1);
      expect(lines.find((line) => line.msg === "clock measured against the database's")?.offsetMs).toBeLessThan(-AHEAD_MS + 1_000);
    });
  });

  /** The first whole minute after `ms`. */
  const minuteAfter = (ms: number): number => (Math.floor(ms / 60_000) + 1) * 60_000;

  describe("a host whose clock runs 90 s ahead of the database's, within its maximum", () => {
    // Not a whole minute ahead, so that the minute ticks its own clock and the database's give can never coincide.
    const aheadMs = 90_000;
    let host: RunningHost;

    beforeAll(async () => {
      if (skip) return;
      const config = loadHostConfig({
        ...database.environment,
        NEONHUB_DEV_API_KEY: KEY,
        PORT: "0",
        NEONHUB_RUN_LEASE_MS: "240000",
        NEONHUB_MAX_CLOCK_SKEW_MS: "120000",
        NEONHUB_SCHEDULER_INTERVAL_MS: "100",
        // Takeovers are swept by the test alone.
        NEONHUB_SWEEP_INTERVAL_MS: "600000",
      });
      host = await startHost(config, createHostLogger({ logLevel: "warn" }, new Writable({ write: (_chunk, _encoding, done) => done() })), () => undefined, { clock: clockAhead(aheadMs) });
    });
    afterAll(async () => {
      await host?.stop();
    });

    /** Passes of this host's scheduler that listed due schedules, as its metrics count them. */
    async function schedulerPasses(): Promise<number> {
      const text = await (await fetch(`${host.url}/metrics`)).text();
      return [...text.matchAll(/^neonhub_background_passes_total\{[^}]*task="schedules"[^}]*\} (\S+)$/gm)].reduce((total, match) => total + Number(match[1]), 0);
    }

    it.skipIf(skip)("gives a new schedule its tick by the database's clock, and starts no tick before the database's clock reaches it", async () => {
      expect((await fetch(`${host.url}/api/health`)).status).toBe(200);
      // At least 10 s ahead by the database's clock, the system clock here; at least 20 s past by the host's.
      const tickAt = minuteAfter(Date.now() + 10_000);
      const tick = new Date(tickAt);
      const created = await fetch(`${host.url}/v1/schedules`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ agent: "seo-analyst", cron: `${tick.getUTCMinutes()} ${tick.getUTCHours()} * * *`, timeZone: "UTC", input: { siteUrl: "sc-domain:example.com", lastDays: 7 } }),
      });
      expect(created.status).toBe(201);
      const schedule = (await created.json()) as { id: string; nextRunAt: string };
      // By the host's own clock the tick has passed today, and the next one would be tomorrow's.
      expect(schedule.nextRunAt).toBe(tick.toISOString());

      const passes = await schedulerPasses();
      await vi.waitFor(async () => expect(await schedulerPasses()).toBeGreaterThanOrEqual(passes + 3), { timeout: 10_000, interval: 50 });
      expect(Date.now()).toBeLessThan(tickAt);
      const { runs } = await host.orchestrator.store.listRuns({ organizationId: DEVELOPMENT_CALLER.organizationId, limit: 100 });
      expect(runs.filter((run) => run.idempotencyKey?.startsWith(`schedule:${schedule.id}:`))).toEqual([]);
    });

    it.skipIf(skip)("stamps the runs it starts by the database's clock, and takes over only the leases that lapsed by it", async () => {
      const started = await fetch(`${host.url}/v1/runs`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ agent: "seo-analyst", input: { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" } }),
      });
      expect(started.status).toBe(200);
      const run = (await started.json()) as { status: string; createdAt: string; startedAt: string; completedAt: string };
      expect(run.status).toBe("COMPLETED");
      // The database runs on this machine: its clock is the system clock here, 90 s behind the host's.
      for (const at of [run.createdAt, run.startedAt, run.completedAt]) expect(Math.abs(Date.parse(at) - Date.now())).toBeLessThan(5_000);

      // Live for another 30 s by the database's clock, lapsed 60 s ago by the host's own.
      const live = await createRunHeldElsewhere(host, "other-host", Date.now() + 30_000);
      const lapsed = await createRunHeldElsewhere(host, "other-host", Date.now() - 1_000);
      // (The sweep may also take the runs the host above left held elsewhere in this database.)
      await host.orchestrator.resumeDueRuns();
      expect(await host.orchestrator.store.getRun(DEVELOPMENT_CALLER.organizationId, live)).toMatchObject({ status: "RUNNING", leaseOwner: "other-host", fence: 1 });
      await vi.waitFor(async () => expect(await host.orchestrator.store.getRun(DEVELOPMENT_CALLER.organizationId, lapsed)).toMatchObject({ status: "COMPLETED", fence: 2 }), { timeout: 10_000, interval: 50 });
    });
  });
});

import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killProcess, startHostProcess, type HostProcess } from "./host-process.js";
import { ProviderLedger } from "./provider-ledger.js";
import { connectToLedger, createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: skipping the SIGKILL tests of durable runs on PostgreSQL.");

/** Rounds of kill and restart; each kills the host at one of the agent's five side effects. */
const ROUNDS = Number(process.env.NEONHUB_KILL_ROUNDS ?? 20);
const STEPS = 5;
const CHANNEL_ID = "1311000000000000001";

/** The list with each run of equal neighbours kept once. */
const withoutRepeats = <T>(items: readonly T[]): T[] => items.filter((item, index) => index === 0 || items[index - 1] !== item);

describe.skipIf(!baseUrl)("durable runs when the host is killed with SIGKILL mid-run", { timeout: 30 * 60_000 }, () => {
  const key = `nh_kill_${randomUUID().replaceAll("-", "")}`;
  const credentialsKey = randomBytes(32).toString("hex");
  const ledger = new ProviderLedger();
  let scratch: ScratchDatabase;
  /** A connection to the test's own database, to read what the hosts wrote. */
  let db: pg.Client;
  let host: HostProcess | null = null;

  const environment = () => ({
    DATABASE_URL: scratch.url,
    NEONHUB_DEV_API_KEY: key,
    NEONHUB_CONNECTORS_MODE: "live",
    NEONHUB_CREDENTIALS_KEY: credentialsKey,
    // Short leases, frequent sweeps: a dead host's run is taken over within about two seconds.
    NEONHUB_RUN_LEASE_MS: "1500",
    // Below two thirds of the short lease, as the host requires.
    NEONHUB_SWEEP_INTERVAL_MS: "200",
  });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${host!.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers } });
  const killHost = () => killProcess(host!);
  const openRows = async () =>
    (await db.query<{ status: string; count: number }>(`SELECT "status"::text AS "status", count(*)::int AS "count" FROM "AgentRun" WHERE "status" IN ('QUEUED', 'RUNNING', 'WAITING') GROUP BY 1`, [])).rows;

  beforeAll(async () => {
    await ledger.start();
    scratch = await createScratchDatabase(baseUrl as string, "kill");
    await connectToLedger(scratch.url, credentialsKey, ledger);
    db = new pg.Client({ connectionString: scratch.url });
    await db.connect();
    host = await startHostProcess(environment());
  }, 180_000);
  afterAll(async () => {
    if (host) await host.terminate();
    await ledger.close();
    await db?.end();
    await scratch?.drop();
  }, 60_000);

  it(`delivers every side effect once and completes every run, over ${ROUNDS} kills at varied steps`, async () => {
    const runIds: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const killAt = (round % STEPS) + 1;
      const queued = round % 2 === 1;
      const held = ledger.holdDelivery(killAt);
      const started = api("/v1/runs", {
        method: "POST",
        body: JSON.stringify({ agent: "onboarding-sequence", input: { name: `Customer ${round}`, email: `customer-${round}@example.com`, teamChannelId: CHANNEL_ID }, async: queued }),
      }).catch(() => null);
      await held;
      const killedAt = Date.now();
      await killHost();
      // The caller of a synchronous run lost its answer with the host; the run itself is in PostgreSQL.
      await started;
      const [run] = (await db.query<{ id: string }>(`SELECT "id" FROM "AgentRun" WHERE "input"->>'email' = $1`, [`customer-${round}@example.com`])).rows;
      expect(run, `round ${round}: the run was recorded before its first side effect`).toBeDefined();
      runIds.push(run!.id);

      host = await startHostProcess(environment());
      let final: { status: string; toolExecutions: Array<{ stepKey: string; startedAt: string; status: string }>; steps: Array<{ key: string; status: string }> } | undefined;
      for (let poll = 0; poll < 600; poll += 1) {
        const body = (await (await api(`/v1/runs/${run!.id}`)).json()) as typeof final;
        if (body && body.status !== "RUNNING" && body.status !== "QUEUED") {
          final = body;
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(final?.status, `round ${round} (killed at side effect ${killAt}, ${queued ? "queued" : "synchronous"})`).toBe("COMPLETED");
      expect(final!.steps.map((step) => step.status)).toEqual(Array(STEPS).fill("SUCCEEDED"));
      // Steps that ended before the kill were replayed from the journal, not executed again. The step in flight at the
      // kill was journaled as started first (Resend and Discord keep keys for a while), so its cut-off call is on record.
      const beforeKill = final!.toolExecutions.filter((tool) => Date.parse(tool.startedAt) < killedAt);
      const afterRestart = final!.toolExecutions.filter((tool) => Date.parse(tool.startedAt) >= killedAt);
      expect(beforeKill.map((tool) => tool.stepKey)).toEqual(final!.steps.slice(0, killAt).map((step) => step.key));
      expect(beforeKill.at(-1)).toMatchObject({ status: "FAILED", error: { code: "STEP_OUTCOME_UNKNOWN" } });
      // A step may show more than once in a row after the restart: on a starved machine the restarted host renews its
      // lease late, loses it to its own sweep, and its cut-off call is on record as STEP_OUTCOME_UNKNOWN before the
      // next execution repeats it with its key, which the ledger below checks was delivered once.
      expect(withoutRepeats(afterRestart.map((tool) => tool.stepKey))).toEqual(final!.steps.slice(killAt - 1).map((step) => step.key));
      expect(ledger.duplicates(), `round ${round}`).toEqual([]);
      expect(await openRows(), `round ${round}: nothing left open`).toEqual([]);
    }
    expect(new Set(runIds).size).toBe(ROUNDS);
    expect(ledger.entries.size).toBe(ROUNDS * STEPS);
    // The step the host died in was sent again with its key, and the provider did not act twice. (Other steps may
    // have been retried with their key too, after a slow answer: also without a second delivery.)
    expect(ledger.heldKeys).toHaveLength(ROUNDS);
    for (const key of ledger.heldKeys) expect(ledger.entries.get(key)).toMatchObject({ deliveries: 1, requests: expect.any(Number) });
    expect(ledger.heldKeys.every((key) => (ledger.entries.get(key)?.requests ?? 0) >= 2)).toBe(true);
    const runningTools = await db.query<{ count: number }>(`SELECT count(*)::int AS "count" FROM "ToolExecution" WHERE "status" = 'RUNNING'`);
    expect(runningTools.rows[0]?.count).toBe(0);
    console.info(`durable runs: ${ROUNDS} SIGKILLs, ${ledger.entries.size} side effects, none delivered twice`);
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROCESS_TEST_TIMEOUT_MS, startHostProcess, type HostProcess } from "./host-process.js";

const KEY = "nh_shutdown_test_key_0123456789abcdef";
const headers = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
const seoRun = { agent: "seo-analyst", input: { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" } };

async function waitForStatus(host: HostProcess, runId: string, status: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const run = (await (await fetch(`${host.url}/v1/runs/${runId}`, { headers })).json()) as { status: string };
    if (run.status === status) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} never reached ${status}`);
}

describe("graceful shutdown of the host process", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  let host: HostProcess | null = null;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-shutdown-"));
  });
  afterAll(async () => {
    if (host) await host.terminate();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("lets an in-flight run finish within the deadline, then exits 0", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY, NEONHUB_MOCK_LATENCY_MS: "600", NEONHUB_SHUTDOWN_DEADLINE_MS: "10000" });
    const inFlight = fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify(seoRun) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const exit = host.terminate();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { status: string }).status).toBe("COMPLETED");
    expect(await exit).toBe(0);
    host = null;
  });

  it("cancels what is still running at the deadline, so that nothing stays RUNNING", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY, NEONHUB_MOCK_LATENCY_MS: "20000", NEONHUB_SHUTDOWN_DEADLINE_MS: "300" });
    const queued = (await (await fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify({ ...seoRun, async: true }) })).json()) as { id: string };
    await waitForStatus(host, queued.id, "RUNNING");
    const inFlight = fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify(seoRun) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await host.terminate()).toBe(0);
    const answered = (await (await inFlight).json()) as { id: string; status: string; statusReason: string };
    expect(answered.status).toBe("CANCELLED");

    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: KEY });
    const runs = ((await (await fetch(`${host.url}/v1/runs?limit=100`, { headers })).json()) as { runs: Array<{ id: string; status: string }> }).runs;
    expect(runs.filter((run) => run.status === "RUNNING" || run.status === "QUEUED")).toEqual([]);
    expect(runs.find((run) => run.id === queued.id)?.status).toBe("CANCELLED");
    expect(runs.find((run) => run.id === answered.id)?.status).toBe("CANCELLED");
  });
});

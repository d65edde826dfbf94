import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { PROCESS_TEST_TIMEOUT_MS, printedDevelopmentKey, runTsx, startHostProcess, type HostProcess } from "./host-process.js";

describe("the host as a real process on the embedded database", { timeout: PROCESS_TEST_TIMEOUT_MS }, () => {
  let dataDir: string;
  let host: HostProcess | null = null;
  let key: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-host-"));
  });
  afterAll(async () => {
    if (host) await host.terminate();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("starts on PGlite, prints a development key once, and passes the smoke test", async () => {
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir });
    key = printedDevelopmentKey(host.stdout()) as string;
    expect(key).toMatch(/^nh_/);
    // The key is printed for the operator, never written into a log line.
    const logLines = host.stdout().split("\n").filter((line) => line.startsWith("{"));
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((line) => line.includes(key))).toBe(false);

    const health = await fetch(`${host.url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok", checks: { database: { status: "up" } } });

    const smoke = await runTsx("src/smoke/smoke.ts", ["--url", host.url, "--key", key], {});
    expect(smoke.stdout, smoke.stderr).toMatch(/All \d+ checks passed/);
    expect(smoke.code).toBe(0);

    // The learning loop on the embedded database: learning-tune summarizes the smoke test's seo-analyst run.
    const headers = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    const started = await fetch(`${host.url}/v1/runs`, { method: "POST", headers, body: JSON.stringify({ agent: "learning-tune", input: {} }) });
    expect([200, 202]).toContain(started.status);
    const runId = ((await started.json()) as { id: string }).id;
    await vi.waitFor(async () => {
      const tuning = (await (await fetch(`${(host as HostProcess).url}/v1/runs/${runId}`, { headers })).json()) as { status: string; output: unknown };
      expect(tuning).toMatchObject({ status: "COMPLETED", output: { agent: "seo-analyst", runs: expect.any(Number), change: expect.stringMatching(/^(raised|lowered|kept)$/) } });
      expect((tuning.output as { runs: number }).runs).toBeGreaterThan(0);
    }, { timeout: 15_000, interval: 100 });
  });

  it("exits cleanly on SIGTERM and keeps its runs and key across a restart", async () => {
    const before = await fetch(`${(host as HostProcess).url}/v1/runs?limit=100`, { headers: { authorization: `Bearer ${key}` } });
    const runs = ((await before.json()) as { runs: Array<{ id: string; status: string }> }).runs;
    expect(runs.length).toBeGreaterThan(0);
    expect(await (host as HostProcess).terminate()).toBe(0);

    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir });
    expect(printedDevelopmentKey(host.stdout())).toBeNull();
    const after = await fetch(`${host.url}/v1/runs?limit=100`, { headers: { authorization: `Bearer ${key}` } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as { runs: Array<{ id: string }> }).runs.map((run) => run.id)).toEqual(runs.map((run) => run.id));
  });

  it("refuses a key revoked with the keys command", async () => {
    expect(await (host as HostProcess).terminate()).toBe(0);
    host = null;
    const created = await runTsx("src/cli/keys.ts", ["create", "--org", "org_ops", "--user", "user_ops", "--name", "ops"], { NEONHUB_DATA_DIR: dataDir });
    expect(created.code, created.stderr).toBe(0);
    const opsKey = /\n(nh_[A-Za-z0-9_-]+)\n/.exec(created.stdout)?.[1] as string;
    const keyId = /Created key ([0-9a-f-]{36})/.exec(created.stdout)?.[1] as string;
    const listed = await runTsx("src/cli/keys.ts", ["list", "--org", "org_ops"], { NEONHUB_DATA_DIR: dataDir });
    expect(listed.stdout).toContain(keyId);
    expect(listed.stdout).toContain("active");
    expect(listed.stdout).not.toContain(opsKey);

    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir });
    expect((await fetch(`${host.url}/v1/agents`, { headers: { authorization: `Bearer ${opsKey}` } })).status).toBe(200);
    await host.terminate();
    host = null;

    const revoked = await runTsx("src/cli/keys.ts", ["revoke", "--org", "org_ops", "--id", keyId], { NEONHUB_DATA_DIR: dataDir });
    expect(revoked.code).toBe(0);
    host = await startHostProcess({ NEONHUB_DATA_DIR: dataDir });
    expect((await fetch(`${host.url}/v1/agents`, { headers: { authorization: `Bearer ${opsKey}` } })).status).toBe(401);
  });

  it("refuses to start with an invalid configuration, naming the variable", async () => {
    const result = await runTsx("src/main.ts", [], { NEONHUB_DATA_DIR: dataDir, PORT: "not-a-port", NEONHUB_CONNECTORS_MODE: "sandbox" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("PORT");
    expect(result.stderr).toContain("NEONHUB_CONNECTORS_MODE");
    expect(result.stderr).not.toMatch(/\n\s+at /);

    const live = await runTsx("src/main.ts", [], { NEONHUB_DATA_DIR: dataDir, NEONHUB_CONNECTORS_MODE: "live", NEONHUB_CREDENTIALS_KEY: "" });
    expect(live.code).toBe(1);
    expect(live.stderr).toContain("NEONHUB_CREDENTIALS_KEY");

    const scope = await runTsx("src/main.ts", [], { NEONHUB_DATA_DIR: dataDir, NEONHUB_AGENT_BREAKER_SCOPE: "tenant" });
    expect(scope.code).toBe(1);
    expect(scope.stderr).toContain('NEONHUB_AGENT_BREAKER_SCOPE: must be "agent" or "organization"');
    expect(scope.stderr).not.toMatch(/\n\s+at /);

    // A blank role is unset, which the worker entry reads as a worker's.
    const worker = await runTsx("src/worker.ts", [], { NEONHUB_DATA_DIR: dataDir, NEONHUB_ROLE: " ", REDIS_URL: "", DATABASE_URL: "" });
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain("NEONHUB_ROLE=worker needs REDIS_URL");
  });
});

import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadHostConfig } from "../src/config/host-config.js";
import { createHostLogger } from "../src/runtime/create-logger.js";
import { startHost, type RunningHost } from "../src/runtime/start-host.js";
import { createRunHeldElsewhere } from "./run-held-elsewhere.js";

const KEY = `nh_takeover_${randomUUID().replaceAll("-", "")}`;

describe("a host with NEONHUB_MAX_RUN_TAKEOVERS=0", () => {
  let folder: string;
  let host: RunningHost;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), "neonhub-takeover-"));
    const config = loadHostConfig({ NEONHUB_DATA_DIR: folder, NEONHUB_DEV_API_KEY: KEY, PORT: "0", NEONHUB_MAX_RUN_TAKEOVERS: "0", NEONHUB_SWEEP_INTERVAL_MS: "60000" });
    host = await startHost(config, createHostLogger({ logLevel: "warn" }, new Writable({ write: (_chunk, _encoding, done) => done() })), () => undefined);
  });
  afterAll(async () => {
    await host?.stop();
    await rm(folder, { recursive: true, force: true });
  });

  it("starts every agent's run and takeover counters and every connector's breaker at zero before any run", async () => {
    const exposition = await (await fetch(`${host.url}/metrics`)).text();
    for (const agent of host.orchestrator.listAgents().map((listed) => listed.name)) {
      expect(exposition).toContain(`neonhub_agent_runs_total{agent="${agent}",status="FAILED"} 0`);
      expect(exposition).toContain(`neonhub_agent_run_takeovers_total{agent="${agent}",outcome="failed"} 0`);
    }
    expect(exposition).toContain('neonhub_connector_circuit_breaker_state{connector="slack"} 0');
  });

  it("fails a run whose host died instead of executing it, shows its takeovers and TAKEOVER_LIMIT in the API, and counts it on /metrics", async () => {
    const id = await createRunHeldElsewhere(host, "host-that-died", Date.now() - 1_000);
    expect(await host.orchestrator.resumeDueRuns()).toBe(1);
    const answer = await fetch(`${host.url}/v1/runs/${id}`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      status: "FAILED",
      statusReason: "takeover_limit",
      takeovers: 1,
      error: { code: "TAKEOVER_LIMIT", message: expect.stringContaining("taken over 1 time after") },
      toolExecutions: [],
    });
    const exposition = await (await fetch(`${host.url}/metrics`)).text();
    expect(exposition).toContain('neonhub_agent_run_takeovers_total{agent="seo-analyst",outcome="failed"} 1');
    expect(exposition).not.toMatch(/^neonhub_agent_run_takeovers_total\{[^}]*outcome="resumed"\} [1-9]/m);
  });
});

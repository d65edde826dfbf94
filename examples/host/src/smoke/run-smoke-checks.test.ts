import { createConnectorClient } from "@neonhub/connectors";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExampleAgents } from "../agents/example-agents.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";
import { formatSmokeReport, runSmokeChecks } from "./run-smoke-checks.js";

describe("the smoke checks against a host listening on 127.0.0.1", () => {
  let host: TestHost;
  let connectors: ReturnType<typeof createConnectorClient>;
  let baseUrl: string;
  beforeEach(async () => {
    connectors = createConnectorClient({ mode: "mock" });
    host = await createTestHost({ agents: createExampleAgents(connectors) });
    baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterEach(async () => {
    await host.app.close();
    await connectors.close();
  });

  it("passes every check on a healthy host, and reports them", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha });
    expect(results.filter((result) => !result.ok)).toEqual([]);
    expect(results.map((result) => result.name)).toEqual(expect.arrayContaining(["health", "metrics", "openapi", "auth required", "agents", "run", "idempotent replay", "run listed"]));
    const report = formatSmokeReport(results);
    expect(report).toContain(`All ${results.length} checks passed.`);
  });

  it("fails the checks that need a valid key, naming what went wrong", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.revoked, timeoutMs: 5_000 });
    const failed = results.filter((result) => !result.ok).map((result) => result.name);
    expect(failed).toEqual(expect.arrayContaining(["agents", "run"]));
    expect(results.find((result) => result.name === "health")?.ok).toBe(true);
    expect(formatSmokeReport(results)).toMatch(/FAIL\s+agents/);
  });

  it("fails the run check for an agent the host does not serve", async () => {
    const results = await runSmokeChecks({ baseUrl, apiKey: host.keys.alpha, agent: "no-such-agent", input: {} });
    expect(results.find((result) => result.name === "run")).toMatchObject({ ok: false, detail: expect.stringContaining("404") });
  });
});

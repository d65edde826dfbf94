import { createOrchestrator, defineAgent, UpstreamFailedError } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { sampleValue } from "./test-support/exposition.js";
import { promtoolAvailable, promtoolMissingMessage, runPromtool } from "./test-support/promtool.js";

/** Syncs a store; organizations whose store is down fail. */
const agentFailingFor = (down: Set<string>) =>
  defineAgent({
    name: "shop-sync",
    version: "1.0.0",
    description: "Syncs a store",
    input: z.object({}),
    output: z.object({}),
    policies: { breaker: { scope: "organization", failureThreshold: 2, resetTimeoutMs: 10_000 }, retry: { attempts: 1 } },
    handle: async (_input, context) => {
      if (down.has(context.organizationId)) throw new UpstreamFailedError("The store answered 503.");
      return {};
    },
  });

const runFor = (organizationId: string) => ({ agent: "shop-sync", input: {}, context: { userId: "user-1", organizationId } });

describe("metrics of an organization-scoped agent's breakers", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1), toFake: ["setTimeout", "clearTimeout", "Date"] }));
  afterEach(() => vi.useRealTimers());

  const setup = () => {
    const down = new Set(["org-a", "org-b"]);
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false, knownAgents: ["shop-sync"] });
    const orchestrator = createOrchestrator({ agents: [agentFailingFor(down)], metrics: metrics.sink, durability: { sweepIntervalMs: 0 } });
    return { down, metrics, orchestrator };
  };
  const failTwice = async (orchestrator: ReturnType<typeof setup>["orchestrator"], organizationId: string) => {
    for (let index = 0; index < 2; index += 1) await expect(orchestrator.orchestrate(runFor(organizationId))).rejects.toMatchObject({ code: "UPSTREAM_FAILED" });
  };

  it("gauges how many organizations' breakers are open, without the agent's state gauge", async () => {
    const { down, metrics, orchestrator } = setup();
    const value = async (name: string, labels: Record<string, string>) => sampleValue(await metrics.render(), `neonhub_${name}`, labels);
    expect(await value("circuit_breaker_open_organizations", { agent: "shop-sync" })).toBe(0);
    expect(await value("circuit_breaker_state", { agent: "shop-sync" })).toBeUndefined();

    await failTwice(orchestrator, "org-a");
    await failTwice(orchestrator, "org-b");
    await expect(orchestrator.orchestrate(runFor("org-c"))).resolves.toMatchObject({ status: "COMPLETED" });
    expect(await value("circuit_breaker_open_organizations", { agent: "shop-sync" })).toBe(2);
    expect(await value("circuit_breaker_failures_total", { agent: "shop-sync" })).toBe(4);
    expect(await value("circuit_breaker_transitions_total", { agent: "shop-sync", state: "open" })).toBe(2);

    down.delete("org-a");
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(orchestrator.orchestrate(runFor("org-a"))).resolves.toMatchObject({ status: "COMPLETED" });
    expect(await value("circuit_breaker_open_organizations", { agent: "shop-sync" })).toBe(0);
    expect(await value("circuit_breaker_transitions_total", { agent: "shop-sync", state: "closed" })).toBe(1);
    expect(await value("circuit_breaker_state", { agent: "shop-sync" })).toBeUndefined();
    await orchestrator.drain({ deadlineMs: 1_000 });
  });

  const inCi = process.env.CI === "true";
  if (!promtoolAvailable && !inCi) console.warn(promtoolMissingMessage);

  it.skipIf(!promtoolAvailable && !inCi)("produces an exposition that passes promtool check metrics", async () => {
    expect(promtoolAvailable, promtoolMissingMessage).toBe(true);
    const { metrics, orchestrator } = setup();
    await failTwice(orchestrator, "org-a");
    const exposition = await metrics.render();
    expect(exposition).toContain('neonhub_circuit_breaker_open_organizations{agent="shop-sync"} 1');
    const result = runPromtool(["check", "metrics"], exposition);
    expect(result.output).toBe("");
    expect(result.status).toBe(0);
    await orchestrator.drain({ deadlineMs: 1_000 });
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { BreakerScope } from "../model/agent-policies.js";
import { scriptedAgent, settle, setup } from "./orchestrator-test-kit.js";

/** One organization's provider is down: its runs of the agent fail while the other organization's succeed. */
const downFor = (failing: string) =>
  scriptedAgent(async (input, context) => {
    if (context.organizationId === failing) throw new Error("store answered 503");
    return input;
  });

const requestOf = (organizationId: string) => ({ agent: "writer", input: { text: "x" }, context: { userId: `user-${organizationId}`, organizationId } });

describe("orchestrate: breakers per organization", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  const orchestratorWith = (scope: BreakerScope | undefined) => {
    const agent = downFor("org-a");
    const policies = { retry: { attempts: 1 }, ...(scope ? { breaker: { scope } } : {}) };
    return { agent, ...setup([agent], { policies }) };
  };

  it("opens org A's breaker on its failures while org B's runs of the same agent still run", async () => {
    const { orchestrator, agent, metrics } = orchestratorWith("organization");
    for (let index = 0; index < 3; index += 1) expect(await settle(orchestrator.orchestrate(requestOf("org-a")))).toMatchObject({ code: "HANDLER_FAILED" });
    expect(await settle(orchestrator.orchestrate(requestOf("org-a")))).toMatchObject({ code: "CIRCUIT_OPEN", retryAfterMs: 10_000 });
    await expect(orchestrator.orchestrate(requestOf("org-b"))).resolves.toMatchObject({ status: "COMPLETED", organizationId: "org-b" });
    expect(agent.handle).toHaveBeenCalledTimes(4);
    expect(orchestrator.listAgents("org-a")[0]).toMatchObject({ breakerState: "open", breakerScope: "organization" });
    expect(orchestrator.listAgents("org-b")[0]).toMatchObject({ breakerState: "closed", breakerScope: "organization" });
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("closed");
    expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "writer", kind: "agent", state: "open", scope: "organization" }]);
    expect(metrics.ofType("breakerOpenOrganizationsChanged")).toEqual([
      { agent: "writer", open: 0 },
      { agent: "writer", open: 1 },
    ]);
  });

  it("recovers org A through its own half-open trial", async () => {
    let down = true;
    const agent = scriptedAgent(async (input, context) => {
      if (down && context.organizationId === "org-a") throw new Error("store answered 503");
      return input;
    });
    const { orchestrator } = setup([agent], { policies: { retry: { attempts: 1 }, breaker: { scope: "organization" } } });
    for (let index = 0; index < 3; index += 1) await settle(orchestrator.orchestrate(requestOf("org-a")));
    down = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(orchestrator.listAgents("org-a")[0]?.breakerState).toBe("half_open");
    await expect(orchestrator.orchestrate(requestOf("org-a"))).resolves.toMatchObject({ status: "COMPLETED" });
    expect(orchestrator.listAgents("org-a")[0]?.breakerState).toBe("closed");
  });

  it.each([["the default", undefined], ["the agent scope", "agent"]] as const)("with %s, org A's failures open the agent for org B too", async (_label, scope) => {
    const { orchestrator, agent, metrics } = orchestratorWith(scope);
    for (let index = 0; index < 3; index += 1) await settle(orchestrator.orchestrate(requestOf("org-a")));
    expect(await settle(orchestrator.orchestrate(requestOf("org-b")))).toMatchObject({ code: "CIRCUIT_OPEN" });
    expect(agent.handle).toHaveBeenCalledTimes(3);
    expect(orchestrator.listAgents("org-b")[0]).toMatchObject({ breakerState: "open", breakerScope: "agent" });
    expect(orchestrator.listAgents()[0]?.breakerState).toBe("open");
    expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "writer", kind: "agent", state: "open" }]);
    expect(metrics.ofType("breakerOpenOrganizationsChanged")).toEqual([]);
  });

  it("refuses an unknown scope or a bad maxOrganizations, in an agent's policies or the defaults", () => {
    const agentWith = (breaker: object) => scriptedAgent(async (input) => input, { policies: { breaker } as never });
    expect(() => setup([agentWith({ scope: "tenant" })])).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining('breaker.scope must be one of "agent", "organization", got "tenant"') }));
    expect(() => setup([agentWith({ scope: "organization", maxOrganizations: 0 })])).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("breaker.maxOrganizations") }));
    expect(() => setup([], { policies: { breaker: { scope: "user" as never } } })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringMatching(/^Orchestrator policies: breaker.scope/) }),
    );
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_RUN_POLICIES, type BreakerPolicy } from "../model/agent-policies.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import { systemClock } from "../telemetry/system-clock.js";
import { createAgentBreakers, type AgentBreakers } from "./agent-breakers.js";

const fail = () => Promise.reject(new Error("down"));
const succeed = () => Promise.resolve("ok");

describe("agent breakers", () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.UTC(2026, 0, 1) }));
  afterEach(() => vi.useRealTimers());

  const setup = (policy: Partial<BreakerPolicy>) => {
    const metrics = createRecordingMetricsSink();
    const breakers = createAgentBreakers({
      agent: "writer",
      policy: { ...DEFAULT_RUN_POLICIES.breaker, failureThreshold: 2, resetTimeoutMs: 10_000, ...policy },
      metrics,
      clock: systemClock,
      isFailure: () => true,
    });
    return { breakers, metrics };
  };
  const failTwice = async (breakers: AgentBreakers, organizationId: string) => {
    for (let index = 0; index < 2; index += 1) await expect(breakers.execute(organizationId, fail)).rejects.toThrow("down");
  };

  it("with the agent scope, gives every organization the same breaker", async () => {
    const { breakers, metrics } = setup({ scope: "agent" });
    await failTwice(breakers, "org-a");
    expect(breakers.state("org-b")).toBe("open");
    expect(breakers.state()).toBe("open");
    await expect(breakers.execute("org-b", succeed)).rejects.toMatchObject({ code: "CIRCUIT_OPEN" });
    expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "writer", kind: "agent", state: "open" }]);
    expect(metrics.ofType("breakerOpenOrganizationsChanged")).toEqual([]);
    breakers.shutdown();
  });

  it("with the organization scope, opens only the failing organization's breaker and counts open organizations", async () => {
    const { breakers, metrics } = setup({ scope: "organization" });
    expect(metrics.ofType("breakerOpenOrganizationsChanged")).toEqual([{ agent: "writer", open: 0 }]);
    await failTwice(breakers, "org-a");
    expect(breakers.state("org-a")).toBe("open");
    expect(breakers.state("org-b")).toBe("closed");
    expect(breakers.state()).toBe("closed");
    await expect(breakers.execute("org-b", succeed)).resolves.toBe("ok");
    await expect(breakers.execute("org-a", succeed)).rejects.toMatchObject({ code: "CIRCUIT_OPEN", retryAfterMs: 10_000 });
    expect(breakers.openOrganizations()).toBe(1);
    expect(metrics.ofType("breakerStateChanged")).toEqual([{ name: "writer", kind: "agent", state: "open", scope: "organization" }]);
    expect(metrics.ofType("breakerFailure")).toEqual([
      { name: "writer", kind: "agent" },
      { name: "writer", kind: "agent" },
    ]);
    expect(metrics.ofType("breakerOpenOrganizationsChanged").at(-1)).toEqual({ agent: "writer", open: 1 });
    breakers.shutdown();
  });

  it("half-opens and recovers each organization on its own", async () => {
    const { breakers, metrics } = setup({ scope: "organization" });
    await failTwice(breakers, "org-a");
    await vi.advanceTimersByTimeAsync(4_000);
    await failTwice(breakers, "org-b");
    expect(breakers.openOrganizations()).toBe(2);
    await vi.advanceTimersByTimeAsync(6_000);
    expect(breakers.state("org-a")).toBe("half_open");
    expect(breakers.state("org-b")).toBe("open");
    await expect(breakers.execute("org-a", succeed)).resolves.toBe("ok");
    expect(breakers.state("org-a")).toBe("closed");
    expect(breakers.openOrganizations()).toBe(1);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(breakers.state("org-b")).toBe("half_open");
    await expect(breakers.execute("org-b", fail)).rejects.toThrow("down");
    expect(breakers.state("org-b")).toBe("open");
    expect(metrics.ofType("breakerOpenOrganizationsChanged").map((event) => event.open)).toEqual([0, 1, 2, 1, 0, 1]);
    breakers.shutdown();
  });

  it("keeps at most maxOrganizations breakers, and an evicted open breaker is forgotten closed", async () => {
    const { breakers, metrics } = setup({ scope: "organization", maxOrganizations: 4 });
    await failTwice(breakers, "org-0");
    expect(vi.getTimerCount()).toBe(1);
    // A failure gives an organization a breaker. Two generations of two: org-0 and org-1 move to the old one, then
    // org-4 drops them.
    for (let index = 1; index <= 4; index += 1) await expect(breakers.execute(`org-${index}`, fail)).rejects.toThrow("down");
    expect(breakers.trackedOrganizations()).toBe(3);
    expect(breakers.openOrganizations()).toBe(0);
    expect(metrics.ofType("breakerOpenOrganizationsChanged").at(-1)).toEqual({ agent: "writer", open: 0 });
    // Its reset timer stopped with it, and the organization's next run meets no open breaker.
    expect(vi.getTimerCount()).toBe(0);
    expect(breakers.state("org-0")).toBe("closed");
    await expect(breakers.execute("org-0", succeed)).resolves.toBe("ok");
    breakers.shutdown();
  });

  it("keeps a recently used organization's breaker while others are evicted", async () => {
    const { breakers } = setup({ scope: "organization", maxOrganizations: 4 });
    await failTwice(breakers, "org-0");
    for (let index = 1; index <= 6; index += 1) {
      await expect(breakers.execute(`org-${index}`, fail)).rejects.toThrow("down");
      // A refused run still uses the breaker, which keeps it in the young generation.
      await expect(breakers.execute("org-0", succeed)).rejects.toMatchObject({ code: "CIRCUIT_OPEN" });
    }
    expect(breakers.state("org-0")).toBe("open");
    expect(breakers.trackedOrganizations()).toBeLessThanOrEqual(4);
    breakers.shutdown();
  });

  it("makes no breaker for organizations whose runs succeed, and forgets one whose run succeeds while closed", async () => {
    const { breakers, metrics } = setup({ scope: "organization" });
    for (let index = 0; index < 100; index += 1) await breakers.execute(`org-${index}`, succeed);
    expect(breakers.trackedOrganizations()).toBe(0);
    await expect(breakers.execute("org-a", fail)).rejects.toThrow("down");
    expect(breakers.trackedOrganizations()).toBe(1);
    await breakers.execute("org-a", succeed);
    expect(breakers.trackedOrganizations()).toBe(0);
    // The success reset the count: one more failure does not reach the threshold of 2.
    await expect(breakers.execute("org-a", fail)).rejects.toThrow("down");
    expect(breakers.state("org-a")).toBe("closed");
    expect(metrics.ofType("breakerFailure")).toHaveLength(2);
    breakers.shutdown();
  });

  it("counts a failure that ends after a concurrent run of the organization opened its breaker", async () => {
    const { breakers, metrics } = setup({ scope: "organization" });
    let failLate: (error: Error) => void = () => undefined;
    const late = breakers.execute("org-a", () => new Promise((_resolve, reject) => (failLate = reject)));
    await failTwice(breakers, "org-a");
    expect(breakers.state("org-a")).toBe("open");
    failLate(new Error("late"));
    await expect(late).rejects.toThrow("late");
    expect(metrics.ofType("breakerFailure")).toHaveLength(3);
    expect(metrics.ofType("breakerStateChanged")).toHaveLength(1);
    breakers.shutdown();
  });

  it("reading a state makes no breaker", () => {
    const { breakers } = setup({ scope: "organization", maxOrganizations: 2 });
    for (let index = 0; index < 10; index += 1) expect(breakers.state(`org-${index}`)).toBe("closed");
    expect(breakers.openOrganizations()).toBe(0);
    breakers.shutdown();
  });
});

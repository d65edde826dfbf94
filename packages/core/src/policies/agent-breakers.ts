import type { BreakerPolicy, BreakerScope } from "../model/agent-policies.js";
import type { Clock } from "../ports/clock.js";
import type { BreakerState, MetricsSink } from "../ports/metrics-sink.js";
import { BoundedMap } from "../util/bounded-map.js";
import { createCircuitBreaker, type CircuitBreaker } from "./circuit-breaker.js";

/** Options of {@link createAgentBreakers}. */
export interface AgentBreakersOptions {
  agent: string;
  policy: BreakerPolicy;
  metrics: MetricsSink;
  clock: Clock;
  isFailure: (error: unknown) => boolean;
}

/** The breaker or breakers of one agent: one shared by every organization, or one per organization. */
export interface AgentBreakers {
  readonly scope: BreakerScope;
  /** The breaker that guards the organization's runs of the agent, made on its first run. */
  forOrganization(organizationId: string): CircuitBreaker;
  /**
   * The state the organization's runs meet. Without an organization, an organization-scoped agent has no one state
   * and reports `closed`. Reading a state neither makes a breaker nor refreshes its place in the bounded map.
   */
  state(organizationId?: string): BreakerState;
  /** Organizations whose breaker is open; always 0 for an agent-scoped breaker. */
  openOrganizations(): number;
  shutdown(): void;
}

/** Creates the breakers of an agent after its resolved breaker policy. */
export function createAgentBreakers(options: AgentBreakersOptions): AgentBreakers {
  const settings = {
    name: options.agent,
    kind: "agent" as const,
    failureThreshold: options.policy.failureThreshold,
    resetTimeoutMs: options.policy.resetTimeoutMs,
    metrics: options.metrics,
    clock: options.clock,
    isFailure: options.isFailure,
  };
  if (options.policy.scope === "agent") {
    const breaker = createCircuitBreaker(settings);
    return { scope: "agent", forOrganization: () => breaker, state: () => breaker.state(), openOrganizations: () => 0, shutdown: () => breaker.shutdown() };
  }
  return createOrganizationBreakers(options, settings);
}

function createOrganizationBreakers(options: AgentBreakersOptions, settings: Parameters<typeof createCircuitBreaker>[0]): AgentBreakers {
  // At most maxOrganizations entries: the set holds only organizations whose breaker is in the map.
  const open = new Set<string>();
  const reportOpen = (): void => options.metrics.breakerOpenOrganizationsChanged?.({ agent: options.agent, open: open.size });
  const track = (organizationId: string, isOpen: boolean): void => {
    const changed = isOpen ? !open.has(organizationId) : open.has(organizationId);
    if (!changed) return;
    if (isOpen) open.add(organizationId);
    else open.delete(organizationId);
    reportOpen();
  };
  // An evicted breaker is stopped and forgotten, open or not: the organization starts closed on its next run.
  const breakers = new BoundedMap<string, CircuitBreaker>(options.policy.maxOrganizations, (organizationId, breaker) => {
    breaker.shutdown();
    track(organizationId, false);
  });
  reportOpen();
  return {
    scope: "organization",
    forOrganization(organizationId) {
      let breaker = breakers.get(organizationId);
      if (breaker === undefined) {
        breaker = createCircuitBreaker({ ...settings, scope: "organization", onStateChange: (state) => track(organizationId, state === "open") });
        breakers.set(organizationId, breaker);
      }
      return breaker;
    },
    state: (organizationId) => (organizationId === undefined ? "closed" : (breakers.peek(organizationId)?.state() ?? "closed")),
    openOrganizations: () => open.size,
    shutdown() {
      for (const breaker of breakers.values()) breaker.shutdown();
      breakers.clear();
      open.clear();
    },
  };
}

import { z } from "zod";
import { AgentNotFoundError, ConfigurationError } from "../errors/errors.js";
import { RunInterruption } from "./run-interruption.js";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentDefinition } from "../model/agent-definition.js";
import type { RunPolicies, RunPolicyOverrides } from "../model/agent-policies.js";
import type { Clock } from "../ports/clock.js";
import type { MetricsSink } from "../ports/metrics-sink.js";
import { createAgentBreakers, type AgentBreakers } from "../policies/agent-breakers.js";
import { createConcurrencyLimiter, type ConcurrencyLimiter } from "../policies/concurrency-limiter.js";
import { checkAgentDefinition } from "../model/check-agent-definition.js";
import { checkPolicyOverrides } from "../policies/check-policy-overrides.js";
import { resolvePolicies } from "../policies/resolve-policies.js";

/** A registered agent with its resolved policies and its own breakers and limiter. */
export interface RegisteredAgent {
  definition: AgentDefinition;
  policies: RunPolicies;
  breakers: AgentBreakers | null;
  concurrency: ConcurrencyLimiter | null;
  /** The name and attributes of each run's `invoke_agent` span, made once rather than on every run. */
  span: { name: string; attributes: Readonly<Record<string, string>> };
  jsonSchemas(): { input: Record<string, unknown>; output: Record<string, unknown> };
}

/**
 * Errors that say nothing about the agent's health: cancellations and rate limits, and refusals of one caller's own
 * request (its input, its organization's credentials, its content). With the default agent scope the breaker is shared
 * by every organization, so counting a refusal would let one organization whose token was revoked close the agent to
 * all the others.
 */
const NOT_BREAKER_FAILURES: ReadonlySet<string> = new Set(["CANCELLED", "RATE_LIMITED", "UNAUTHORIZED", "VALIDATION_FAILED", "CONTENT_REFUSED"]);

const countsAsBreakerFailure = (error: unknown): boolean =>
  !RunInterruption.isInstance(error) && !(NeonhubError.isInstance(error) && NOT_BREAKER_FAILURES.has(error.code));

/** `io: "input"` describes what a caller may send (a field with a default may be left out); `"output"`, what is returned. */
const toJsonSchema = (schema: z.ZodType, io: "input" | "output"): Record<string, unknown> => {
  try {
    return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return {};
  }
};

/**
 * The agents of one orchestrator. Their number is what the user registers; an agent's breakers are one, or one per
 * organization in a map bounded by `breaker.maxOrganizations`.
 */
export class AgentRegistry {
  private readonly agents = new Map<string, RegisteredAgent>();

  constructor(
    private readonly defaults: RunPolicyOverrides | undefined,
    private readonly metrics: MetricsSink,
    private readonly clock: Clock,
  ) {
    // Checked once here, so that bad defaults are refused even before an agent is registered.
    checkPolicyOverrides("Orchestrator policies", "", defaults);
    resolvePolicies("Orchestrator policies", defaults);
  }

  /** @throws ConfigurationError for a definition `defineAgent` would refuse, or a second agent of the same name. */
  register(definition: AgentDefinition): RegisteredAgent {
    // Checked again here: a definition may be a plain object that never went through defineAgent.
    checkAgentDefinition(definition);
    if (this.agents.has(definition.name)) throw new ConfigurationError(`An agent named "${definition.name}" is already registered.`);
    const policies = resolvePolicies(`Agent "${definition.name}"`, this.defaults, definition.policies);
    let schemas: { input: Record<string, unknown>; output: Record<string, unknown> } | undefined;
    const entry: RegisteredAgent = {
      definition,
      policies,
      breakers: policies.breaker.enabled
        ? createAgentBreakers({ agent: definition.name, policy: policies.breaker, metrics: this.metrics, clock: this.clock, isFailure: countsAsBreakerFailure })
        : null,
      concurrency: policies.concurrency ? createConcurrencyLimiter(definition.name, policies.concurrency) : null,
      span: {
        name: `invoke_agent ${definition.name}`,
        attributes: Object.freeze({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": definition.name, "gen_ai.agent.version": definition.version }),
      },
      jsonSchemas: () => (schemas ??= { input: toJsonSchema(definition.input, "input"), output: toJsonSchema(definition.output, "output") }),
    };
    this.agents.set(definition.name, entry);
    return entry;
  }

  /** @throws AgentNotFoundError listing the registered agents. */
  get(name: string): RegisteredAgent {
    const entry = this.agents.get(name);
    if (!entry) throw new AgentNotFoundError(name, [...this.agents.keys()]);
    return entry;
  }

  list(): RegisteredAgent[] {
    return [...this.agents.values()];
  }

  shutdown(): void {
    for (const entry of this.agents.values()) entry.breakers?.shutdown();
  }
}

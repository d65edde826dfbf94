import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import { defineAgent, type AgentDefinition } from "./agent-definition.js";

/** A valid definition, with what a test changes: as a JavaScript caller or a configuration file would build it. */
const definitionWith = (changes: Record<string, unknown>): AgentDefinition =>
  ({
    name: "mailer",
    version: "1.0.0",
    description: "Sends mail",
    input: z.object({}),
    output: z.object({}),
    handle: async () => ({}),
    ...changes,
  }) as unknown as AgentDefinition;

const refusals: Array<[string, Record<string, unknown>, string]> = [
  ["a misspelled key of the agent", { polices: {} }, 'Agent "mailer": polices is not an option; the options of an agent are name, version, description, kind, input, output, queue, policies, handle.'],
  ["a misspelled retry option", { policies: { retry: { retires: 3 } } }, 'Agent "mailer": policies.retry.retires is not an option; the options of policies.retry are attempts, baseDelayMs, maxDelayMs, jitter.'],
  ["a policy the agent has not", { policies: { rateLimit: { limit: 5 } } }, "policies.rateLimit is not an option; the options of policies are breaker, retry, admission, concurrency, timeoutMs."],
  ["a misspelled breaker option", { policies: { breaker: { threshold: 5 } } }, "policies.breaker.threshold is not an option"],
  ["a misspelled concurrency option", { policies: { concurrency: { maxConcurrent: 2, maxQueued: 0, maxWaiting: 5 } } }, "policies.concurrency.maxWaiting is not an option"],
  ["an unknown breaker scope", { policies: { breaker: { scope: "organisation" } } }, 'policies.breaker.scope must be one of "agent", "organization", got "organisation".'],
  ["a flag given as text", { policies: { breaker: { enabled: "false" } } }, 'policies.breaker.enabled must be true or false, got "false".'],
  ["a jitter given as a number", { policies: { retry: { jitter: 0 } } }, "policies.retry.jitter must be true or false, got 0."],
  ["NaN attempts", { policies: { retry: { attempts: Number.NaN } } }, "policies.retry.attempts must be an integer of at least 1, got NaN."],
  ["a negative delay", { policies: { retry: { baseDelayMs: -1 } } }, "policies.retry.baseDelayMs must be an integer of at least 0, got -1."],
  ["a fractional limit", { policies: { admission: { limit: 2.5 } } }, "policies.admission.limit must be an integer of at least 1, got 2.5."],
  ["a count given as text", { policies: { admission: { windowMs: "60000" } } }, 'policies.admission.windowMs must be an integer of at least 1, got "60000".'],
  ["a concurrency cap without its queue", { policies: { concurrency: { maxConcurrent: 2 } } }, "policies.concurrency.maxQueued must be an integer of at least 0, got undefined."],
  ["a concurrency cap given as a number", { policies: { concurrency: 4 } }, "policies.concurrency must be an object or null, got 4."],
  ["a retry policy given as a number", { policies: { retry: 3 } }, "policies.retry must be an object, got 3."],
  ["policies given as an array", { policies: [] }, "policies must be an object, got an array."],
  // opossum waits the reset out in one Node.js timer, which would fire after 1 ms.
  ["a breaker reset longer than a timer holds", { policies: { breaker: { resetTimeoutMs: 2_147_483_648 } } }, "policies.breaker.resetTimeoutMs must be an integer from 1 to 2147483647, got 2147483648."],
  ["an infinite timeout", { policies: { timeoutMs: Number.POSITIVE_INFINITY } }, "policies.timeoutMs must be an integer of at least 1, got Infinity."],
  ["a description that is not text", { description: undefined }, 'Agent "mailer": description must be a string, got undefined.'],
  ["a kind that is not text", { kind: 7 }, 'Agent "mailer": kind must be a string, got 7.'],
];

describe("agent definitions", () => {
  it.each(refusals)("defineAgent refuses %s with CONFIGURATION_INVALID naming it", (_case, changes, message) => {
    expect(() => defineAgent(definitionWith(changes))).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(message) }));
  });

  it.each(refusals)("the orchestrator refuses %s in a definition made without defineAgent", (_case, changes, message) => {
    const agent = definitionWith(changes);
    expect(() => createOrchestrator({ agents: [agent] })).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(message) }));
    const orchestrator = createOrchestrator({ agents: [] });
    expect(() => orchestrator.registerAgent(agent)).toThrow(expect.objectContaining({ code: "CONFIGURATION_INVALID", message: expect.stringContaining(message) }));
  });

  it("refuses a misspelled key or a bad value in the orchestrator's default policies, naming it", () => {
    expect(() => createOrchestrator({ agents: [], policies: { retry: { retires: 3 } } as never })).toThrow(
      expect.objectContaining({ code: "CONFIGURATION_INVALID", message: "Orchestrator policies: retry.retires is not an option; the options of retry are attempts, baseDelayMs, maxDelayMs, jitter." }),
    );
    expect(() => createOrchestrator({ agents: [], policies: { timeout: 5_000 } as never })).toThrow(
      expect.objectContaining({ message: "Orchestrator policies: timeout is not an option; the options of the policies are breaker, retry, admission, concurrency, timeoutMs." }),
    );
    expect(() => createOrchestrator({ agents: [], policies: { admission: { enabled: 1 } } as never })).toThrow(
      expect.objectContaining({ message: "Orchestrator policies: admission.enabled must be true or false, got 1." }),
    );
  });

  it("accepts every option the types allow, at the edges of their ranges, and keys left undefined", () => {
    const agent = defineAgent({
      name: "mailer",
      version: "1.0.0",
      description: "",
      kind: undefined,
      input: z.object({}),
      output: z.object({}),
      queue: "mail",
      policies: {
        breaker: { enabled: false, failureThreshold: 1, resetTimeoutMs: 1, scope: "organization", maxOrganizations: 1 },
        retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, jitter: false },
        admission: { enabled: true, limit: 1, windowMs: 1 },
        concurrency: { maxConcurrent: 1, maxQueued: 0 },
        timeoutMs: 1,
      },
      handle: async () => ({}),
    });
    const plain = definitionWith({ name: "plain", kind: "email", queue: undefined, policies: { breaker: undefined, concurrency: null, timeoutMs: undefined } });
    const orchestrator = createOrchestrator({ agents: [agent, plain], policies: { retry: { jitter: true }, concurrency: null } });
    expect(orchestrator.listAgents().map((entry) => entry.name)).toEqual(["mailer", "plain"]);
  });
});

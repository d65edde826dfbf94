import { vi } from "vitest";
import { z } from "zod";
import { HandlerFailedError } from "../errors/errors.js";
import { defineAgent, type AgentDefinition } from "../model/agent-definition.js";
import type { RunContext } from "../model/run-context.js";
import type { RunStore } from "../ports/run-store.js";
import { createMemoryRunStore } from "../store/memory-run-store.js";
import { createRecordingLogger } from "../testing/recording-logger.js";
import { createRecordingMetricsSink } from "../testing/recording-metrics-sink.js";
import type { ManualClock } from "../testing/manual-clock.js";
import type { OrchestratorOptions } from "../orchestrator-types.js";
import { createOrchestrator } from "./create-orchestrator.js";

/** Shared fixtures of the orchestrator tests. */
export const caller = { userId: "user-1", organizationId: "org-1" };

export type Handler = (input: { text: string }, context: RunContext) => Promise<{ text: string }>;

/** An agent whose behaviour each test scripts through `handle`. */
export function scriptedAgent(handle: Handler, overrides: Partial<AgentDefinition> = {}): AgentDefinition {
  return defineAgent({
    name: "writer",
    version: "1.2.0",
    description: "Writes text",
    kind: "content",
    input: z.object({ text: z.string().min(1) }),
    output: z.object({ text: z.string() }),
    handle: vi.fn(handle),
    ...overrides,
  } as AgentDefinition<z.ZodObject<{ text: z.ZodString }>, z.ZodObject<{ text: z.ZodString }>>) as unknown as AgentDefinition;
}

/** A child agent that waits up to an hour for the signal "go": it stays open until the test sends it. */
export const goWaiter = (name = "waiter") =>
  defineAgent({
    name,
    version: "1.0.0",
    description: "Waits for a go",
    input: z.object({}),
    output: z.object({}),
    handle: async (_input, ctx) => (await ctx.waitForSignal("go", { timeoutMs: 3_600_000 }), {}),
  });

/** A child agent that scores a lead in one step, and a parent that scores each lead in a child run of it. */
export const scoreLead = defineAgent({
  name: "score-lead",
  version: "1.0.0",
  description: "Scores a lead",
  input: z.object({ email: z.string() }),
  output: z.object({ score: z.number() }),
  handle: async ({ email }, ctx) => ({ score: await ctx.step("score", async () => email.length) }),
});

export const scoreAll = defineAgent({
  name: "score-all",
  version: "1.0.0",
  description: "Scores each lead in a child run",
  input: z.object({ emails: z.array(z.string()) }),
  output: z.object({ total: z.number() }),
  handle: async ({ emails }, ctx) => {
    const scored = await Promise.all(emails.map((email) => ctx.runAgent(scoreLead, { email })));
    return { total: scored.reduce((sum, item) => sum + item.score, 0) };
  },
});

export const transientFailure = () => new HandlerFailedError("upstream flaked", { isRetryable: true });

/** An orchestrator with recording metrics and logs around the given agents. */
export function setup(agents: AgentDefinition[], options: Partial<OrchestratorOptions> & { store?: RunStore } = {}) {
  const store = options.store ?? createMemoryRunStore();
  const metrics = createRecordingMetricsSink();
  const logger = createRecordingLogger();
  const orchestrator = createOrchestrator({ agents, store, metrics, logger, ...options });
  return { orchestrator, store, metrics, logger };
}

/** Settles a promise into a value or the error, so tests can drive fake time while it is pending. */
export const settle = <T>(promise: Promise<T>): Promise<T | unknown> => promise.catch((error: unknown) => error);

/** Lets every pending promise chain run (a manual clock only yields between its timers). */
export const flush = async (): Promise<void> => {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
};

/** `inner` with some of its methods replaced, to make one store call slow, fail or wait for the test. */
export function storeWith(inner: RunStore, overrides: Partial<RunStore>): RunStore {
  return Object.assign(Object.create(inner) as RunStore, overrides);
}

/** How long {@link sleeper} sleeps durably, and how long its step then takes: longer than 1 s, shorter than 60 s. */
export const SLEEPER_TIMES = { sleepMs: 30_000, slowStepMs: 5_000 };

/** An agent (timeout 60 s, one attempt) that sleeps durably, then runs a step that takes `SLEEPER_TIMES.slowStepMs`. */
export function sleeper(clock: ManualClock) {
  return defineAgent({
    name: "sleeper",
    version: "1.0.0",
    description: "Sleeps, then works slowly",
    input: z.object({}),
    output: z.object({ done: z.boolean() }),
    policies: { timeoutMs: 60_000, retry: { attempts: 1 } },
    handle: async (_input, context) => {
      await context.sleep("cool-down", SLEEPER_TIMES.sleepMs);
      await context.step("slow", () => clock.sleep(SLEEPER_TIMES.slowStepMs, context.signal));
      return { done: true };
    },
  });
}

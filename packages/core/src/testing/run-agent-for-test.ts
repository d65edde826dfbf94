import type { z } from "zod";
import { NeonhubError } from "../errors/neonhub-error.js";
import type { AgentDefinition } from "../model/agent-definition.js";
import type { AgentRunWithTools } from "../model/agent-run.js";
import type { CallerContext } from "../model/orchestrate-request.js";
import type { ToolExecution } from "../model/tool-execution.js";
import { createOrchestrator } from "../orchestrator/create-orchestrator.js";
import type { Orchestrator, OrchestratorOptions } from "../orchestrator-types.js";

/** The caller of a test run when none is given. */
export const TEST_CALLER: CallerContext = { userId: "test-user", organizationId: "test-organization" };

/** Options of {@link runAgentForTest}. */
export interface RunAgentForTestOptions<Input extends z.ZodType, Output extends z.ZodType> {
  agent: AgentDefinition<Input, Output>;
  /**
   * Other agents to register beside `agent`, on the orchestrator created or given: the agents it starts as child runs
   * (`ctx.runAgent`), which would otherwise fail the run with `AGENT_NOT_FOUND`. One already registered under its
   * name is left as it is.
   */
  agents?: readonly AgentDefinition[];
  /** Validated by the agent's input schema, as in production: a bad input comes back as `error`. */
  input: z.input<Input> | Record<string, unknown>;
  /** Defaults to {@link TEST_CALLER}. */
  context?: CallerContext;
  intent?: string;
  idempotencyKey?: string;
  timeoutMs?: number;
  /**
   * The orchestrator to run on; the agent is registered on it when it is not yet. By default a new one with an
   * in-memory store and `orchestratorOptions`.
   */
  orchestrator?: Orchestrator;
  /** Options of the orchestrator created when none is given (store, clock, policies, ...). */
  orchestratorOptions?: Omit<OrchestratorOptions, "agents">;
}

/**
 * Everything a test asserts on after one run. Exactly one of `output` and `error` is set, except for a run that is
 * waiting (a durable sleep, a signal, a child run): then neither is, and `run.status` is `WAITING`.
 */
export interface AgentTestResult<Output> {
  /** The validated output when the run completed; undefined otherwise. */
  output: Output | undefined;
  /** The typed error the orchestrator threw (anything else is thrown, not returned). */
  error: NeonhubError | undefined;
  /** The persisted run with its tool executions; null when the request failed before a run was created. */
  run: AgentRunWithTools | null;
  /** The run's tool executions in order (empty without a run). */
  toolExecutions: ToolExecution[];
  /** The orchestrator used, to inspect its store or run again. */
  orchestrator: Orchestrator;
}

/**
 * Runs an agent once through the whole pipeline and returns its output or typed error together with the persisted
 * run and its tool calls, so that a test needs one call and no try/catch.
 * @example
 * const { output, error, toolExecutions } = await runAgentForTest({ agent: summarize, input: { text: "..." } });
 * expect(error).toBeUndefined();
 * expect(toolExecutions.map((tool) => tool.connector)).toEqual(["llm"]);
 * @example
 * // An agent that starts child runs: register the children, and read the run again once they have ended.
 * const { run, orchestrator } = await runAgentForTest({ agent: scoreAll, agents: [scoreLead], input: { emails } });
 * await vi.waitFor(async () => expect((await orchestrator.getRun(run!.organizationId, run!.id))?.status).toBe("COMPLETED"));
 */
export async function runAgentForTest<Input extends z.ZodType, Output extends z.ZodType>(
  options: RunAgentForTestOptions<Input, Output>,
): Promise<AgentTestResult<z.output<Output>>> {
  // The first definition given under a name wins, as one already registered on a given orchestrator does.
  const agents: AgentDefinition[] = [];
  for (const agent of [options.agent as AgentDefinition, ...(options.agents ?? [])]) if (!agents.some((kept) => kept.name === agent.name)) agents.push(agent);
  const orchestrator = options.orchestrator ?? createOrchestrator({ ...options.orchestratorOptions, agents });
  const registered = new Set(orchestrator.listAgents().map((agent) => agent.name));
  for (const agent of agents) if (!registered.has(agent.name)) orchestrator.registerAgent(agent);
  const context = options.context ?? TEST_CALLER;
  let runId: string | undefined;
  let output: z.output<Output> | undefined;
  let error: NeonhubError | undefined;
  try {
    const run = await orchestrator.orchestrate({
      agent: options.agent.name,
      input: options.input,
      context,
      ...(options.intent === undefined ? {} : { intent: options.intent }),
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    });
    runId = run.id;
    // A waiting run has no output yet: its null would read as an output of null.
    if (run.status === "COMPLETED") output = run.output as z.output<Output>;
  } catch (caught) {
    if (!NeonhubError.isInstance(caught)) throw caught;
    error = caught;
    runId = caught.runId;
  }
  const run = runId === undefined ? null : await orchestrator.getRun(context.organizationId, runId);
  return { output, error, run, toolExecutions: run?.toolExecutions ?? [], orchestrator };
}

import type { z } from "zod";
import { checkAgentDefinition } from "./check-agent-definition.js";
import type { RunPolicyOverrides } from "./agent-policies.js";
import type { RunContext } from "./run-context.js";

/**
 * An agent: a named, versioned handler with zod schemas for its input and output.
 * @example
 * const echo = defineAgent({
 *   name: "echo", version: "1.0.0", description: "Repeats its input",
 *   input: z.object({ text: z.string() }), output: z.object({ text: z.string() }),
 *   handle: async (input) => ({ text: input.text }),
 * });
 */
export interface AgentDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  /** Unique name, used in routes, metrics labels and records: lower-case letters, digits, `-` and `_`. */
  name: string;
  version: string;
  description: string;
  /** Free-form category (`content`, `seo`, `email`, ...). */
  kind?: string;
  input: Input;
  output: Output;
  /**
   * The named queue that carries its queued runs (`enqueue`), with that queue's concurrency, pace and retention.
   * Default `runs`.
   */
  queue?: string;
  /** Overrides of the orchestrator's default policies for this agent. */
  policies?: RunPolicyOverrides;
  handle(input: z.output<Input>, context: RunContext): Promise<z.input<Output>>;
}

/**
 * Returns the definition as it is, with the handler's types inferred from the schemas, once its options are checked
 * (the orchestrator checks them again when it registers the agent, for definitions made without this function).
 * @throws ConfigurationError when a key is not an option of an agent or of its policies (`policies.retry.retires`),
 * or a value is of the wrong type or out of range (an unknown `breaker.scope`, a negative or fractional count, a
 * `NaN`); the message names the agent, the option by its path, and what is allowed.
 */
export function defineAgent<Input extends z.ZodType, Output extends z.ZodType>(
  definition: AgentDefinition<Input, Output>,
): AgentDefinition<Input, Output> {
  checkAgentDefinition(definition);
  return definition;
}

import type { z } from "zod";
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

/** Identity function that infers the handler's types from the schemas. */
export function defineAgent<Input extends z.ZodType, Output extends z.ZodType>(
  definition: AgentDefinition<Input, Output>,
): AgentDefinition<Input, Output> {
  return definition;
}

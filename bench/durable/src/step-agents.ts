import { defineAgent } from "@neonhub/core";
import { z } from "zod";

/** The work of every step on every side: an async function that returns at once. */
export const increment = async (value: number): Promise<number> => value + 1;

const schema = z.object({ n: z.number() });
// Admission stays on, as in production, with a limit no benchmark reaches.
const policies = { admission: { enabled: true, limit: 1_000_000_000, windowMs: 60_000 } };

/** Step keys as a handler writes them: constants, not built per call. */
const stepKeys = (count: number): string[] => Array.from({ length: count }, (_, index) => `step-${index}`);

/** An agent whose handler takes `steps` journaled steps (`ctx.step`), one after another. */
export function journaledAgent(name: string, steps: number) {
  const keys = stepKeys(steps);
  return defineAgent({
    name,
    version: "1.0.0",
    description: `${steps} journaled steps`,
    input: schema,
    output: schema,
    policies,
    handle: async (input, context) => {
      let value = input.n;
      for (const key of keys) value = await context.step(key, () => increment(value));
      return { n: value };
    },
  });
}

/** The same handler calling the same function directly: nothing journaled. */
export function directAgent(name: string, steps: number) {
  return defineAgent({
    name,
    version: "1.0.0",
    description: `${steps} direct calls`,
    input: schema,
    output: schema,
    policies,
    handle: async (input) => {
      let value = input.n;
      for (let step = 0; step < steps; step += 1) value = await increment(value);
      return { n: value };
    },
  });
}

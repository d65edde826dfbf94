import { createConnectorClient } from "@neonhub/connectors";
import { defineAgent } from "@neonhub/core";
import { z } from "zod";

/** The queues of the benchmark's agents: one per measurement, so that each reaches only the workers that serve it. */
export const RELAY_QUEUES = { instant: "relay.instant", solo: "relay.solo", pair: "relay.pair" } as const;
export type RelayQueue = keyof typeof RELAY_QUEUES;

const input = z.object({ topic: z.string() });
const output = z.object({ ts: z.string() });
// Admission stays on, as in production, with a limit no benchmark reaches.
const policies = { admission: { enabled: true, limit: 1_000_000_000, windowMs: 60_000 } };

/**
 * The agent of every queued run: three steps through mock connectors, each answering after `latencyMs` (0: at
 * once). A draft and a review from the LLM, each a recorded tool execution (`ctx.tool` through `forRun`), and a
 * Slack post as a journaled step (`ctx.step`). One definition per queue, named `relay-<queue>`.
 */
export function relayAgents(latencyMs: number) {
  const connectors = createConnectorClient({ mode: "mock", retry: false, ...(latencyMs > 0 ? { mock: { latency: { fixedMs: latencyMs } } } : {}) });
  const agents = Object.entries(RELAY_QUEUES).map(([name, queue]) =>
    defineAgent({
      name: `relay-${name}`,
      version: "1.0.0",
      description: "Drafts, reviews and posts a message through mock connectors",
      input,
      output,
      policies,
      queue,
      handle: async ({ topic }, ctx) => {
        const tools = connectors.forRun(ctx);
        const draft = await tools.invoke("llm", "chatCompletion", { messages: [{ role: "user", content: `Write one line about ${topic}.` }] });
        const review = await tools.invoke("llm", "chatCompletion", { messages: [{ role: "user", content: `Shorten: ${draft.content}` }] });
        const posted = await ctx.step("post", () =>
          connectors.invoke("slack", "postMessage", { channel: "C0BENCH", text: review.content }, { organizationId: ctx.organizationId }),
        );
        return { ts: posted.ts };
      },
    }),
  );
  return { agents, connectors };
}

import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import type { createIntakeEmbed } from "./intake-embed.js";
import type { createIntakeFetch } from "./intake-fetch.js";
import type { createIntakeNormalize } from "./intake-normalize.js";

interface IntakeAgents {
  fetch: ReturnType<typeof createIntakeFetch>;
  normalize: ReturnType<typeof createIntakeNormalize>;
  embed: ReturnType<typeof createIntakeEmbed>;
}

/**
 * The intake pipeline: fetch, then normalize and embed each document, every step a child run on its own queue.
 * Children of one stage run side by side; the pipeline waits for them durably (`WAITING`, no worker held), and a
 * retried or resumed pipeline never starts a stage twice.
 */
export function createIntakePipeline(agents: IntakeAgents) {
  return defineAgent({
    name: "intake-pipeline",
    version: "1.0.0",
    description: "Fetches a channel's latest videos, then normalizes and embeds each one, as child runs.",
    kind: "intake",
    queue: "intake.fetch",
    input: z.object({ channelId: z.string().min(1), maxResults: z.number().int().min(1).max(20).default(5) }),
    output: z.object({ embedded: z.array(z.object({ id: z.string(), dimensions: z.number().int() })) }),
    handle: async (input, context) => {
      const { documents } = await context.runAgent(agents.fetch, { channelId: input.channelId, maxResults: input.maxResults });
      const normalized = await Promise.all(documents.map((document) => context.runAgent(agents.normalize, { document })));
      const embedded = await Promise.all(normalized.map((document) => context.runAgent(agents.embed, { document })));
      context.reportMetric("documents_embedded", embedded.length, "count");
      return { embedded: embedded.map((result) => ({ id: result.id, dimensions: result.vector.length })) };
    },
  });
}

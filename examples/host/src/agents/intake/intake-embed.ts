import { createHash } from "node:crypto";
import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import { normalizedDocument } from "./intake-normalize.js";

/** Dimensions of the example's embedding vectors. */
export const EMBEDDING_DIMENSIONS = 16;

/**
 * A feature-hashing embedding: each term adds ±1 to one dimension chosen by its hash, then the vector is scaled to
 * unit length. A stand-in that needs no provider; a deployment calls its embeddings API in a `ctx.tool` instead.
 */
export function hashEmbedding(terms: readonly string[]): number[] {
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const term of terms) {
    const digest = createHash("sha256").update(term).digest();
    const dimension = (digest[0] ?? 0) % EMBEDDING_DIMENSIONS;
    vector[dimension] = (vector[dimension] ?? 0) + ((digest[1] ?? 0) % 2 === 0 ? 1 : -1);
  }
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((value) => Math.round((value / length) * 1e6) / 1e6);
}

/** Intake, step 3: embeds one normalized document. */
export function createIntakeEmbed() {
  return defineAgent({
    name: "intake-embed",
    version: "1.0.0",
    description: "Embeds one normalized document as a vector for similarity search.",
    kind: "intake",
    queue: "intake.embed",
    input: z.object({ document: normalizedDocument }),
    output: z.object({ id: z.string(), vector: z.array(z.number()).length(EMBEDDING_DIMENSIONS) }),
    handle: async ({ document }, context) => ({ id: document.id, vector: await context.step("embed", async () => hashEmbedding(document.terms)) }),
  });
}

import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import { intakeDocument } from "./intake-fetch.js";

/** A document reduced to the terms that the embedding reads. */
export const normalizedDocument = z.object({ id: z.string(), text: z.string(), terms: z.array(z.string()) });

/** Lower-case words of two letters or more, accents removed, in order. */
export function termsOf(text: string): string[] {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((term) => term.length >= 2);
}

/** Intake, step 2: normalizes one document's text (one child run per document, fanned out by the pipeline). */
export function createIntakeNormalize() {
  return defineAgent({
    name: "intake-normalize",
    version: "1.0.0",
    description: "Normalizes one fetched document into plain terms.",
    kind: "intake",
    queue: "intake.normalize",
    input: z.object({ document: intakeDocument }),
    output: normalizedDocument,
    handle: async ({ document }) => {
      const terms = termsOf(document.title);
      return { id: document.id, text: terms.join(" "), terms };
    },
  });
}

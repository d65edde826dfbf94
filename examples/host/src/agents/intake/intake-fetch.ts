import { defineAgent } from "@neonhub/core";
import { z } from "zod";
import type { RunConnectors } from "../run-connectors.js";

/** A piece of content brought in for the platform's knowledge base. */
export const intakeDocument = z.object({ id: z.string(), title: z.string(), publishedAt: z.string() });

/** Intake, step 1: lists a YouTube channel's latest videos as documents. */
export function createIntakeFetch(connectors: RunConnectors) {
  return defineAgent({
    name: "intake-fetch",
    version: "1.0.0",
    description: "Fetches the latest videos of a YouTube channel as documents for the intake pipeline.",
    kind: "intake",
    queue: "intake.fetch",
    input: z.object({ channelId: z.string().min(1), maxResults: z.number().int().min(1).max(50).default(10) }),
    output: z.object({ documents: z.array(intakeDocument) }),
    handle: async (input, context) => {
      const page = await connectors.forRun(context).invoke("youtube", "listChannelVideos", { channelId: input.channelId, maxResults: input.maxResults });
      return { documents: page.items.map((video) => ({ id: video.videoId, title: video.title, publishedAt: video.publishedAt })) };
    },
  });
}

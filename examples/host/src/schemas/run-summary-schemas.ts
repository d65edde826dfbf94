import { RUN_STATUSES } from "@neonhub/core";
import { z } from "zod";
import { queryIntegerSchema } from "./query-integer-schema.js";

/** Query of `GET /v1/runs/summary`. */
export const summaryQuerySchema = z
  .object({ windowMinutes: queryIntegerSchema({ min: 1, max: 1_440, default: 60 }).meta({ description: "The last this many minutes." }) })
  .strict();

const p95 = z.number().nullable().meta({ description: "95th percentile (nearest rank) of finished runs' duration, ms." });

/** Answer of `GET /v1/runs/summary`: per-agent outcomes and runs per minute by status. */
export const runSummarySchema = z
  .object({
    since: z.iso.datetime(),
    until: z.iso.datetime(),
    agents: z.array(z.object({ agentName: z.string(), total: z.number().int(), completed: z.number().int(), failed: z.number().int(), p95DurationMs: p95 })),
    minutes: z.array(z.object({ minute: z.iso.datetime(), status: z.enum(RUN_STATUSES), count: z.number().int(), p95DurationMs: p95 })),
  })
  .meta({ id: "RunSummary" });

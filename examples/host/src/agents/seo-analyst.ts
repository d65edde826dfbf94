import { defineAgent, type AgentSettingsStore } from "@neonhub/core";
import { googleSearchConsoleConnector, paginate } from "@neonhub/connectors";
import { z } from "zod";
import { findKeywordOpportunities } from "./keyword-opportunities.js";
import type { RunConnectors } from "./run-connectors.js";
import { DEFAULT_MIN_IMPRESSIONS, readSeoAnalystSettings } from "./seo-analyst-settings.js";

/** Rows per Search Console request; each page is a recorded step of the run. */
const ROWS_PER_PAGE = 1_000;
/** Most queries read per run; `totals.complete` says whether the site had more. */
const MAX_QUERIES = 10_000;

const opportunity = z.object({ query: z.string(), impressions: z.number(), position: z.number(), ctr: z.number(), potentialClicks: z.number() });

/**
 * SEO analyst: reads Search Console analytics by query and ranks the keywords closest to paying off. With a settings
 * store, its keyword threshold comes from the organization's settings of the agent (which learning-tune adjusts)
 * unless the input gives one.
 */
export function createSeoAnalyst(connectors: RunConnectors, settings?: AgentSettingsStore) {
  return defineAgent({
    name: "seo-analyst",
    version: "1.1.0",
    description: "Reads search analytics from Search Console and lists keyword opportunities: queries just below the top results.",
    kind: "seo",
    queue: "seo.analytics",
    input: z
      .object({
        siteUrl: z.string().min(1),
        startDate: z.iso.date().optional(),
        endDate: z.iso.date().optional(),
        // Scheduled runs read a window that moves with the day they run on.
        lastDays: z.number().int().min(1).max(480).optional().describe("The last N full days up to yesterday (UTC), instead of startDate and endDate."),
        minImpressions: z.number().int().min(0).optional().describe("Ignore queries seen fewer times. Default: the agent's settings, else 100."),
        limit: z.number().int().min(1).max(50).default(10),
      })
      .refine((input) => (input.lastDays === undefined) === (input.startDate !== undefined && input.endDate !== undefined), {
        message: "Give either startDate and endDate, or lastDays",
      }),
    output: z.object({
      totals: z.object({ queries: z.number(), clicks: z.number(), impressions: z.number(), complete: z.boolean().describe(`False when the site had more than ${MAX_QUERIES} queries`) }),
      opportunities: z.array(opportunity),
      /** The threshold applied, and where it came from. */
      minImpressions: z.object({ value: z.number(), source: z.enum(["input", "settings", "default"]), settingsVersion: z.number().nullable() }),
    }),
    handle: async (input, context) => {
      // Journaled: a resumed run keeps the settings it started with, whatever was written since.
      const stored = settings ? await context.step("settings", async () => {
        const found = await settings.getAgentSettings(context.organizationId, "seo-analyst");
        return found === null ? null : { values: found.values, version: found.version };
      }) : null;
      const tuned = readSeoAnalystSettings(stored?.values).minImpressions;
      const minImpressions =
        input.minImpressions !== undefined
          ? { value: input.minImpressions, source: "input" as const, settingsVersion: stored?.version ?? null }
          : tuned !== undefined
            ? { value: tuned, source: "settings" as const, settingsVersion: stored?.version ?? null }
            : { value: DEFAULT_MIN_IMPRESSIONS, source: "default" as const, settingsVersion: stored?.version ?? null };
      // Journaled, so that a resumed run reads the window it started with.
      const window =
        input.lastDays === undefined
          ? { startDate: input.startDate as string, endDate: input.endDate as string }
          : await context.step("report-window", async () => lastDaysWindow(input.lastDays as number, Date.now()));
      // Every query of the window, page after page, rather than the first page only.
      const report = await paginate(
        connectors.forRun(context),
        googleSearchConsoleConnector,
        "querySearchAnalytics",
        { siteUrl: input.siteUrl, startDate: window.startDate, endDate: window.endDate, dimensions: ["query"], rowLimit: ROWS_PER_PAGE },
        { limit: MAX_QUERIES },
      );
      const rows = report.items.map((row) => ({ query: row.keys[0] ?? "", clicks: row.clicks, impressions: row.impressions, ctr: row.ctr, position: row.position }));
      const opportunities = findKeywordOpportunities(rows, { minImpressions: minImpressions.value, limit: input.limit });
      context.reportMetric("keyword_opportunities", opportunities.length, "count");
      return {
        totals: {
          queries: rows.length,
          clicks: rows.reduce((total, row) => total + row.clicks, 0),
          impressions: rows.reduce((total, row) => total + row.impressions, 0),
          complete: report.complete,
        },
        opportunities,
        minImpressions,
      };
    },
  });
}

const DAY_MS = 86_400_000;

/** The `days` full days (UTC) that end yesterday, as Search Console dates. */
export function lastDaysWindow(days: number, nowMs: number): { startDate: string; endDate: string } {
  const yesterday = Math.floor(nowMs / DAY_MS) * DAY_MS - DAY_MS;
  const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return { startDate: date(yesterday - (days - 1) * DAY_MS), endDate: date(yesterday) };
}

import type { NeonhubError } from "@neonhub/core";
import { z } from "zod";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { pageSchema } from "../sdk/page.js";
import { GOOGLE_RATE_LIMIT_REASONS, googleErrorReason, googleRateLimited, googleRetryAfterMs, msUntilPacificMidnight } from "./google-api-error.js";

const DISPLAY_NAME = "Google Search Console";
/** Google's advice for an exceeded Search Analytics load quota: wait 15 minutes and try again. */
export const SEARCH_CONSOLE_QUOTA_WAIT_MS = 15 * 60_000;

/**
 * Search Console answers an exceeded quota or rate limit with 403, like a refused permission: read by its reason,
 * `quotaExceeded` (short- or long-term load quota) waits 15 minutes, `rateLimitExceeded` and
 * `userRateLimitExceeded` wait `Retry-After`, and `dailyLimitExceeded` (the project's day) is not retried before
 * midnight Pacific time. Any other 403 stays a forbidden connection.
 */
export function mapSearchConsoleResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const reason = googleErrorReason(response.body);
  const source = { connector: "google-search-console", displayName: DISPLAY_NAME, ...context };
  if (reason === "quotaExceeded") return googleRateLimited(response, source, Math.max(SEARCH_CONSOLE_QUOTA_WAIT_MS, googleRetryAfterMs(response, context.nowMs)));
  if (reason === "dailyLimitExceeded") return googleRateLimited(response, source, msUntilPacificMidnight(context.nowMs), { isRetryable: false });
  if (reason !== undefined && GOOGLE_RATE_LIMIT_REASONS.has(reason)) return googleRateLimited(response, source, googleRetryAfterMs(response, context.nowMs));
  return undefined;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.");
const row = z.object({ keys: z.array(z.string()), clicks: z.number(), impressions: z.number(), ctr: z.number(), position: z.number() });

/** GOOGLE_SEARCH_CONSOLE: Search Analytics queries (`searchAnalytics.query`) with an OAuth2 token. */
export const googleSearchConsoleConnector = defineConnector({
  id: "google-search-console",
  kind: "GOOGLE_SEARCH_CONSOLE",
  displayName: DISPLAY_NAME,
  description: "Reads search performance of a site.",
  baseUrl: "https://searchconsole.googleapis.com",
  apiVersion: { version: "v3", docsUrl: "https://developers.google.com/webmaster-tools/v1/how-tos/migrating" },
  auth: { type: "oauth2", tokenUrl: "https://oauth2.googleapis.com/token", authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth", revocationUrl: "https://oauth2.googleapis.com/revoke", authorizationParameters: { access_type: "offline", prompt: "consent" }, scopes: ["https://www.googleapis.com/auth/webmasters.readonly"] },
  mapResponse: mapSearchConsoleResponse,
  connectionTest: { method: "GET", path: "/webmasters/v3/sites" },
  actions: {
    querySearchAnalytics: defineAction({
      description: "Clicks, impressions, CTR and position grouped by the given dimensions, one page of rows at a time.",
      paging: { style: "offset" },
      repeatSafety: "safe",
      endpoint: "POST /webmasters/v3/sites/{siteUrl}/searchAnalytics/query",
      docsUrl: "https://developers.google.com/webmaster-tools/v1/searchanalytics/query",
      input: z.object({
        siteUrl: z.string().min(1),
        startDate: isoDate,
        endDate: isoDate,
        dimensions: z.array(z.enum(["date", "query", "page", "country", "device", "searchAppearance"])).default(["query"]),
        type: z.enum(["web", "image", "video", "news", "discover", "googleNews"]).default("web"),
        rowLimit: z.number().int().min(1).max(25_000).default(100),
        /** The row to start from (Search Console's `startRow`), as the previous page's `nextCursor` gives it. */
        cursor: z.string().regex(/^\d+$/, "Use the nextCursor of the previous page.").optional(),
      }),
      output: pageSchema(row, { responseAggregationType: z.string().nullable() }),
      async run(input, ctx) {
        const startRow = Number(input.cursor ?? 0);
        const response = await ctx.http.request({
          method: "POST",
          path: `/webmasters/v3/sites/${encodeURIComponent(input.siteUrl)}/searchAnalytics/query`,
          json: { startDate: input.startDate, endDate: input.endDate, dimensions: input.dimensions, type: input.type, rowLimit: input.rowLimit, startRow },
        });
        const body = (response.body ?? {}) as { rows?: z.infer<typeof row>[]; responseAggregationType?: string };
        // Google leaves `rows` out when nothing matched; fewer rows than asked for means the last page.
        const items = body.rows ?? [];
        return { items, nextCursor: items.length === input.rowLimit ? String(startRow + items.length) : null, responseAggregationType: body.responseAggregationType ?? null };
      },
      fixture: (input, mock) => ({
        nextCursor: input.rowLimit <= 3 ? String(Number(input.cursor ?? 0) + input.rowLimit) : null,
        items: Array.from({ length: Math.min(input.rowLimit, 3) }, (_, index) => {
          const impressions = mock.integer(100, 5_000);
          const clicks = mock.integer(0, Math.floor(impressions / 5));
          return { keys: input.dimensions.map((dimension) => `${dimension}-${index + 1}`), clicks, impressions, ctr: clicks / impressions, position: mock.integer(10, 300) / 10 };
        }),
        responseAggregationType: "byProperty",
      }),
    }),
  },
});

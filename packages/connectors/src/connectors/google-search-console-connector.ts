import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { pageSchema } from "../sdk/page.js";

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.");
const row = z.object({ keys: z.array(z.string()), clicks: z.number(), impressions: z.number(), ctr: z.number(), position: z.number() });

/** GOOGLE_SEARCH_CONSOLE: Search Analytics queries (`searchAnalytics.query`) with an OAuth2 token. */
export const googleSearchConsoleConnector = defineConnector({
  id: "google-search-console",
  kind: "GOOGLE_SEARCH_CONSOLE",
  displayName: "Google Search Console",
  description: "Reads search performance of a site.",
  baseUrl: "https://searchconsole.googleapis.com",
  apiVersion: { version: "v3", docsUrl: "https://developers.google.com/webmaster-tools/v1/how-tos/migrating" },
  auth: { type: "oauth2", tokenUrl: "https://oauth2.googleapis.com/token" },
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

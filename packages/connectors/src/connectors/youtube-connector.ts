import { type NeonhubError, RateLimitedError } from "@neonhub/core";
import { z } from "zod";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { pageCursor, pageSchema } from "../sdk/page.js";
import { GOOGLE_RATE_LIMIT_REASONS, googleErrorReason, googleRetryAfterMs, msUntilPacificMidnight } from "./google-api-error.js";

const DAY_MS = 86_400_000;

/**
 * YouTube answers an exhausted quota or a rate limit with 403; these are waits, not refused credentials. A used-up
 * daily quota (`quotaExceeded`, `dailyLimitExceeded`) is `RATE_LIMITED` but not retryable: it resets at midnight
 * Pacific time, and a run retrying it would be held until then.
 */
export function mapYoutubeResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 403) return undefined;
  const reason = googleErrorReason(response.body);
  const details = { connector: "youtube", action: context.action, status: 403, youtubeReason: reason };
  if (reason === "quotaExceeded" || reason === "dailyLimitExceeded") {
    return new RateLimitedError(`YouTube ${context.action} failed: the project's daily quota is used up`, msUntilPacificMidnight(context.nowMs), { isRetryable: false, details });
  }
  if (reason !== undefined && GOOGLE_RATE_LIMIT_REASONS.has(reason)) {
    return new RateLimitedError(`YouTube ${context.action} failed: too many requests`, googleRetryAfterMs(response, context.nowMs), { details });
  }
  return undefined;
}

const video = z.object({ videoId: z.string(), title: z.string(), publishedAt: z.string() });
type SearchItem = { id?: { videoId?: string }; snippet?: { title?: string; publishedAt?: string } };

/** YOUTUBE: a channel's latest videos through the Data API v3 (`search.list`, 100 quota units a call). */
export const youtubeConnector = defineConnector({
  id: "youtube",
  kind: "YOUTUBE",
  displayName: "YouTube",
  description: "Reads the videos of YouTube channels.",
  baseUrl: "https://www.googleapis.com",
  apiVersion: { version: "v3", docsUrl: "https://developers.google.com/youtube/v3/revision_history" },
  auth: { type: "oauth2", tokenUrl: "https://oauth2.googleapis.com/token", authorizationUrl: "https://accounts.google.com/o/oauth2/v2/auth", revocationUrl: "https://oauth2.googleapis.com/revoke", authorizationParameters: { access_type: "offline", prompt: "consent" }, scopes: ["https://www.googleapis.com/auth/youtube.readonly"] },
  mapResponse: mapYoutubeResponse,
  connectionTest: { method: "GET", path: "/youtube/v3/channels", query: { part: "id", mine: true } },
  actions: {
    listChannelVideos: defineAction({
      description: "Lists a channel's videos, newest first, one page at a time.",
      paging: { style: "page-token" },
      repeatSafety: "safe",
      endpoint: "GET /youtube/v3/search",
      docsUrl: "https://developers.google.com/youtube/v3/docs/search/list",
      input: z.object({
        channelId: z.string().regex(/^UC[A-Za-z0-9_-]{22}$/, "Use a channel id (UC followed by 22 characters)."),
        maxResults: z.number().int().min(1).max(50).default(10),
        /** The `nextPageToken` of the previous page. */
        cursor: pageCursor,
      }),
      output: pageSchema(video),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "GET",
          path: "/youtube/v3/search",
          query: { part: "snippet", channelId: input.channelId, type: "video", order: "date", maxResults: input.maxResults, pageToken: input.cursor },
        });
        const body = response.body as { items?: SearchItem[]; nextPageToken?: string };
        return {
          items: (body.items ?? []).map((item) => ({ videoId: item.id?.videoId ?? "", title: item.snippet?.title ?? "", publishedAt: item.snippet?.publishedAt ?? "" })),
          nextCursor: body.nextPageToken ?? null,
        };
      },
      fixture: (input, mock) => ({
        items: Array.from({ length: Math.min(input.maxResults, 3) }, (_, index) => ({
          videoId: mock.id("", 11),
          title: `Video ${mock.integer(1, 999)}`,
          publishedAt: new Date(mock.now().getTime() - index * DAY_MS).toISOString().replace(/\.\d{3}Z$/, "Z"),
        })),
        nextCursor: input.maxResults > 3 ? null : mock.id("CA", 4).toUpperCase(),
      }),
    }),
  },
});

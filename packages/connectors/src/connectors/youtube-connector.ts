import { type NeonhubError, RateLimitedError } from "@neonhub/core";
import { z } from "zod";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { pageCursor, pageSchema } from "../sdk/page.js";

const DAY_MS = 86_400_000;
const pacificClock = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", hourCycle: "h23", hour: "numeric", minute: "numeric", second: "numeric" });

/** Milliseconds until the next midnight in Pacific time, when YouTube resets daily quotas. */
export function msUntilPacificMidnight(nowMs: number): number {
  const parts = Object.fromEntries(pacificClock.formatToParts(new Date(nowMs)).map((part) => [part.type, Number(part.value)]));
  const elapsedMs = ((parts.hour ?? 0) * 3_600 + (parts.minute ?? 0) * 60 + (parts.second ?? 0)) * 1_000 + (nowMs % 1_000);
  return DAY_MS - elapsedMs;
}

/** YouTube answers an exhausted quota or a rate limit with 403; these are waits, not refused credentials. */
export function mapYoutubeResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status !== 403) return undefined;
  const error = (response.body as { error?: { errors?: Array<{ reason?: unknown }> } } | null)?.error;
  const reason = error?.errors?.[0]?.reason;
  const details = { connector: "youtube", action: context.action, status: 403, youtubeReason: reason };
  if (reason === "quotaExceeded" || reason === "dailyLimitExceeded") {
    return new RateLimitedError(`YouTube ${context.action} failed: the project's daily quota is used up`, msUntilPacificMidnight(context.nowMs), { details });
  }
  if (reason === "rateLimitExceeded" || reason === "userRateLimitExceeded") {
    const retryAfterMs = parseRetryAfter(response.headers["retry-after"], context.nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new RateLimitedError(`YouTube ${context.action} failed: too many requests`, retryAfterMs, { details });
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
  auth: { type: "oauth2", tokenUrl: "https://oauth2.googleapis.com/token" },
  mapResponse: mapYoutubeResponse,
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

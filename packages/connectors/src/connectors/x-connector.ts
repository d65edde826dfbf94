import { ContentRefusedError, type NeonhubError, RateLimitedError } from "@neonhub/core";
import twitterText from "twitter-text";
import { z } from "zod";
import { DEFAULT_RATE_LIMIT_WAIT_MS, providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

/** X's limit of a post's weighted length (links count 23, most CJK characters and emoji 2). */
export const X_MAX_WEIGHTED_LENGTH = 280;

/** A post's length as X counts it, with X's own `twitter-text` library. */
export function xWeightedLength(text: string): number {
  return twitterText.parseTweet(text).weightedLength;
}

/**
 * Maps X's answers that the status alone does not tell apart: a 403 for duplicate content is a refused post, not
 * a credential problem; a 429 carries `x-rate-limit-reset` (epoch seconds) instead of `Retry-After`.
 */
export function mapXResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status === 403 && /duplicate content/i.test(providerMessage(response.body))) {
    return new ContentRefusedError(`X ${context.action} was refused: ${providerMessage(response.body)}`, { reason: "duplicate", details: { connector: "x", action: context.action, status: 403 } });
  }
  if (response.status !== 429 || response.headers["retry-after"] !== undefined) return undefined;
  const resetSeconds = Number(response.headers["x-rate-limit-reset"]);
  const retryAfterMs = Number.isFinite(resetSeconds) && resetSeconds > 0 ? Math.max(0, resetSeconds * 1000 - context.nowMs) : DEFAULT_RATE_LIMIT_WAIT_MS;
  return new RateLimitedError(`X ${context.action} failed with HTTP 429: Too Many Requests`, retryAfterMs, { details: { connector: "x", action: context.action, status: 429 } });
}

/** X: create a post (`POST /2/tweets`) with an OAuth2 user-context token. */
export const xConnector = defineConnector({
  id: "x",
  kind: "X",
  displayName: "X",
  description: "Publishes posts on X.",
  baseUrl: "https://api.x.com",
  apiVersion: { version: "2", docsUrl: "https://docs.x.com/x-api/introduction" },
  auth: { type: "oauth2", tokenUrl: "https://api.x.com/2/oauth2/token", clientAuthentication: "basic" },
  mapResponse: mapXResponse,
  actions: {
    createPost: defineAction({
      description: "Publishes a post, optionally as a reply.",
      repeatSafety: "unsafe",
      endpoint: "POST /2/tweets",
      docsUrl: "https://docs.x.com/x-api/posts/create-post",
      input: z.object({
        text: z
          .string()
          .min(1)
          .refine((text) => xWeightedLength(text) <= X_MAX_WEIGHTED_LENGTH, { message: `X counts at most ${X_MAX_WEIGHTED_LENGTH} (links count 23, many characters 2).` }),
        replyToPostId: z.string().regex(/^\d+$/).optional(),
      }),
      output: z.object({ id: z.string(), text: z.string() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/2/tweets",
          json: { text: input.text, ...(input.replyToPostId === undefined ? {} : { reply: { in_reply_to_tweet_id: input.replyToPostId } }) },
        });
        const data = (response.body as { data?: { id?: string; text?: string } }).data;
        return { id: data?.id ?? "", text: data?.text ?? input.text };
      },
      fixture: (input, mock) => ({ id: String(1_800_000_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))), text: input.text }),
    }),
  },
});

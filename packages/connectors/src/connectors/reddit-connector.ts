import { type NeonhubError, RateLimitedError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { z } from "zod";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

/** Sent when the connection has no `userAgent` field; Reddit throttles requests without a descriptive one. */
export const REDDIT_DEFAULT_USER_AGENT = "server:neonhub-connectors:0.0.0";

const FORBIDDEN_ERRORS = new Set(["USER_REQUIRED", "SUBREDDIT_NOTALLOWED", "SUBREDDIT_NOTALLOWED_BANNED", "BANNED_FROM_SUBREDDIT", "NOT_WHITELISTED_BY_USER_MESSAGE"]);
const SECONDS_PER_UNIT: Record<string, number> = { second: 1, minute: 60, hour: 3_600 };

/** Reddit's wait for a `RATELIMIT` error, from `json.ratelimit` (seconds) or the "try again in 9 minutes" text. */
function rateLimitWaitMs(seconds: unknown, text: string): number {
  if (typeof seconds === "number" && seconds > 0) return Math.ceil(seconds * 1000);
  const match = /(\d+)\s+(second|minute|hour)s?/.exec(text);
  return match ? Number(match[1]) * (SECONDS_PER_UNIT[match[2] as string] ?? 1) * 1000 : DEFAULT_RATE_LIMIT_WAIT_MS;
}

/**
 * Reddit answers `api_type=json` calls with HTTP 200 and `json.errors` as `[code, message, field]` triples, and a 429
 * with `x-ratelimit-reset` (seconds until the window resets) instead of `Retry-After`.
 */
export function mapRedditResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status === 429 && response.headers["retry-after"] === undefined) {
    const resetSeconds = Number(response.headers["x-ratelimit-reset"]);
    const wait = Number.isFinite(resetSeconds) && resetSeconds > 0 ? resetSeconds * 1000 : DEFAULT_RATE_LIMIT_WAIT_MS;
    return new RateLimitedError(`Reddit ${context.action} failed with HTTP 429: Too Many Requests`, wait, { details: { connector: "reddit", action: context.action, status: 429 } });
  }
  const json = (response.body as { json?: { errors?: unknown; ratelimit?: unknown } } | null)?.json;
  if (response.status >= 300 || !Array.isArray(json?.errors) || json.errors.length === 0) return undefined;
  const [code, text, field] = (json.errors[0] as unknown[]).map((part) => (typeof part === "string" ? part : ""));
  const message = `Reddit ${context.action} failed: ${code} ${text}`.trim();
  const details = { connector: "reddit", action: context.action, redditError: code };
  if (code === "RATELIMIT") return new RateLimitedError(message, rateLimitWaitMs(json.ratelimit, text ?? ""), { details });
  if (code !== undefined && FORBIDDEN_ERRORS.has(code)) return new ConnectorAuthError("reddit", "forbidden", message);
  if (field !== undefined && field !== "") return new ValidationError(message, [{ path: field, message: text ?? code ?? "invalid" }], { details });
  return new UpstreamFailedError(message, { isRetryable: false, details });
}

/** REDDIT: submit a text post (`POST /api/submit`, form-encoded) with an OAuth2 user token. */
export const redditConnector = defineConnector({
  id: "reddit",
  kind: "REDDIT",
  displayName: "Reddit",
  description: "Submits posts to subreddits.",
  baseUrl: "https://oauth.reddit.com",
  apiVersion: { version: "unversioned", docsUrl: "https://www.reddit.com/dev/api/" },
  // Reddit's token endpoint takes the client id and secret with HTTP basic only.
  auth: { type: "oauth2", tokenUrl: "https://www.reddit.com/api/v1/access_token", clientAuthentication: "basic", credentialHeaders: { "user-agent": "userAgent" } },
  mapResponse: mapRedditResponse,
  actions: {
    submitPost: defineAction({
      description: "Submits a text (self) post to a subreddit.",
      repeatSafety: "unsafe",
      endpoint: "POST /api/submit",
      docsUrl: "https://www.reddit.com/dev/api/#POST_api_submit",
      input: z.object({
        subreddit: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_]{1,20}$/, "Use the subreddit's name without r/."),
        title: z.string().min(1).max(300),
        text: z.string().max(40_000).default(""),
        sendReplies: z.boolean().default(true),
      }),
      output: z.object({ id: z.string().min(1), name: z.string().startsWith("t3_"), url: z.string() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/api/submit",
          headers: { "user-agent": REDDIT_DEFAULT_USER_AGENT },
          form: { api_type: "json", kind: "self", sr: input.subreddit, title: input.title, text: input.text, sendreplies: input.sendReplies },
        });
        const data = (response.body as { json?: { data?: { id?: string; name?: string; url?: string } } }).json?.data;
        const id = data?.id ?? "";
        return { id, name: data?.name ?? `t3_${id}`, url: data?.url ?? "" };
      },
      fixture: (input, mock) => {
        const id = mock.id("", 7).toLowerCase();
        const slug = input.title.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 50);
        return { id, name: `t3_${id}`, url: `https://www.reddit.com/r/${input.subreddit}/comments/${id}/${slug}/` };
      },
    }),
  },
});

import { ContentRefusedError, type NeonhubError, RateLimitedError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { z } from "zod";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

const AUTH_ERRORS = new Set(["not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission", "missing_scope", "not_allowed_token_type", "ekm_access_denied"]);
const INPUT_ERRORS = new Set(["invalid_arguments", "invalid_blocks", "invalid_blocks_format", "no_text", "too_many_attachments", "invalid_attachments", "invalid_metadata_format", "metadata_too_large"]);
// The request is fine; Slack refuses what it says.
const CONTENT_ERRORS = new Set(["msg_too_long", "msg_blocks_too_long"]);
const TRANSIENT_ERRORS = new Set(["service_unavailable", "request_timeout"]);
// Slack documents these as "the server could not complete your operation(s) without encountering an error, likely
// due to a transient issue on our end... some aspect of the operation may have succeeded": not repeated blindly.
const OUTCOME_UNKNOWN_ERRORS = new Set(["internal_error", "fatal_error"]);

/** Maps Slack's `ok: false` answers (sent with HTTP 200) to typed errors. */
export function mapSlackResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const body = response.body as { ok?: unknown; error?: unknown } | null;
  if (response.status >= 300 || body === null || typeof body !== "object" || body.ok !== false) return undefined;
  const code = typeof body.error === "string" ? body.error : "unknown_error";
  const message = `Slack ${context.action} failed: ${code}`;
  const details = { connector: "slack", action: context.action, slackError: code };
  if (code === "ratelimited" || code === "rate_limited") {
    return new RateLimitedError(message, parseRetryAfter(response.headers["retry-after"], context.nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS, { details });
  }
  if (AUTH_ERRORS.has(code)) return new ConnectorAuthError("slack", code === "missing_scope" || code === "no_permission" ? "forbidden" : "unauthorized", message);
  if (INPUT_ERRORS.has(code)) return new ValidationError(message, [], { details });
  if (CONTENT_ERRORS.has(code)) return new ContentRefusedError(message, { reason: code, details });
  if (OUTCOME_UNKNOWN_ERRORS.has(code)) return new UpstreamFailedError(message, { isRetryable: false, details: { ...details, outcome: "unknown" } });
  return new UpstreamFailedError(message, { isRetryable: TRANSIENT_ERRORS.has(code), details });
}

/** SLACK: `chat.postMessage` with a bot token. */
export const slackConnector = defineConnector({
  id: "slack",
  kind: "SLACK",
  displayName: "Slack",
  description: "Posts messages to Slack channels.",
  baseUrl: "https://slack.com/api",
  apiVersion: { version: "unversioned", docsUrl: "https://docs.slack.dev/apis/web-api/" },
  auth: { type: "bearer", field: "accessToken" },
  mapResponse: mapSlackResponse,
  // Slack allows about one message per second per channel, with short bursts.
  keyedPacing: { minTimeMs: 1_000, key: ({ input, organizationId }) => `${organizationId}:${(input as { channel: string }).channel}` },
  actions: {
    postMessage: defineAction({
      description: "Posts a message to a channel, or a reply in a thread.",
      repeatSafety: "unsafe",
      endpoint: "POST /api/chat.postMessage",
      docsUrl: "https://docs.slack.dev/reference/methods/chat.postMessage",
      input: z
        .object({
          channel: z.string().min(1),
          text: z.string().min(1).max(40_000).optional(),
          blocks: z.array(z.record(z.string(), z.unknown())).max(50).optional(),
          threadTs: z.string().regex(/^\d+\.\d+$/).optional(),
          unfurlLinks: z.boolean().optional(),
        })
        .refine((input) => input.text !== undefined || input.blocks !== undefined, { message: "Give text or blocks.", path: ["text"] }),
      output: z.object({ channel: z.string(), ts: z.string(), threadTs: z.string().nullable() }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/chat.postMessage",
          headers: { "content-type": "application/json; charset=utf-8" },
          json: { channel: input.channel, text: input.text, blocks: input.blocks, thread_ts: input.threadTs, unfurl_links: input.unfurlLinks },
        });
        const body = response.body as { channel?: string; ts?: string; message?: { thread_ts?: string } };
        return { channel: body.channel ?? input.channel, ts: body.ts ?? "", threadTs: body.message?.thread_ts ?? input.threadTs ?? null };
      },
      fixture: (input, mock) => {
        const time = mock.now().getTime();
        return {
          channel: /^[CDG][A-Z0-9]+$/.test(input.channel) ? input.channel : `C${mock.id("", 10).toUpperCase()}`,
          ts: `${Math.floor(time / 1000)}.${String(mock.integer(0, 999_999)).padStart(6, "0")}`,
          threadTs: input.threadTs ?? null,
        };
      },
    }),
  },
});

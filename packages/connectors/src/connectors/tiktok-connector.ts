import { type NeonhubError, RateLimitedError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { z } from "zod";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";

// TikTok allows 6 init requests per minute per access token, so a slot frees every 10 seconds.
const TIKTOK_RATE_LIMIT_WAIT_MS = 10_000;
const AUTH_ERRORS = new Set(["access_token_invalid", "access_token_expired"]);
const SCOPE_ERRORS = new Set(["scope_not_authorized", "scope_permission_missed"]);
const INPUT_ERRORS = new Set(["invalid_params", "privacy_level_option_mismatch", "invalid_file_upload", "video_pull_failed"]);

/** Maps TikTok's `error.code` (anything but `"ok"`) to typed errors; the HTTP status alone is less precise. */
export function mapTiktokResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const error = (response.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error !== "object" || error === null || typeof error.code !== "string" || error.code === "ok") return undefined;
  const code = error.code;
  const detail = typeof error.message === "string" && error.message !== "" ? `${code}: ${error.message.slice(0, 300)}` : code;
  const message = `TikTok ${context.action} failed: ${detail}`;
  const details = { connector: "tiktok", action: context.action, status: response.status, tiktokError: code };
  if (code === "rate_limit_exceeded") return new RateLimitedError(message, parseRetryAfter(response.headers["retry-after"], context.nowMs) ?? TIKTOK_RATE_LIMIT_WAIT_MS, { details });
  if (AUTH_ERRORS.has(code)) return new ConnectorAuthError("tiktok", "unauthorized", message, { status: response.status });
  if (SCOPE_ERRORS.has(code)) return new ConnectorAuthError("tiktok", "forbidden", message, { status: response.status });
  if (INPUT_ERRORS.has(code)) return new ValidationError(message, [], { details });
  return new UpstreamFailedError(message, { isRetryable: code === "internal_error" || response.status >= 500, details });
}

/** TIKTOK: Direct Post of a video that TikTok pulls from a URL (`POST /v2/post/publish/video/init/`). */
export const tiktokConnector = defineConnector({
  id: "tiktok",
  kind: "TIKTOK",
  displayName: "TikTok",
  description: "Publishes videos on TikTok.",
  baseUrl: "https://open.tiktokapis.com",
  apiVersion: { version: "v2", docsUrl: "https://developers.tiktok.com/doc/content-posting-api-get-started" },
  // TikTok's token endpoint names the client id `client_key` (https://developers.tiktok.com/doc/oauth-user-access-token-management).
  auth: { type: "oauth2", tokenUrl: "https://open.tiktokapis.com/v2/oauth/token/", clientIdParameter: "client_key" },
  mapResponse: mapTiktokResponse,
  connectionTest: { method: "GET", path: "/v2/user/info/", query: { fields: "open_id" } },
  actions: {
    publishVideo: defineAction({
      description: "Starts publishing a video from a URL on a verified domain; TikTok processes it afterwards.",
      repeatSafety: "unsafe",
      endpoint: "POST /v2/post/publish/video/init/",
      docsUrl: "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post",
      input: z.object({
        title: z.string().max(2_200).default(""),
        videoUrl: z.url({ protocol: /^https$/ }),
        privacyLevel: z.enum(["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]),
      }),
      output: z.object({ publishId: z.string().min(1) }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/v2/post/publish/video/init/",
          headers: { "content-type": "application/json; charset=UTF-8" },
          json: { post_info: { title: input.title, privacy_level: input.privacyLevel }, source_info: { source: "PULL_FROM_URL", video_url: input.videoUrl } },
        });
        return { publishId: (response.body as { data?: { publish_id?: string } }).data?.publish_id ?? "" };
      },
      fixture: (_input, mock) => ({ publishId: `v_pub_url~v2-1.${7_360_000_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))}` }),
    }),
  },
});

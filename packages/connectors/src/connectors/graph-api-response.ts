import { ContentRefusedError, type NeonhubError, RateLimitedError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { DEFAULT_RATE_LIMIT_WAIT_MS, mapHttpError, providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "../http/parse-retry-after.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { ApiVersionSpec } from "../sdk/connector-definition.js";

/** The Graph API version used by the WhatsApp, Instagram and Facebook connectors. */
export const GRAPH_API_VERSION = "v25.0";

/**
 * The Graph API version as a connector declares it. Meta keeps each version for about two years after the next
 * one ships and publishes the exact end date in its changelog once it is set.
 */
export const GRAPH_API_VERSION_SPEC: ApiVersionSpec = { version: GRAPH_API_VERSION, docsUrl: "https://developers.facebook.com/docs/graph-api/changelog/versions" };

/** Meta's error body: `{ error: { message, type, code, error_subcode?, is_transient?, fbtrace_id } }`. */
interface GraphError {
  code?: unknown;
  error_subcode?: unknown;
  is_transient?: unknown;
  error_user_title?: unknown;
  fbtrace_id?: unknown;
}

// Meta's codes for content it refuses as such: a duplicate post (506), a post its spam rules blocked (368).
const CONTENT_REFUSED_CODES = new Map([
  [506, "duplicate"],
  [368, "policy"],
]);

// Throttling codes of the Graph API (app, user, page, custom) and of the WhatsApp Cloud API; business use case
// limits are 80000 to 80014. WhatsApp's spam rate limit (131048) is no wait: its connector refuses it for good.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 130429, 131056]);
const isRateLimitCode = (code: number) => RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014);
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016]);
const isPermissionCode = (code: number) => code === 3 || code === 10 || (code >= 200 && code <= 299);
const MINUTE_MS = 60_000;

/**
 * The longest `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage`, which lists each business
 * object's rate limit types; undefined when the header is absent, unreadable or gives no time.
 */
function businessUseCaseWaitMs(header: string | undefined): number | undefined {
  let usage: unknown;
  try {
    usage = header === undefined ? undefined : JSON.parse(header);
  } catch {
    return undefined;
  }
  if (typeof usage !== "object" || usage === null) return undefined;
  let longest = 0;
  for (const entries of Object.values(usage)) {
    for (const entry of Array.isArray(entries) ? entries : []) {
      const minutes: unknown = entry?.estimated_time_to_regain_access;
      if (typeof minutes === "number" && Number.isFinite(minutes) && minutes > longest) longest = minutes;
    }
  }
  return longest === 0 ? undefined : Math.min(longest * MINUTE_MS, MAX_RETRY_AFTER_MS);
}

/**
 * Maps Graph API error bodies to typed errors by Meta's error `code` (expired tokens come back as 400 with code
 * 190, throttling as 400 with code 4, 17, 32, 613, 80000 to 80014 or 130429, a duplicate post as 506), keeping
 * Meta's code, `error_subcode` and trace id in the error's details. A throttled call waits the time to regain
 * access that `X-Business-Use-Case-Usage` estimates, else `Retry-After`.
 */
export function graphApiResponseMapper(connector: string, displayName: string) {
  return (response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined => {
    if (response.status < 400) return undefined;
    const error = (response.body as { error?: GraphError } | null)?.error;
    if (typeof error !== "object" || error === null || typeof error.code !== "number") return undefined;
    const { code } = error;
    const message = `${displayName} ${context.action} failed with HTTP ${response.status} (Graph error ${code}): ${providerMessage(response.body)}`;
    const details = {
      connector,
      action: context.action,
      status: response.status,
      graphErrorCode: code,
      ...(typeof error.error_subcode === "number" ? { graphErrorSubcode: error.error_subcode } : {}),
      ...(typeof error.error_user_title === "string" ? { graphErrorUserTitle: error.error_user_title } : {}),
      ...(typeof error.fbtrace_id === "string" ? { fbtraceId: error.fbtrace_id } : {}),
    };
    if (code === 190 || code === 102) return new ConnectorAuthError(connector, "unauthorized", message, { status: response.status });
    if (isPermissionCode(code)) return new ConnectorAuthError(connector, "forbidden", message, { status: response.status });
    if (isRateLimitCode(code)) {
      const retryAfterMs =
        businessUseCaseWaitMs(response.headers["x-business-use-case-usage"]) ?? parseRetryAfter(response.headers["retry-after"], context.nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
      return new RateLimitedError(message, retryAfterMs, { details });
    }
    // Meta asks for a retry but does not say whether the call took effect (its transient errors come as 400 too):
    // a safe action is retried, an unsafe one (a post, a message) is not sent again.
    if (TRANSIENT_CODES.has(code) || error.is_transient === true) return new UpstreamFailedError(message, { isRetryable: true, details: { ...details, outcome: "unknown" } });
    if (code === 100 || code === 131008 || code === 131009) return new ValidationError(message, [], { details });
    const refused = CONTENT_REFUSED_CODES.get(code);
    if (refused !== undefined) return new ContentRefusedError(message, { reason: refused, details });
    // Any other Graph error keeps the status mapping, and Meta's code and subcode in its details.
    return mapHttpError(response, { connector, displayName, action: context.action, nowMs: context.nowMs, details });
  };
}

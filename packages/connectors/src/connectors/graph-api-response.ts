import { ContentRefusedError, type NeonhubError, RateLimitedError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import { DEFAULT_RATE_LIMIT_WAIT_MS, mapHttpError, providerMessage } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
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

// Throttling codes of the Graph API (app, user, page, business use case) and of the WhatsApp Cloud API.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80001, 80002, 80004, 80005, 80006, 80008, 80014, 130429, 131048, 131056]);
const TRANSIENT_CODES = new Set([1, 2, 131000, 131016]);
const isPermissionCode = (code: number) => code === 3 || code === 10 || (code >= 200 && code <= 299);

/**
 * Maps Graph API error bodies to typed errors by Meta's error `code` (expired tokens come back as 400 with code
 * 190, throttling as 400 with code 4, 17, 32, 613 or 130429, a duplicate post as 506), keeping Meta's code,
 * `error_subcode` and trace id in the error's details.
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
    if (RATE_LIMIT_CODES.has(code)) {
      return new RateLimitedError(message, parseRetryAfter(response.headers["retry-after"], context.nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS, { details });
    }
    if (TRANSIENT_CODES.has(code) || error.is_transient === true) return new UpstreamFailedError(message, { isRetryable: true, details });
    if (code === 100 || code === 131008 || code === 131009) return new ValidationError(message, [], { details });
    const refused = CONTENT_REFUSED_CODES.get(code);
    if (refused !== undefined) return new ContentRefusedError(message, { reason: refused, details });
    // Any other Graph error keeps the status mapping, and Meta's code and subcode in its details.
    return mapHttpError(response, { connector, displayName, action: context.action, nowMs: context.nowMs, details });
  };
}

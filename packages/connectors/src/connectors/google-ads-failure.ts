import type { NeonhubError } from "@neonhub/core";
import { mapHttpError } from "../http/map-http-error.js";
import type { HttpResponse } from "../http/http-types.js";

/** One error of a `GoogleAdsFailure`: its code (`{ queryError: "UNRECOGNIZED_FIELD" }`), message and location. */
interface GoogleAdsError {
  errorCode?: Record<string, string>;
  message?: string;
  trigger?: unknown;
  location?: unknown;
}

const MAX_KEPT_ERRORS = 10;

/** The `GoogleAdsFailure` in a Google API error body's `details`, if there is one. */
function googleAdsFailure(body: unknown): { errors: GoogleAdsError[]; requestId?: string } | undefined {
  const details = (body as { error?: { details?: unknown } } | null)?.error?.details;
  if (!Array.isArray(details)) return undefined;
  const failure = details.find((entry) => typeof entry?.["@type"] === "string" && entry["@type"].endsWith(".errors.GoogleAdsFailure"));
  return failure === undefined ? undefined : { errors: Array.isArray(failure.errors) ? failure.errors : [], requestId: failure.requestId };
}

/**
 * Keeps the specific `GoogleAdsFailure` of an error answer (Google's own message is only "Request contains an
 * invalid argument."): its first error's code and message become the error's message, and every error (up to ten)
 * and the request id its details, under the usual status mapping.
 */
export function mapGoogleAdsResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  if (response.status < 400) return undefined;
  const failure = googleAdsFailure(response.body);
  if (failure === undefined || failure.errors.length === 0) return undefined;
  const errors = failure.errors.slice(0, MAX_KEPT_ERRORS).map((error) => ({
    errorCode: error.errorCode ?? {},
    message: error.message ?? "",
    ...(error.trigger === undefined ? {} : { trigger: error.trigger }),
    ...(error.location === undefined ? {} : { location: error.location }),
  }));
  const [first] = errors as [(typeof errors)[number]];
  const code = Object.entries(first.errorCode).map(([kind, value]) => `${kind}.${value}`).join(", ");
  return mapHttpError(
    { ...response, body: { message: `${code}: ${first.message}` } },
    { connector: "google-ads", displayName: "Google Ads", action: context.action, nowMs: context.nowMs, details: { googleAdsErrors: errors, requestId: failure.requestId } },
  );
}

import { ContentRefusedError, type NeonhubError, RateLimitedError, UpstreamFailedError } from "@neonhub/core";
import type { HttpResponse } from "../http/http-types.js";
import { graphApiResponseMapper } from "./graph-api-response.js";

/** Meta lets a business number send one message every 6 seconds to the same WhatsApp user (the pair rate). */
export const WHATSAPP_PAIR_RATE_WAIT_MS = 6_000;

const mapGraphResponse = graphApiResponseMapper("whatsapp", "WhatsApp Business");

/**
 * The Graph mapping, with what WhatsApp's own codes mean: the pair rate limit (131056) waits at least 6 seconds;
 * the spam rate limit (131048) restricts the number until its quality recovers, so it is not retried; a text outside
 * the 24-hour customer service window (131047) is refused as such, as only a template may be sent then.
 */
export function mapWhatsappResponse(response: HttpResponse, context: { action: string; nowMs: number }): NeonhubError | undefined {
  const mapped = mapGraphResponse(response, context);
  const details = mapped?.details;
  const code = details?.graphErrorCode;
  if (mapped === undefined || details === undefined) return mapped;
  if (code === 131056) return new RateLimitedError(mapped.message, Math.max(mapped.retryAfterMs ?? 0, WHATSAPP_PAIR_RATE_WAIT_MS), { details });
  if (code === 131048) return new UpstreamFailedError(mapped.message, { isRetryable: false, details: { ...details, reason: "spam_rate_limit" } });
  if (code === 131047) return new ContentRefusedError(mapped.message, { reason: "outside_customer_service_window", details });
  return mapped;
}

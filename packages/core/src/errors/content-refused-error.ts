import { ERROR_CODES } from "./error-codes.js";
import { NeonhubError, type NeonhubErrorOptions } from "./neonhub-error.js";

/**
 * A provider refused the content it was given (a duplicate post, a message over its length limit, text its
 * policy rejects), while the credentials were fine. Repeating the same call fails the same way, so it is never
 * retried; `reason` (and `details.reason`) names the provider's answer in a few words.
 */
export class ContentRefusedError extends NeonhubError {
  readonly reason: string;
  constructor(message: string, options: Omit<NeonhubErrorOptions, "isRetryable"> & { reason: string }) {
    super(ERROR_CODES.CONTENT_REFUSED, message, { ...options, isRetryable: false, details: { ...options.details, reason: options.reason } });
    this.name = "ContentRefusedError";
    this.reason = options.reason;
  }
}

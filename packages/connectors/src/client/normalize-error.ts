import { CancelledError, HandlerFailedError, type NeonhubError, type Redactor, UpstreamFailedError, isNeonhubError, isTransientError, toStorableText } from "@neonhub/core";

/**
 * Turns anything thrown by a connector call into a NeonHub error whose message, details, stack and cause carry
 * no secret. NeonHub errors keep their class, code and retry hints; network failures become a retryable
 * `UpstreamFailedError`, and anything else a `HandlerFailedError` (a bug in the connector's own code). The message,
 * often made from a provider's answer, has NUL characters and unpaired surrogates replaced by U+FFFD (after
 * redaction), so that the run's records and the connection's `lastError` keep it.
 */
export function normalizeError(error: unknown, redactor: Redactor, label: string, signal: AbortSignal): NeonhubError {
  if (!isNeonhubError(error)) {
    if (signal.aborted) return normalizeError(isNeonhubError(signal.reason) ? signal.reason : new CancelledError(`${label} was cancelled.`), redactor, label, signal);
    const message = error instanceof Error ? error.message : String(error);
    const text = toStorableText(`${label} failed: ${redactor.redactText(message)}`);
    return isTransientError(error) ? new UpstreamFailedError(text, { isRetryable: true }) : new HandlerFailedError(text);
  }
  const define = (key: string, value: unknown) => Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
  define("message", toStorableText(redactor.redactText(error.message)));
  if (error.stack !== undefined) define("stack", redactor.redactText(error.stack));
  if (error.details !== undefined) Object.defineProperty(error, "details", { value: redactor.redact(error.details), writable: false, configurable: true, enumerable: true });
  if (error.cause !== undefined) define("cause", redactor.redact(error.cause));
  return error;
}

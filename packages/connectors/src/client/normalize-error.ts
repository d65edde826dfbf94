import { CancelledError, HandlerFailedError, type NeonhubError, type Redactor, isNeonhubError, isTransientError } from "@neonhub/core";

/**
 * Turns anything thrown by a connector call into a NeonHub error whose message, details, stack and cause carry
 * no secret. NeonHub errors keep their class, code and retry hints; other errors become `HandlerFailedError`
 * (retryable for network failures).
 */
export function normalizeError(error: unknown, redactor: Redactor, label: string, signal: AbortSignal): NeonhubError {
  if (!isNeonhubError(error)) {
    if (signal.aborted) return normalizeError(isNeonhubError(signal.reason) ? signal.reason : new CancelledError(`${label} was cancelled.`), redactor, label, signal);
    const message = error instanceof Error ? error.message : String(error);
    return new HandlerFailedError(`${label} failed: ${redactor.redactText(message)}`, { isRetryable: isTransientError(error) });
  }
  const define = (key: string, value: unknown) => Object.defineProperty(error, key, { value, writable: true, configurable: true, enumerable: false });
  define("message", redactor.redactText(error.message));
  if (error.stack !== undefined) define("stack", redactor.redactText(error.stack));
  if (error.details !== undefined) Object.defineProperty(error, "details", { value: redactor.redact(error.details), writable: false, configurable: true, enumerable: true });
  if (error.cause !== undefined) define("cause", redactor.redact(error.cause));
  return error;
}

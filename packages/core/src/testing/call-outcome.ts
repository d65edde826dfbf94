import { isNeonhubError } from "../errors/neonhub-error.js";

/** Texts no store can keep or look up: PostgreSQL refuses NUL, and would change an unpaired surrogate into U+FFFD. */
export const HOSTILE_TEXTS = [["NUL", "a\u0000b"], ["lone surrogate", "a\uD800b"], ["lone low surrogate", "\uDC00"]] as const;

/**
 * How a call ended: `refused <fields>` for a non-retryable VALIDATION_FAILED naming them, `already exists <fields>`
 * for a non-retryable ALREADY_EXISTS naming them, else `answered` or the error.
 */
export async function callOutcome(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "answered";
  } catch (error) {
    if (isNeonhubError(error, "ALREADY_EXISTS") && !error.isRetryable) return `already exists ${((error.details?.fields ?? []) as string[]).join(", ")}`;
    if (!isNeonhubError(error, "VALIDATION_FAILED") || error.isRetryable) return String(error);
    return `refused ${((error.details?.fieldErrors ?? []) as Array<{ path: string }>).map((fieldError) => fieldError.path).join(", ")}`;
  }
}

/** The field a call's label names in parentheses, which its refusal must name: `getRun(runId)` names `runId`. */
export function refusedField(label: string): string {
  const field = /\(([^)]+)\)/.exec(label)?.[1];
  if (field === undefined) throw new Error(`The call "${label}" names no field in parentheses.`);
  return field;
}

/**
 * Whether a step may be executed again when its outcome is unknown (its process died during the call, or the
 * call timed out after the request was sent):
 * - `safe`: repeating it changes nothing (a read, a computation);
 * - `with-key`: the provider deduplicates by the step's idempotency key (Stripe's `Idempotency-Key`), so it is
 *   repeated with the same key (only while the provider still keeps the key, when the step declares how long:
 *   `keyRetentionMs`);
 * - `unsafe`: repeating it may act twice (a Slack message, an X post); it is never repeated blindly, and the run
 *   fails with `STEP_OUTCOME_UNKNOWN` instead.
 */
export type RepeatSafety = "safe" | "with-key" | "unsafe";

/** Every {@link RepeatSafety}, for validation. */
export const REPEAT_SAFETIES: readonly RepeatSafety[] = ["safe", "with-key", "unsafe"];

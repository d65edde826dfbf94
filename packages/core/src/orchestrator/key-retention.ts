import { ValidationError } from "../errors/errors.js";
import type { JournalStep } from "../model/journal-step.js";
import type { RepeatSafety } from "../model/repeat-safety.js";

const field = "keyRetentionMs";

/**
 * Checks a step's `keyRetentionMs`: a positive whole number of milliseconds, on a `with-key` step only (it is how
 * long the provider keeps the step's key).
 */
export function keyRetentionProblem(repeatSafety: RepeatSafety, keyRetentionMs: number): ValidationError | undefined {
  if (!Number.isSafeInteger(keyRetentionMs) || keyRetentionMs <= 0) {
    return new ValidationError(`${field} must be a positive whole number of milliseconds.`, [{ path: field, message: "Must be a positive whole number" }]);
  }
  if (repeatSafety !== "with-key") {
    return new ValidationError(`${field} applies to with-key steps only, not to a ${repeatSafety} step.`, [{ path: field, message: "Needs repeatSafety with-key" }]);
  }
  return undefined;
}

/**
 * Why a `with-key` step journaled as started must not run again, or undefined while its provider still keeps its
 * key. The lease is the margin: hosts whose clocks differed by as much would already take each other's runs too
 * early, and it leaves the repeated call that long to reach the provider.
 */
export function keyOutlived(journaled: Pick<JournalStep, "startedAt">, keyRetentionMs: number, leaseMs: number, now: number): string | undefined {
  const ageMs = now - journaled.startedAt.getTime();
  if (ageMs < keyRetentionMs - leaseMs) return undefined;
  return `it started ${ageMs} ms ago, and its provider keeps the idempotency key ${keyRetentionMs} ms (less a lease of ${leaseMs} ms as margin)`;
}

/**
 * When the provider's window for a step's key began, as far as the journal tells: a with-key step that has sent its
 * key before in this run (left started by an interruption, or failed and now retried) keeps that first start, since
 * the provider counts from the first call that sent the key; a later call does not extend the window. A failed
 * call older than the retention (plus a lease, for clocks that differ) has been forgotten by the provider, and the
 * call about to be made opens a new window.
 */
export function keyWindowStart(journaled: Pick<JournalStep, "status" | "startedAt"> | undefined, keyRetentionMs: number | undefined, leaseMs: number, now: Date): Date {
  if (keyRetentionMs === undefined || journaled === undefined) return now;
  if (journaled.status === "STARTED") return journaled.startedAt;
  if (journaled.status === "FAILED" && now.getTime() - journaled.startedAt.getTime() < keyRetentionMs + leaseMs) return journaled.startedAt;
  return now;
}

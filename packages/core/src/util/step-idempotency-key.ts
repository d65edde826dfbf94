import { createHash } from "node:crypto";

/**
 * The idempotency key of a run's step: the same on every retry and resume of the run, different for every other
 * run or step. 43 characters (`nh_` and a base64url SHA-256 prefix), within every provider's limit.
 */
export function stepIdempotencyKey(runId: string, stepKey: string): string {
  return `nh_${createHash("sha256").update(runId).update("\u0000").update(stepKey).digest("base64url").slice(0, 40)}`;
}

import { ValidationError } from "@neonhub/core";
import { checkKeyExpiry } from "../auth/issue-api-key.js";
import { storableTimestampSchema } from "../schemas/storable-timestamp-schema.js";

/** Units of `keys create --expires-in`, in ms: hours and days, which is what rotation policies are written in. */
export const KEY_EXPIRY_UNITS = { h: 3_600_000, d: 86_400_000 } as const;

// At most six digits: 999999d is about 2,700 years, well inside what a store can hold from today.
const EXPIRES_IN_PATTERN = /^([1-9][0-9]{0,5})([hd])$/;

/** The expiry options of `keys create`, as typed. */
export interface KeyExpiryOptions {
  expiresIn?: string | undefined;
  expiresAt?: string | undefined;
}

/**
 * Reads `--expires-in <n>h|<n>d` or `--expires-at <ISO time>` into the key's expiry, null when neither is given.
 * Runs before the database is opened, so a mistyped option changes nothing.
 * @throws ValidationError (`VALIDATION_FAILED`) for both options at once, an unknown unit, a text that is no ISO time
 * with offset, a time beyond 0001..9999 UTC, or an expiry that is not after `now`.
 */
export function parseKeyExpiry(options: KeyExpiryOptions, now: number): Date | null {
  const { expiresIn, expiresAt } = options;
  if (expiresIn !== undefined && expiresAt !== undefined) {
    throw new ValidationError("Give --expires-in or --expires-at, not both.", [{ path: "expiresAt", message: "conflicts with expiresIn" }]);
  }
  let expiry: Date;
  if (expiresIn !== undefined) {
    const match = EXPIRES_IN_PATTERN.exec(expiresIn);
    if (!match) {
      throw new ValidationError(`--expires-in takes a whole number of hours or days, like 12h or 90d; got "${expiresIn}".`, [{ path: "expiresIn", message: "must be <n>h or <n>d" }]);
    }
    expiry = new Date(now + Number(match[1]) * KEY_EXPIRY_UNITS[match[2] as keyof typeof KEY_EXPIRY_UNITS]);
  } else if (expiresAt !== undefined) {
    if (!storableTimestampSchema.safeParse(expiresAt).success) {
      throw new ValidationError(`--expires-at takes an ISO 8601 time with offset from 0001-01-01 to 9999-12-31 (UTC), like 2027-03-01T00:00:00Z; got "${expiresAt}".`, [
        { path: "expiresAt", message: "must be an ISO 8601 time with offset from 0001-01-01 to 9999-12-31 (UTC)" },
      ]);
    }
    expiry = new Date(expiresAt);
  } else {
    return null;
  }
  checkKeyExpiry(expiry, now);
  return expiry;
}

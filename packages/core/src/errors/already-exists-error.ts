import { ERROR_CODES } from "./error-codes.js";
import { NeonhubError, type NeonhubErrorOptions } from "./neonhub-error.js";

/**
 * A store already holds a record with the same unique value (an id, a key's hash, an OAuth state) and kept it: the
 * new one was not written. Not an outage, and repeating the same call fails the same way, so it is never retried.
 * `fields` (and `details.fields`) name the values that collided, never their content; the message names the record.
 * @example
 * throw new AlreadyExistsError("API key", ["keyHash"]); // "The API key was not stored: one with the same keyHash is already stored."
 */
export class AlreadyExistsError extends NeonhubError {
  readonly fields: string[];
  constructor(record: string, fields: string[], options: Omit<NeonhubErrorOptions, "isRetryable"> = {}) {
    const same = fields.length === 0 ? "one like it" : `one with the same ${fields.join(" and ")}`;
    super(ERROR_CODES.ALREADY_EXISTS, `The ${record} was not stored: ${same} is already stored.`, { ...options, isRetryable: false, details: { ...options.details, fields } });
    this.name = "AlreadyExistsError";
    this.fields = fields;
  }
}

import { ValidationError } from "../errors/errors.js";

const SIGNAL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * Signal names that start with this are sent by the orchestrator itself: a child run that ends wakes its parent
 * with `child:<child run id>`. Callers may not send them, and handlers may not wait for them.
 */
export const RESERVED_SIGNAL_PREFIX = "child:";

/** The name of the signal a child sends its parent when it ends. */
export const childEndedSignal = (childRunId: string): string => `${RESERVED_SIGNAL_PREFIX}${childRunId}`;

/**
 * Checks the name of a signal a caller sends or a handler waits for: 1 to 100 letters, digits, `.`, `_`, `:` and
 * `-`, starting with a letter or digit, and not starting with {@link RESERVED_SIGNAL_PREFIX}.
 * @throws ValidationError (`VALIDATION_FAILED`) otherwise.
 */
export function validateSignalName(name: unknown): void {
  if (typeof name !== "string" || !SIGNAL_NAME.test(name)) {
    throw new ValidationError("A signal name must be 1 to 100 letters, digits, '.', '_', ':' or '-', starting with a letter or digit.", [{ path: "name", message: "Invalid signal name" }]);
  }
  if (name.startsWith(RESERVED_SIGNAL_PREFIX)) {
    throw new ValidationError(`Signal names starting with "${RESERVED_SIGNAL_PREFIX}" are reserved: a child run sends them to its parent when it ends.`, [{ path: "name", message: "Reserved signal name" }]);
  }
}

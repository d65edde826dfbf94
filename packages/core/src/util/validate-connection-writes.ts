import { ValidationError, type FieldError } from "../errors/errors.js";
import type { ConnectionAuthType, ConnectionInput, ConnectionStatus, CredentialChanges } from "../ports/credential-store.js";
import { isStorableDate } from "./storable-value.js";

const AUTH_TYPES: ReadonlySet<string> = new Set<ConnectionAuthType>(["none", "api_key", "bearer", "basic", "oauth2"]);
const STATUSES: ReadonlySet<string> = new Set<ConnectionStatus>(["ACTIVE", "EXPIRED", "REVOKED", "ERROR"]);
// A connection's version is a PostgreSQL `integer`.
const MAX_VERSION = 2_147_483_647;

const DATE_PROBLEM = "Must be a valid date from year 1 to 9999";

function oneOf(allowed: ReadonlySet<string>, value: unknown, path: string, problems: FieldError[]): void {
  if (typeof value !== "string" || !allowed.has(value)) problems.push({ path, message: `Must be one of ${[...allowed].join(", ")}` });
}

function storableDate(value: Date | null | undefined, path: string, problems: FieldError[]): void {
  if (value !== null && value !== undefined && !(value instanceof Date && isStorableDate(value))) problems.push({ path, message: DATE_PROBLEM });
}

function refuse(what: string, problems: FieldError[]): void {
  if (problems.length > 0) {
    const sentences = problems.map((problem) => `${problem.path} ${problem.message.charAt(0).toLowerCase()}${problem.message.slice(1)}`);
    throw new ValidationError(`The ${what} cannot be stored: ${sentences.join("; ")}.`, problems);
  }
}

/**
 * Refuses a connection no credential store should keep: an unknown auth type or status, or an expiry no database
 * keeps. `CredentialStore` adapters call it in `put` before writing, so that every store refuses the same values.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateConnectionInput(input: ConnectionInput): void {
  const problems: FieldError[] = [];
  oneOf(AUTH_TYPES, input.authType, "authType", problems);
  if (input.status !== undefined) oneOf(STATUSES, input.status, "status", problems);
  storableDate(input.expiresAt, "expiresAt", problems);
  refuse("connection", problems);
}

/**
 * Refuses changes no credential store should write: an unknown status or an expiry no database keeps, or, when
 * given, an expected version that is not an integer from 0. Adapters call it in `update` and `updateExclusively`
 * before writing.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateCredentialChanges(changes: CredentialChanges, expectedVersion?: number): void {
  const problems: FieldError[] = [];
  if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 0 && expectedVersion <= MAX_VERSION)) {
    problems.push({ path: "expectedVersion", message: `Must be an integer from 0 to ${MAX_VERSION}` });
  }
  if (changes.status !== undefined) oneOf(STATUSES, changes.status, "status", problems);
  storableDate(changes.expiresAt, "expiresAt", problems);
  refuse("connection's changes", problems);
}

/**
 * Refuses a use record no credential store should write: an instant no database keeps. Adapters call it in
 * `recordUse` before writing.
 * @throws ValidationError naming the field, never retryable.
 */
export function validateConnectionUse(use: { at: Date; error: string | null }): void {
  const problems: FieldError[] = [];
  if (!(use.at instanceof Date && isStorableDate(use.at))) problems.push({ path: "at", message: DATE_PROBLEM });
  refuse("connection's use", problems);
}

import type { FieldError } from "../errors/errors.js";
import type { ConnectionAuthType, ConnectionInput, ConnectionStatus, CredentialChanges } from "../ports/credential-store.js";
import { isStorableDate } from "./storable-value.js";
import { addTextProblems, refuseProblems } from "./store-text-checks.js";

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

/**
 * Refuses a connection no credential store should keep: a NUL character or an unpaired UTF-16 surrogate in its
 * organization or connector, an unknown auth type or status, or an expiry no database keeps. `CredentialStore`
 * adapters call it in `put` before writing, so that every store refuses the same values. Secret values pass whatever
 * they hold: adapters seal them.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateConnectionInput(input: ConnectionInput): void {
  const problems: FieldError[] = [];
  // Secret values are sealed by adapters, never kept in a text column: they pass whatever they hold.
  addTextProblems({ organizationId: input.organizationId, connector: input.connector }, problems);
  oneOf(AUTH_TYPES, input.authType, "authType", problems);
  if (input.status !== undefined) oneOf(STATUSES, input.status, "status", problems);
  storableDate(input.expiresAt, "expiresAt", problems);
  refuseProblems("connection", problems);
}

/**
 * Refuses changes no credential store should write: an unknown status, an expiry no database keeps, a NUL character
 * or an unpaired UTF-16 surrogate in `lastError`, or, when given, an expected version that is not an integer from 0.
 * Adapters call it in `update` and `updateExclusively` before writing.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateCredentialChanges(changes: CredentialChanges, expectedVersion?: number): void {
  const problems: FieldError[] = [];
  if (expectedVersion !== undefined && !(Number.isInteger(expectedVersion) && expectedVersion >= 0 && expectedVersion <= MAX_VERSION)) {
    problems.push({ path: "expectedVersion", message: `Must be an integer from 0 to ${MAX_VERSION}` });
  }
  if (changes.status !== undefined) oneOf(STATUSES, changes.status, "status", problems);
  storableDate(changes.expiresAt, "expiresAt", problems);
  addTextProblems({ lastError: changes.lastError }, problems);
  refuseProblems("connection's changes", problems);
}

/**
 * Refuses a use record no credential store should write: an instant no database keeps, or a NUL character or an
 * unpaired UTF-16 surrogate in its error. Adapters call it in `recordUse` before writing.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateConnectionUse(use: { at: Date; error: string | null }): void {
  const problems: FieldError[] = [];
  if (!(use.at instanceof Date && isStorableDate(use.at))) problems.push({ path: "at", message: DATE_PROBLEM });
  addTextProblems({ error: use.error }, problems);
  refuseProblems("connection's use", problems);
}

/**
 * Refuses the organization, and the connector when given, that a credential store call looks a connection up by when
 * either holds a NUL character or an unpaired UTF-16 surrogate, which no stored text holds: PostgreSQL refuses a query
 * holding NUL, and compares a surrogate changed into U+FFFD, so that it could find a connection whose text holds
 * U+FFFD. Adapters call it first in every call but `put`, which {@link validateConnectionInput} checks.
 * @throws ValidationError naming every such field, never retryable.
 */
export function validateConnectionLookup(organizationId: string, connector?: string): void {
  const problems: FieldError[] = [];
  addTextProblems({ organizationId, connector }, problems);
  refuseProblems("connection", problems, "looked up");
}

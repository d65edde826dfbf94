import { NeonhubError, StoreUnavailableError, ValidationError } from "@neonhub/core";

interface DatabaseFailure {
  /** SQLSTATE, socket error code, Prisma code or driver adapter kind. */
  codes: string[];
}

const CONNECTION_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
  "TlsConnectionError",
]);
const CONNECTION_PRISMA_CODES = new Set(["P1000", "P1001", "P1002", "P1003", "P1008", "P1010", "P1011", "P1017", "P2024", "P2028"]);
const CONNECTION_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "EHOSTUNREACH"]);
// SQLSTATE classes 08 (connection), 53 (resources), 57P (shutdown, terminated).
const RETRYABLE_SQLSTATE = /^(08...|53...|57P0[1-4])$/;
const CONNECTION_MESSAGES = /connection terminated|connection error|client has encountered a connection error|pglite is closed|cannot use a pool after calling end|timeout exceeded when trying to connect/i;

// SQLSTATE 40001 (serialization failure) and 40P01 (deadlock), and Prisma's names for them: the database rolled the
// transaction back because it conflicted with a concurrent one; the same call made again usually succeeds.
const CONFLICT_SQLSTATE = /^(40001|40P01)$/;
const CONFLICT_KINDS = new Set(["TransactionWriteConflict"]);
const CONFLICT_PRISMA_CODES = new Set(["P2034"]);

// SQLSTATE 23505 and Prisma's names for it: a row with the same unique value is already stored.
const UNIQUE_VIOLATION_CODES = new Set(["23505", "P2002", "UniqueConstraintViolation"]);

// SQLSTATE class 22 (data exception) and the driver adapter's names for it: the value itself was refused, so
// repeating the call can never succeed.
const DATA_EXCEPTION_SQLSTATE = /^22[0-9A-Z]{3}$/;
const DATA_EXCEPTION_KINDS = new Set(["InvalidInputValue", "ValueOutOfRange", "LengthMismatch"]);

const DESCRIPTIONS: Record<string, string> = {
  "22021": "a text holds a character the database cannot store (such as NUL)",
  "22P05": "a JSON value holds a character the database cannot store (such as \\u0000)",
  "22008": "a date or time is out of range",
  "22003": "a number is out of range",
  "23505": "a unique constraint was violated",
  "23503": "a referenced record does not exist",
  "23502": "a required value is missing",
  "23514": "a check constraint was violated",
  "22P02": "a value has the wrong format",
  "22001": "a value is too long",
  "40001": "a serialization failure",
  "40P01": "a deadlock",
  "42501": "the database role lacks the privilege",
  "42P01": "a table is missing (are the migrations applied?)",
  "42703": "a column is missing (are the migrations applied?)",
};

function collectCodes(error: unknown): DatabaseFailure {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const record = current as { code?: unknown; kind?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: { cause?: unknown } }; cause?: unknown };
    for (const value of [record.originalCode, record.code, record.kind]) if (typeof value === "string") codes.push(value);
    current = record.meta?.driverAdapterError?.cause ?? record.cause;
  }
  return { codes };
}

/** True when the error means the database could not be reached or dropped the connection. */
export function isConnectionFailure(error: unknown): boolean {
  const { codes } = collectCodes(error);
  if (codes.some((code) => CONNECTION_KINDS.has(code) || CONNECTION_PRISMA_CODES.has(code) || CONNECTION_SOCKET_CODES.has(code) || RETRYABLE_SQLSTATE.test(code))) {
    return true;
  }
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

/** True when the database rolled the call back because it conflicted with a concurrent transaction (deadlock, serialization). */
export function isWriteConflict(error: unknown): boolean {
  return collectCodes(error).codes.some((code) => CONFLICT_SQLSTATE.test(code) || CONFLICT_KINDS.has(code) || CONFLICT_PRISMA_CODES.has(code));
}

/** The SQLSTATE of a database error, when there is one. */
export function sqlStateOf(error: unknown): string | undefined {
  return collectCodes(error).codes.find((code) => /^[0-9A-Z]{5}$/.test(code) && !code.startsWith("P"));
}

/** True when the database refused a write because a row with the same unique value is already stored. */
export function isUniqueViolation(error: unknown): boolean {
  return collectCodes(error).codes.some((code) => UNIQUE_VIOLATION_CODES.has(code));
}

/** True when the database refused a value as malformed or out of range (not a failure of the database). */
export function isDataException(error: unknown): boolean {
  return collectCodes(error).codes.some((code) => DATA_EXCEPTION_SQLSTATE.test(code) || DATA_EXCEPTION_KINDS.has(code));
}

/**
 * Normalises anything a database call throws into a NeonHub error: a lost connection is `STORE_UNAVAILABLE`
 * (retryable), a value the database refused is `VALIDATION_FAILED` (the caller's to fix, never retried). Driver and Prisma messages stay in `cause`
 * only: callers see a short message naming the action and the kind of failure, of whichever store made the call
 * (runs, schedules, settings, connections, API keys). A conflict with a concurrent
 * transaction (deadlock, serialization failure) is `STORE_UNAVAILABLE` too, retryable, and says so.
 */
export function toStoreError(error: unknown, action: string): NeonhubError {
  if (NeonhubError.isInstance(error)) return error;
  const sqlState = sqlStateOf(error);
  if (isWriteConflict(error)) {
    const conflict = (sqlState && DESCRIPTIONS[sqlState]) ?? "a write conflict";
    return new StoreUnavailableError(
      `The database could not ${action}: it conflicted with a concurrent write (${conflict}) and was rolled back; trying again may succeed.`,
      { cause: error, details: sqlState ? { sqlState } : undefined },
    );
  }
  if (isConnectionFailure(error)) {
    return new StoreUnavailableError(`The database is unavailable: could not ${action} because the connection to it failed.`, { cause: error });
  }
  const description = (sqlState && DESCRIPTIONS[sqlState]) ?? (sqlState ? `database error ${sqlState}` : "unexpected database error");
  if (isDataException(error)) {
    return new ValidationError(`The database could not ${action}: ${description}.`, [{ path: "", message: description }], {
      cause: error,
      details: sqlState ? { sqlState } : {},
    });
  }
  return new StoreUnavailableError(`The database refused to ${action}: ${description}.`, { cause: error, isRetryable: false, details: sqlState ? { sqlState } : undefined });
}

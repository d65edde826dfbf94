import type { ErrorCode } from "./error-codes.js";

const BRAND = Symbol.for("@neonhub/core/error");

/** Options shared by every NeonHub error. */
export interface NeonhubErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
  /** Whether repeating the same call may succeed (drives retries). */
  isRetryable?: boolean;
  /** How long the caller should wait before trying again, when the far side said so. */
  retryAfterMs?: number;
  /** The persisted run this error belongs to, when one was created. */
  runId?: string;
  /** Machine-readable details, such as field errors; never secrets. */
  details?: Record<string, unknown>;
}

/**
 * Base class of every error the SDK throws. Check with {@link NeonhubError.isInstance} or
 * {@link isNeonhubError} rather than `instanceof`, which fails when two copies of the package are installed.
 */
export class NeonhubError extends Error {
  readonly [BRAND] = true;
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  runId: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: NeonhubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "NeonhubError";
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.runId = options.runId;
    this.details = options.details;
  }

  /** True for any NeonHub error, from this copy of the package or another one. */
  static isInstance(value: unknown): value is NeonhubError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }

  /** A plain object that is safe to log, store or send to a client. */
  toJSON(): { name: string; code: ErrorCode; message: string; retryAfterMs?: number; runId?: string; details?: Record<string, unknown> } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
      ...(this.runId === undefined ? {} : { runId: this.runId }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/**
 * Type guard for NeonHub errors, optionally of one code.
 * @example
 * if (isNeonhubError(error, "RATE_LIMITED")) await sleep(error.retryAfterMs ?? 1000);
 */
export function isNeonhubError<C extends ErrorCode>(value: unknown, code?: C): value is NeonhubError & { code: C } {
  return NeonhubError.isInstance(value) && (code === undefined || value.code === code);
}

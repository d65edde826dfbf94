import { STORABLE_VALUE_LIMITS } from "../util/storable-value.js";

/** What replaces a redacted value. */
export const REDACTED = "[REDACTED]";

/** Key fragments whose values are always redacted (matched case-insensitively, ignoring `-` and `_`). */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  "authorization",
  "password",
  "passwd",
  "secret",
  "apikey",
  "accesskey",
  "privatekey",
  "cookie",
  "credential",
  "signature",
  "sessionid",
]);

// As deep as a storable value may be: the stored input of a run is its redacted copy, and a resumed or queued run's
// handler receives it, so redaction must not cut off what the store would have kept.
const MAX_DEPTH = STORABLE_VALUE_LIMITS.maxDepth;
const MIN_SECRET_LENGTH = 4;
const BEARER_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** Options of {@link createRedactor}. */
export interface RedactorOptions {
  /** Extra key fragments to redact, on top of {@link DEFAULT_REDACT_KEYS}. */
  keys?: readonly string[];
  /** Secret values to remove wherever they appear in text. */
  values?: readonly string[];
}

/** Removes secrets from values before they are logged, stored or returned. */
export interface Redactor {
  /** A deep copy of `value` with secret keys and secret values replaced by {@link REDACTED}. */
  redact(value: unknown): unknown;
  /** `text` with every secret value and bearer or basic credential replaced. */
  redactText(text: string): string;
  /** A redactor that also removes these values. */
  withValues(values: readonly string[]): Redactor;
}

const normalizeKey = (key: string): string => key.toLowerCase().replace(/[-_\s]/g, "");

/**
 * Creates a redactor. Keys match when their normalized form contains a fragment, or ends in `token`
 * (`accessToken`, `refresh_token`) while counts such as `total_tokens` stay readable.
 */
export function createRedactor(options: RedactorOptions = {}): Redactor {
  const fragments = [...DEFAULT_REDACT_KEYS, ...(options.keys ?? []).map(normalizeKey)];
  const values = [...new Set((options.values ?? []).filter((value) => value.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const keyCache = new Map<string, boolean>();

  const isSecretKey = (key: string): boolean => {
    let secret = keyCache.get(key);
    if (secret === undefined) {
      const normalized = normalizeKey(key);
      secret = normalized.endsWith("token") || fragments.some((fragment) => normalized.includes(fragment));
      if (keyCache.size < 10_000) keyCache.set(key, secret);
    }
    return secret;
  };

  const redactText = (text: string): string => {
    let result = text;
    for (const value of values) if (result.includes(value)) result = result.split(value).join(REDACTED);
    return result.includes("Bearer") || result.includes("Basic") ? result.replace(BEARER_PATTERN, `$1 ${REDACTED}`) : result;
  };

  // Redaction is synchronous, so the value being redacted can be kept here for the cycle check.
  let root: unknown;
  // `seen` is made only when a nested object appears: most values are flat and need no cycle tracking.
  const redactValue = (value: unknown, depth: number, seen: WeakSet<object> | undefined): unknown => {
    if (typeof value === "string") return redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (depth >= MAX_DEPTH) return "[Truncated]";
    if (value instanceof Date) return value;
    if (depth > 0) {
      seen ??= new WeakSet([root as object]);
      if (seen.has(value)) return "[Circular]";
      seen.add(value);
    }
    if (value instanceof Error) {
      return { name: value.name, message: redactText(value.message), ...("code" in value ? { code: (value as { code: unknown }).code } : {}) };
    }
    if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1, seen));
    const copy: Record<string, unknown> = {};
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      const item = (value as Record<string, unknown>)[key];
      copy[key] = isSecretKey(key) ? REDACTED : redactValue(item, depth + 1, seen);
    }
    return copy;
  };

  return {
    redact: (value) => {
      root = value;
      return redactValue(value, 0, undefined);
    },
    redactText,
    withValues: (extra) => createRedactor({ keys: options.keys, values: [...(options.values ?? []), ...extra] }),
  };
}

import { ValidationError } from "@neonhub/core";

/**
 * What an API key may do. `*:read` scopes read, `*:write` scopes change or act (start, cancel, signal, connect,
 * test a connection). Each `/v1` route names the one scope it needs.
 */
export const API_SCOPES = Object.freeze(["runs:read", "runs:write", "schedules:read", "schedules:write", "connections:read", "connections:write"] as const);

/** One of {@link API_SCOPES}. */
export type ApiScope = (typeof API_SCOPES)[number];

/** The scopes of a key issued without a list: all of them. */
export const DEFAULT_API_KEY_SCOPES: readonly ApiScope[] = API_SCOPES;

const KNOWN: ReadonlySet<string> = new Set(API_SCOPES);

/** True when `value` names a scope. */
export function isApiScope(value: unknown): value is ApiScope {
  return typeof value === "string" && KNOWN.has(value);
}

/** Checks a list of scopes given for a new key: at least one, each known, none twice. */
export function checkApiScopes(scopes: readonly string[]): ApiScope[] {
  if (scopes.length === 0) throw new ValidationError("A key needs at least one scope.", [{ path: "scopes", message: "is empty" }]);
  const unknown = scopes.filter((scope) => !isApiScope(scope));
  if (unknown.length > 0) {
    throw new ValidationError(`Unknown scope ${JSON.stringify(unknown[0])}: use ${API_SCOPES.join(", ")}.`, [{ path: "scopes", message: "has an unknown scope" }]);
  }
  return [...new Set(scopes)] as ApiScope[];
}

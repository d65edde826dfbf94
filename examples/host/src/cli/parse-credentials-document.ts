import { isStorableDate, ValidationError } from "@neonhub/core";

const AUTH_TYPES = ["api_key", "bearer", "basic", "oauth2"] as const;

/** What `connections set` stores: the credentials document, checked. */
export interface CredentialsDocument {
  credentials: Record<string, string>;
  authType?: (typeof AUTH_TYPES)[number];
  expiresAt?: Date;
}

/**
 * Reads the credentials document of `connections set`:
 * `{"credentials": {...}, "authType"?: "bearer", "expiresAt"?: "<ISO date>"}`. `expiresAt` must be a date from
 * 0001-01-01 to 9999-12-31 in UTC, which every store can hold.
 * @throws ValidationError (`VALIDATION_FAILED`) naming the field, before anything is stored.
 */
export function parseCredentialsDocument(text: string): CredentialsDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError("The credentials document is not JSON.", [{ path: "(root)", message: "is not JSON" }]);
  }
  const document = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { credentials?: unknown; authType?: unknown; expiresAt?: unknown };
  const credentials = document.credentials;
  if (typeof credentials !== "object" || credentials === null || !Object.values(credentials).every((value) => typeof value === "string")) {
    throw new ValidationError("The credentials document needs a `credentials` object of strings.", [{ path: "credentials", message: "must be an object of strings" }]);
  }
  const authType = AUTH_TYPES.find((type) => type === document.authType);
  if (document.authType !== undefined && authType === undefined) throw new ValidationError("Unknown authType.", [{ path: "authType", message: `must be one of ${AUTH_TYPES.join(", ")}` }]);
  const expiresAt = typeof document.expiresAt === "string" ? new Date(document.expiresAt) : undefined;
  if (expiresAt !== undefined && !isStorableDate(expiresAt)) {
    throw new ValidationError("expiresAt is not a date from 0001-01-01 to 9999-12-31 (UTC).", [{ path: "expiresAt", message: "must be an ISO date from 0001-01-01 to 9999-12-31 (UTC)" }]);
  }
  return { credentials: credentials as Record<string, string>, ...(authType === undefined ? {} : { authType }), ...(expiresAt === undefined ? {} : { expiresAt }) };
}

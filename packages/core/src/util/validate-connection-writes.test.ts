import { describe, expect, it } from "vitest";
import type { ConnectionAuthType, ConnectionStatus } from "../ports/credential-store.js";
import { validateConnectionInput, validateConnectionUse, validateCredentialChanges } from "./validate-connection-writes.js";

const input = { organizationId: "org", connector: "acme", authType: "bearer" as const, credentials: { accessToken: "a" } };

describe("connection write checks", () => {
  it("name every refused field in one error, never retryable", () => {
    const refused = (() => {
      try {
        validateConnectionInput({ ...input, authType: "password" as ConnectionAuthType, status: "PAUSED" as ConnectionStatus, expiresAt: new Date(Number.NaN) });
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toMatchObject({
      code: "VALIDATION_FAILED",
      isRetryable: false,
      message: "The connection cannot be stored: authType must be one of none, api_key, bearer, basic, oauth2; status must be one of ACTIVE, EXPIRED, REVOKED, ERROR; expiresAt must be a valid date from year 1 to 9999.",
      fieldErrors: [{ path: "authType" }, { path: "status" }, { path: "expiresAt" }],
    });
  });

  it("pass what every store keeps: no status or expiry, null expiry, the first and last instants, version 0", () => {
    expect(() => validateConnectionInput(input)).not.toThrow();
    expect(() => validateConnectionInput({ ...input, expiresAt: null, status: "ERROR" })).not.toThrow();
    expect(() => validateCredentialChanges({}, 0)).not.toThrow();
    expect(() => validateCredentialChanges({ expiresAt: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)), status: "REVOKED" })).not.toThrow();
    expect(() => validateConnectionUse({ at: new Date(new Date(0).setUTCFullYear(1, 0, 1)), error: null })).not.toThrow();
  });

  it("refuse a version beyond the integer column or below 0", () => {
    for (const version of [-1, 2 ** 31, Number.NaN]) expect(() => validateCredentialChanges({}, version)).toThrow(/expectedVersion must be an integer from 0 to 2147483647/);
  });
});

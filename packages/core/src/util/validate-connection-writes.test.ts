import { describe, expect, it } from "vitest";
import type { ConnectionAuthType, ConnectionStatus } from "../ports/credential-store.js";
import { validateConnectionInput, validateConnectionLookup, validateConnectionUse, validateCredentialChanges } from "./validate-connection-writes.js";

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

  it("say whether a text could not be stored or looked up, and pass secret values whatever they hold", () => {
    expect(() => validateConnectionInput({ ...input, connector: "acme\uD800" })).toThrow("The connection cannot be stored: connector must not contain unpaired UTF-16 surrogates.");
    expect(() => validateConnectionUse({ at: new Date(), error: "refused \u0000" })).toThrow("The connection's use cannot be stored: error must not contain the NUL character (U+0000).");
    expect(() => validateConnectionLookup("org\u0000", "acme\uDC00")).toThrow(
      "The connection cannot be looked up: organizationId must not contain the NUL character (U+0000); connector must not contain unpaired UTF-16 surrogates.",
    );
    expect(() => validateConnectionLookup("org \uD83D\uDE00")).not.toThrow();
    expect(() => validateConnectionInput({ ...input, credentials: { accessToken: "\u0000\uD800" } })).not.toThrow();
  });
});

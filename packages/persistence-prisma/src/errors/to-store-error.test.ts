import { isNeonhubError } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { isConnectionFailure, isUniqueViolation, isWriteConflict, toStoreError } from "./to-store-error.js";

/** An error as `pg` reports one from the server. */
const serverError = (code: string) => Object.assign(new Error(`server error ${code}`), { code });

/** The same error as Prisma's driver adapter wraps it. */
const throughPrisma = (code: string) =>
  Object.assign(new Error("Invalid `prisma.$queryRaw()` invocation"), { code: "P2034", meta: { driverAdapterError: { cause: { kind: "TransactionWriteConflict", originalCode: code } } } });

describe("toStoreError", () => {
  it.each([
    ["a deadlock", serverError("40P01"), "40P01", "a deadlock"],
    ["a serialization failure", serverError("40001"), "40001", "a serialization failure"],
    ["a deadlock reported through Prisma", throughPrisma("40P01"), "40P01", "a deadlock"],
  ])("reports %s as a retryable conflict, not a lost connection", (_label, error, sqlState, description) => {
    expect(isWriteConflict(error)).toBe(true);
    expect(isConnectionFailure(error)).toBe(false);
    const failure = toStoreError(error, "write the run's journal");
    expect(isNeonhubError(failure, "STORE_UNAVAILABLE")).toBe(true);
    expect(failure).toMatchObject({ isRetryable: true, details: { sqlState }, cause: error });
    expect(failure.message).toBe(
      `The database could not write the run's journal: it conflicted with a concurrent write (${description}) and was rolled back; trying again may succeed.`,
    );
  });

  it("reports a write the database refused as a non-retryable STORE_UNAVAILABLE with a short message", () => {
    const failure = toStoreError(serverError("23503"), "store the schedule");
    expect(failure).toMatchObject({ code: "STORE_UNAVAILABLE", isRetryable: false, details: { sqlState: "23503" } });
    expect(failure.message).toBe("The database refused to store the schedule: a referenced record does not exist.");
  });

  it("tells a unique violation, as the server and as Prisma's driver adapters report it, from other refusals", () => {
    const throughAdapter = Object.assign(new Error("Unique constraint failed"), {
      code: "P2002",
      meta: { driverAdapterError: { cause: { kind: "UniqueConstraintViolation", originalCode: "23505", constraint: { index: "ApiKey_pkey" } } } },
    });
    expect([serverError("23505"), throughAdapter, serverError("23503"), serverError("40001")].map(isUniqueViolation)).toEqual([true, true, false, false]);
  });

  it("still reports a lost connection as such", () => {
    const failure = toStoreError(serverError("57P01"), "write the run's journal");
    expect(failure).toMatchObject({ code: "STORE_UNAVAILABLE", isRetryable: true });
    expect(failure.message).toBe("The database is unavailable: could not write the run's journal because the connection to it failed.");
  });
});

import { measureClockOffset, systemClock } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import type { NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL } from "../tooling/scratch-database.js";
import { scratchDatabaseAroundSuite } from "../test-support/scratch-database-around-suite.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the database clock tests on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("readDatabaseTime on PostgreSQL", () => {
  let database!: NeonhubDatabase;
  scratchDatabaseAroundSuite((opened) => ({ database } = opened));

  it("measures a small offset against a PostgreSQL server on this machine", async () => {
    await database.readDatabaseTime();
    const offset = await measureClockOffset(() => database.readDatabaseTime(), systemClock);
    // Same machine, same clock: within the round trip, plus the millisecond a Date truncates.
    expect(Math.abs(offset.offsetMs)).toBeLessThanOrEqual(offset.uncertaintyMs + 1);
    expect(offset.uncertaintyMs).toBeLessThan(1_000);
  });

  it("reads the server's clock anew at every call", async () => {
    const first = await database.readDatabaseTime();
    await new Promise((resolve) => setImmediate(resolve));
    const second = await database.readDatabaseTime();
    expect(second.getTime()).toBeGreaterThanOrEqual(first.getTime());
    expect(Math.abs(second.getTime() - Date.now())).toBeLessThan(1_000);
  });
});

import { measureClockOffset, systemClock } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "../tooling/scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the database clock tests on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("readDatabaseTime on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
    database = await openNeonhubDatabase({ url: scratch.url, applyMigrations: true });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

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

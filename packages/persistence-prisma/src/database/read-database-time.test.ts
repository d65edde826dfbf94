import { measureClockOffset, systemClock } from "@neonhub/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNeonhubDatabase, type NeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

// PGlite runs in this process: its clock is this process's, so the offset is within the round trip and rounding.
const folder = await createScratchFolder();
let database: NeonhubDatabase;
beforeAll(async () => {
  database = await openNeonhubDatabase({ embedded: { dataDir: folder.path } });
});
afterAll(async () => {
  await database?.close();
  await folder.remove();
});

describe("readDatabaseTime on PGlite", () => {
  it("reads the database's clock, moving on from one call to the next", async () => {
    const before = Date.now();
    const first = await database.readDatabaseTime();
    const second = await database.readDatabaseTime();
    const after = Date.now();
    expect(first.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(second.getTime()).toBeGreaterThanOrEqual(first.getTime());
    expect(second.getTime()).toBeLessThanOrEqual(after + 1);
  });

  it("measures an offset from this process's clock no larger than the round trip and a millisecond of rounding", async () => {
    const offset = await measureClockOffset(() => database.readDatabaseTime(), systemClock);
    expect(Math.abs(offset.offsetMs)).toBeLessThanOrEqual(offset.uncertaintyMs + 1);
  });

  // Last: it closes the file's database.
  it("rejects with STORE_UNAVAILABLE once the database is closed", async () => {
    await database.close();
    await expect(database.readDatabaseTime()).rejects.toMatchObject({ code: "STORE_UNAVAILABLE" });
  });
});

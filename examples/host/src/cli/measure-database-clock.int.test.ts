import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createScratchDatabase, type ScratchDatabase } from "../../test/scratch-database.js";
import { measureDatabaseClock } from "./measure-database-clock.js";
import { runKeysCommand } from "./run-keys-command.js";

const baseUrl = process.env.TEST_DATABASE_URL;
if (!baseUrl) console.warn("TEST_DATABASE_URL is not set: the command clock test is skipped (PGlite reads the process's clock).");

/** The time as the database (on this machine) has it, whatever `Date.now` is made to say. */
const databaseNow = () => performance.timeOrigin + performance.now();

describe.skipIf(!baseUrl)("the clock of a command run on a machine 90 s ahead of the database", () => {
  let scratch: ScratchDatabase;
  let database: NeonhubDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl as string, "command_clock");
    database = await openNeonhubDatabase({ url: scratch.url });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it("reads the database's time, so that the expiries it stores agree with the hosts'", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => databaseNow() + 90_000);
    const clock = await measureDatabaseClock(database, 5_000);
    expect(Math.abs(clock.now() - databaseNow())).toBeLessThan(1_000);
  });

  it("sets a key's expiry from it in `keys create --expires-in`", async () => {
    vi.spyOn(Date, "now").mockImplementation(() => databaseNow() + 90_000);
    const output: string[] = [];
    expect(await runKeysCommand(["create", "--org", "org_clock", "--user", "ops", "--expires-in", "1h"], { DATABASE_URL: scratch.url }, (text) => void output.push(text))).toBe(0);
    const [record] = await database.apiKeyStore.list("org_clock");
    expect(Math.abs((record?.expiresAt?.getTime() ?? 0) - (databaseNow() + 3_600_000))).toBeLessThan(1_000);
  });
});

it("keeps the machine's own clock when the database cannot be read", async () => {
  const clock = await measureDatabaseClock({ readDatabaseTime: () => Promise.reject(new Error("connection refused")) }, 5_000);
  expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
});

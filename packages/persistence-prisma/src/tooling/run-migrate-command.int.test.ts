import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateMigrations } from "../migrations/locate-migrations.js";
import { readMigrations } from "../migrations/read-migrations.js";
import { runMigrateCommand } from "./run-migrate-command.js";
import { TEST_DATABASE_URL, createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

if (!TEST_DATABASE_URL) console.warn("TEST_DATABASE_URL is not set: skipping the neonhub-migrate tests on PostgreSQL.");

describe.skipIf(!TEST_DATABASE_URL)("neonhub-migrate on PostgreSQL", () => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await createScratchDatabase(TEST_DATABASE_URL!);
  });
  afterAll(() => scratch?.drop());

  it("reports pending migrations, applies them from DATABASE_URL, then reports the database up to date", async () => {
    const names = readMigrations(locateMigrations()).map((migration) => migration.name);
    const lines: string[] = [];
    const output = { log: (line: string) => lines.push(line), error: (line: string) => lines.push(`error: ${line}`) };
    expect(await runMigrateCommand(["--status"], { DATABASE_URL: scratch.url }, output)).toBe(1);
    expect(await runMigrateCommand([], { DATABASE_URL: scratch.url }, output)).toBe(0);
    expect(await runMigrateCommand(["--status", "--url", scratch.url], {}, output)).toBe(0);
    expect(await runMigrateCommand(["--url", scratch.url], {}, output)).toBe(0);
    expect(lines).toEqual([
      expect.stringContaining(`pending ${names.join(", ")}`),
      expect.stringContaining(`applied ${names.join(", ")}`),
      expect.stringContaining("up to date"),
      expect.stringContaining("no pending migrations"),
    ]);
  });
});

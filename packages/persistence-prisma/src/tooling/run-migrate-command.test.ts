import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATE_USAGE, runMigrateCommand } from "./run-migrate-command.js";

function recorder() {
  const lines = { log: [] as string[], error: [] as string[] };
  return { lines, output: { log: (line: string) => lines.log.push(line), error: (line: string) => lines.error.push(line) } };
}

describe("neonhub-migrate usage", () => {
  it("prints the usage for --help", async () => {
    const { lines, output } = recorder();
    expect(await runMigrateCommand(["--help"], {}, output)).toBe(0);
    expect(lines.log).toEqual([MIGRATE_USAGE]);
  });

  it.each([
    [["--unknown"], "Unknown option"],
    [["--url", "mysql://localhost/db"], "postgres:// or postgresql://"],
    [["--url", "postgres://localhost/db", "--data-dir", "./data"], "exactly one of"],
    [["--data-dir", " "], "embedded.dataDir"],
  ])("refuses %j with exit code 2 before connecting", async (argv, message) => {
    const { lines, output } = recorder();
    expect(await runMigrateCommand(argv, {}, output)).toBe(2);
    expect(lines.error.join("\n")).toContain(message);
    expect(lines.error.join("\n")).toContain("Usage: neonhub-migrate");
  });

  it("reports an unreachable server with exit code 2 and no password in the message", async () => {
    const { lines, output } = recorder();
    expect(await runMigrateCommand(["--status"], { DATABASE_URL: "postgres://app:s3cret@127.0.0.1:1/neonhub" }, output)).toBe(2);
    expect(lines.error.join("\n")).toContain("STORE_UNAVAILABLE");
    expect(lines.error.join("\n")).toContain("127.0.0.1:1/neonhub");
    expect(lines.error.join("\n")).not.toContain("s3cret");
  });
});

describe("neonhub-migrate --status on an embedded database", () => {
  let parent: string;
  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), "neonhub-migrate-status-"));
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it("reports a folder without a database with exit code 1 and leaves it without one", async () => {
    const missing = join(parent, "missing");
    const { lines, output } = recorder();
    expect(await runMigrateCommand(["--status"], { NEONHUB_DATA_DIR: missing }, output)).toBe(1);
    expect(lines.log).toEqual([`embedded database in ${missing}: no database there (the first open without --status creates it, with every migration).`]);
    await expect(readdir(missing)).rejects.toMatchObject({ code: "ENOENT" });
    const empty = join(parent, "empty");
    await mkdir(empty);
    expect(await runMigrateCommand(["--status", "--data-dir", empty], {}, output)).toBe(1);
    expect(await readdir(empty)).toEqual([]);
  });

  it("reports a database that exists, once applying the migrations created it", async () => {
    const dataDir = join(parent, "created");
    const { lines, output } = recorder();
    expect(await runMigrateCommand(["--data-dir", dataDir], {}, output)).toBe(0);
    expect(await runMigrateCommand(["--status", "--data-dir", dataDir], {}, output)).toBe(0);
    expect(lines.log.at(-1)).toBe(`embedded database in ${dataDir}: up to date.`);
  }, 60_000);
});

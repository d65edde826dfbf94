import { describe, expect, it } from "vitest";
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

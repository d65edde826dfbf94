import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock } from "@neonhub/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKeysCommand } from "./run-keys-command.js";

describe("the keys command on the embedded database", () => {
  let dataDir: string;
  const output: string[] = [];
  const time = createManualClock(Date.UTC(2026, 5, 1, 12));
  const run = (...argv: string[]) => runKeysCommand(argv, { NEONHUB_DATA_DIR: dataDir }, (text) => void output.push(text), time);
  const last = () => output[output.length - 1] ?? "";

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-keys-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("creates a key shown once, lists it, revokes it, and says when there is nothing to revoke", async () => {
    expect(await run("create", "--org", "org_keys", "--user", "ops", "--name", "deploy")).toBe(0);
    const created = /Created key (\S+) for org_keys\/ops\. Store it now; it is not shown again:\n(nh_\S+)\n/.exec(last());
    expect(created).not.toBeNull();
    const [, id, key] = created!;
    expect(await run("list", "--org", "org_keys")).toBe(0);
    expect(last()).toContain(`${id}  ${key!.slice(0, 8)}`);
    expect(last()).toContain("deploy  user=ops  scopes=runs:read,runs:write,schedules:read,schedules:write,connections:read,connections:write  created=");
    expect(last()).toContain("active");
    // The secret itself is never listed.
    expect(last()).not.toContain(key);
    expect(await run("revoke", "--org", "org_keys", "--id", id!)).toBe(0);
    expect(last()).toBe(`Revoked key ${id}.\n`);
    expect(await run("list", "--org", "org_keys")).toBe(0);
    expect(last()).toContain("revoked=");
    expect(await run("revoke", "--org", "org_other", "--id", id!)).toBe(1);
    expect(await run("list", "--org", "org_empty")).toBe(0);
    expect(last()).toBe("No keys for org_empty.\n");
  }, 60_000);

  it("lists the scopes a key was created with, so that its successor can be given the same", async () => {
    expect(await run("create", "--org", "org_scopes", "--user", "ops", "--scope", "runs:read", "--scope", "schedules:read")).toBe(0);
    expect(await run("list", "--org", "org_scopes")).toBe(0);
    expect(last()).toMatch(/ {2}user=ops {2}scopes=runs:read,schedules:read {2}created=/);
  }, 60_000);

  it("creates keys that expire, lists their expiry, marks those within 7 days for rotation and those past as expired", async () => {
    const create = async (...expiry: string[]) => {
      expect(await run("create", "--org", "org_expiry", "--user", "ops", ...expiry)).toBe(0);
      return /Created key (\S+) for org_expiry\/ops(, expiring at \S+)?\. Store it now/.exec(last());
    };
    const soon = await create("--expires-in", "7d");
    expect(soon?.[2]).toBe(", expiring at 2026-06-08T12:00:00.000Z");
    const later = await create("--expires-at", "2026-06-08T12:00:00.001Z");
    const never = await create();
    expect(never?.[2]).toBeUndefined();
    const lineOf = async (match: RegExpExecArray | null) => {
      expect(await run("list", "--org", "org_expiry")).toBe(0);
      return output.find((text, index) => index >= output.length - 3 && text.startsWith(`${match?.[1]}  `)) ?? "";
    };
    expect(await lineOf(soon)).toMatch(/ {2}expires=2026-06-08T12:00:00\.000Z {2}active {2}EXPIRES SOON: rotate it\n$/);
    expect(await lineOf(later)).toMatch(/ {2}expires=2026-06-08T12:00:00\.001Z {2}active\n$/);
    expect(await lineOf(never)).toMatch(/ {2}expires=never {2}active\n$/);
    await time.set(Date.UTC(2026, 5, 8, 12));
    expect(await lineOf(soon)).toMatch(/ {2}expired\n$/);
    expect(await lineOf(later)).toMatch(/ {2}active {2}EXPIRES SOON: rotate it\n$/);
  }, 60_000);

  it("prints the usage for a missing command or option, with exit code 2 (0 for --help)", async () => {
    expect(await run()).toBe(2);
    expect(last()).toContain("Manage the host's API keys");
    expect(await run("create", "--org", "org_keys")).toBe(2);
    expect(last()).toContain('Missing option for "create"');
    expect(await run("--help")).toBe(0);
  });
});

describe("the keys command's expiry options", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-keys-expiry-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses a bad unit, a past or unstorable date, or both options, with a clear error before the database is opened", async () => {
    const time = createManualClock(Date.UTC(2026, 5, 1, 12));
    const create = (...expiry: string[]) => runKeysCommand(["create", "--org", "org_keys", "--user", "ops", ...expiry], { NEONHUB_DATA_DIR: dataDir }, () => undefined, time);
    await expect(create("--expires-in", "90m")).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("like 12h or 90d"), fieldErrors: [{ path: "expiresIn" }] });
    await expect(create("--expires-at", "2026-05-31T00:00:00Z")).rejects.toMatchObject({ code: "VALIDATION_FAILED", message: expect.stringContaining("has passed"), fieldErrors: [{ path: "expiresAt" }] });
    await expect(create("--expires-at", "+010000-01-01T00:00:00Z")).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "expiresAt" }] });
    await expect(create("--expires-in", "90d", "--expires-at", "2027-01-01T00:00:00Z")).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    // The embedded database would have been created in the data folder.
    expect(await readdir(dataDir)).toEqual([]);
  });
});

describe("the keys command's options", () => {
  it("refuses an option its command does not take, before opening a database", async () => {
    const output: string[] = [];
    const dataDir = join(tmpdir(), `neonhub-keys-never-opened-${randomBytes(6).toString("hex")}`);
    const run = (...argv: string[]) => runKeysCommand(argv, { NEONHUB_DATA_DIR: dataDir }, (text) => void output.push(text));
    expect(await run("list", "--org", "org_keys", "--expires-in", "90d")).toBe(2);
    expect(output.pop()).toMatch(/^"list" takes no --expires-in\./);
    expect(await run("revoke", "--org", "org_keys", "--id", "key_1", "--user", "ops", "--scope", "runs:read")).toBe(2);
    expect(output.pop()).toMatch(/^"revoke" takes no --user, --scope\./);
    await expect(readdir(dataDir)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

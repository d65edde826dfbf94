import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKeysCommand } from "./run-keys-command.js";

describe("the keys command on the embedded database", () => {
  let dataDir: string;
  const output: string[] = [];
  const run = (...argv: string[]) => runKeysCommand(argv, { NEONHUB_DATA_DIR: dataDir }, (text) => void output.push(text));
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
    expect(last()).toContain("deploy  user=ops");
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

  it("prints the usage for a missing command or option, with exit code 2 (0 for --help)", async () => {
    expect(await run()).toBe(2);
    expect(last()).toContain("Manage the host's API keys");
    expect(await run("create", "--org", "org_keys")).toBe(2);
    expect(last()).toContain('Missing option for "create"');
    expect(await run("--help")).toBe(0);
  });
});

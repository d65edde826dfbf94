import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConnectionsCommand } from "./run-connections-command.js";

describe("connections set", () => {
  let dataDir: string;
  const credentialsKey = randomBytes(32).toString("base64");
  const set = (expiresAt: string) =>
    runConnectionsCommand(
      ["set", "--org", "org_cli", "--connector", "stripe"],
      { NEONHUB_DATA_DIR: dataDir, NEONHUB_CREDENTIALS_KEY: credentialsKey },
      () => undefined,
      async () => JSON.stringify({ credentials: { apiKey: "sk_test_cli" }, expiresAt }),
    );

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "neonhub-connections-"));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses an expiresAt outside years 1 to 9999 in UTC, naming expiresAt, before the database is opened", async () => {
    for (const expiresAt of ["+275760-09-13T00:00:00.000Z", "9999-12-31T23:59:59-01:00", "0000-12-31T23:59:59.999Z"]) {
      await expect(set(expiresAt), expiresAt).rejects.toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "expiresAt" }] });
    }
    // The embedded database would have been created in the data folder.
    expect(await readdir(dataDir)).toEqual([]);
  });
});

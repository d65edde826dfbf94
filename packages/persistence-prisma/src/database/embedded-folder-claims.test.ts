import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { sampleRunInput } from "@neonhub/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaRunStore, openNeonhubDatabase } from "../index.js";
import { holdEmbeddedFolder } from "../test-support/embedded-folder-holder.js";
import { createScratchFolder } from "../tooling/scratch-database.js";
import { EMBEDDED_LOCK_NAME, EMBEDDED_LOCK_STALE_MS } from "./embedded-folder-lock.js";

describe("an embedded database folder", () => {
  const folders = [createScratchFolder(), createScratchFolder(), createScratchFolder()];
  afterAll(async () => Promise.all(folders.map(async (folder) => (await folder).remove())));

  it("is open once per process: a second open is refused, so that no write is lost to a second instance", async () => {
    const dataDir = (await folders[0])!.path;
    const first = await openNeonhubDatabase({ embedded: { dataDir } });
    const kept = sampleRunInput({ organizationId: "org-folder" });
    try {
      await first.runStore.createRun(kept);
      await expect(openNeonhubDatabase({ embedded: { dataDir } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("already open in this process") });
      // The same folder named another way.
      await expect(createPrismaRunStore({ embedded: { dataDir: join(dataDir, ".") } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
    } finally {
      await first.close();
    }
    const reopened = await openNeonhubDatabase({ embedded: { dataDir } });
    try {
      expect(await reopened.runStore.getRun("org-folder", kept.id)).toMatchObject({ id: kept.id });
    } finally {
      await reopened.close();
    }
  }, 120_000);

  it("is open in one process at a time: an open waits for the other process to close it, and is refused past its wait", async () => {
    const dataDir = (await folders[1])!.path;
    const holder = await holdEmbeddedFolder(dataDir);
    try {
      await expect(openNeonhubDatabase({ embedded: { dataDir, lockWaitMs: 0 } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("open in another process") });
      const waiting = openNeonhubDatabase({ embedded: { dataDir, lockWaitMs: 60_000 } });
      await holder.close();
      await (await waiting).close();
    } finally {
      holder.child.kill("SIGKILL");
    }
  }, 120_000);

  it("is claimed until the claim of a process killed with it open lapses", async () => {
    const dataDir = (await folders[2])!.path;
    const holder = await holdEmbeddedFolder(dataDir);
    await holder.kill();
    // As the claim stands just after its holder's last refresh: on a loaded machine the holder's own open may have
    // taken longer than the stale time, with its refresh timer held up by the open.
    const fresh = new Date();
    await utimes(join(dataDir, EMBEDDED_LOCK_NAME), fresh, fresh);
    await expect(openNeonhubDatabase({ embedded: { dataDir, lockWaitMs: 0 } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID" });
    // As the claim stands once its holder has not refreshed it for the stale time.
    const lapsed = new Date(Date.now() - EMBEDDED_LOCK_STALE_MS - 1_000);
    await utimes(join(dataDir, EMBEDDED_LOCK_NAME), lapsed, lapsed);
    const reopened = await openNeonhubDatabase({ embedded: { dataDir, lockWaitMs: 0 } });
    try {
      await expect(reopened.checkHealth()).resolves.toBeUndefined();
    } finally {
      await reopened.close();
    }
  }, 120_000);

  it("refuses a wait that is not a number of milliseconds before opening anything", async () => {
    const dataDir = (await folders[2])!.path;
    for (const lockWaitMs of [-1, Number.NaN, "5" as unknown as number]) {
      await expect(openNeonhubDatabase({ embedded: { dataDir, lockWaitMs } })).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("lockWaitMs") });
    }
  });
});

import { join } from "node:path";
import { sampleRunInput } from "@neonhub/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaRunStore, openNeonhubDatabase } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

describe("an embedded database folder", () => {
  const folder = createScratchFolder();
  afterAll(async () => (await folder).remove());

  it("is open once per process: a second open is refused, so that no write is lost to a second instance", async () => {
    const dataDir = (await folder).path;
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
});

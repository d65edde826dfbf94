import { runRunStoreConformanceSuite, sampleRunInput } from "@neonhub/core/testing";
import { afterAll, describe, expect, it } from "vitest";
import { createPrismaRunStore } from "../index.js";
import { createScratchFolder } from "../tooling/scratch-database.js";

// One embedded database for the file: the first open of a folder (initdb) is the slow part.
const folder = await createScratchFolder();
afterAll(() => folder.remove());
let remembered: { organizationId: string; id: string } | undefined;

runRunStoreConformanceSuite({
  name: "Prisma on embedded PGlite",
  createStore: () => createPrismaRunStore({ embedded: { dataDir: folder.path } }),
  destroyStore: async (store) => {
    const input = sampleRunInput();
    await store.createRun(input);
    remembered = { organizationId: input.organizationId, id: input.id };
    await store.close();
  },
});

describe("embedded PGlite store", () => {
  it("finds every run again when the same folder is opened later", async () => {
    expect(remembered).toBeDefined();
    const store = await createPrismaRunStore({ embedded: { dataDir: folder.path } });
    try {
      const run = await store.getRun(remembered!.organizationId, remembered!.id);
      expect(run?.id).toBe(remembered!.id);
    } finally {
      await store.close();
    }
  });
});

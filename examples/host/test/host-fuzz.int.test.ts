import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFuzzSuite } from "./fuzz/run-fuzz-suite.js";
import { createScratchDatabase, type ScratchDatabase } from "./scratch-database.js";

const serverUrl = process.env.TEST_DATABASE_URL;
if (!serverUrl) console.warn("TEST_DATABASE_URL is not set: skipping the fuzz suite on PostgreSQL.");

describe.skipIf(!serverUrl)("the host under hostile input (PostgreSQL store)", () => {
  let scratch: ScratchDatabase | undefined;
  let database: NeonhubDatabase | undefined;
  beforeAll(async () => {
    scratch = await createScratchDatabase(serverUrl as string, "fuzz");
    database = await openNeonhubDatabase({ url: scratch.url });
  });
  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  it("answers every generated and known-nasty request without a 5xx, every 4xx a problem with a stable code", async () => {
    const report = await runFuzzSuite({ store: (database as NeonhubDatabase).runStore });
    console.info(`fuzz (PostgreSQL store): ${report.sent} requests sent (${report.corpus} from the corpus, ${report.generated} generated, seed ${report.seed})`);
    expect(report.findings).toEqual([]);
    expect(report.sent).toBeGreaterThan(1_000);
    expect(report.healthAfter).toBe(200);
    expect(report.runAfter).toBe(200);
  }, 180_000);
});

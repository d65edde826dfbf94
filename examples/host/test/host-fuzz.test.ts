import { describe, expect, it } from "vitest";
import { runFuzzSuite } from "./fuzz/run-fuzz-suite.js";

describe("the host under hostile input (memory store)", () => {
  it("answers every generated and known-nasty request without a 5xx, every 4xx a problem with a stable code", async () => {
    const report = await runFuzzSuite();
    console.info(`fuzz (memory store): ${report.sent} requests sent (${report.corpus} from the corpus, ${report.generated} generated, seed ${report.seed})`);
    expect(report.findings).toEqual([]);
    expect(report.sent).toBeGreaterThan(1_000);
    expect(report.healthAfter).toBe(200);
    expect(report.runAfter).toBe(200);
  }, 120_000);
});

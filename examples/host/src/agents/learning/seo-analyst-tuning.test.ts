import { describe, expect, it } from "vitest";
import { seoAnalystTuning } from "./seo-analyst-tuning.js";
import type { PeriodEvidence } from "./tuning-rule.js";

const week = (averageOpportunities: number | null, overrides: Partial<PeriodEvidence> = {}): PeriodEvidence => ({
  total: 7,
  completed: 7,
  successRate: 1,
  metrics: [
    { name: "duration_ms", unit: "ms", count: 7, average: 120 },
    ...(averageOpportunities === null ? [] : [{ name: "keyword_opportunities", unit: "count", count: 7, average: averageOpportunities }]),
  ],
  ...overrides,
});

describe("seo-analyst's tuning rule", () => {
  it("halves minImpressions when runs found fewer than three opportunities, from the default when none is set", () => {
    expect(seoAnalystTuning.decide(week(1), {})).toEqual({ change: "lowered", values: { minImpressions: 50 }, reason: "Runs found 1 opportunities on average at minImpressions 100: too few." });
    expect(seoAnalystTuning.decide(week(2.99), { minImpressions: 50, note: "kept" })).toMatchObject({ change: "lowered", values: { minImpressions: 25, note: "kept" } });
  });

  it("doubles minImpressions when runs filled their list of ten", () => {
    expect(seoAnalystTuning.decide(week(10), { minImpressions: 100 })).toMatchObject({ change: "raised", values: { minImpressions: 200 } });
  });

  it("keeps minImpressions between three and ten opportunities, and at its bounds", () => {
    expect(seoAnalystTuning.decide(week(3), { minImpressions: 80 })).toMatchObject({ change: "kept", values: { minImpressions: 80 } });
    expect(seoAnalystTuning.decide(week(9.5), {})).toMatchObject({ change: "kept", values: { minImpressions: 100 } });
    expect(seoAnalystTuning.decide(week(0), { minImpressions: 10 })).toMatchObject({ change: "kept", values: { minImpressions: 10 } });
    expect(seoAnalystTuning.decide(week(20), { minImpressions: 100_000 })).toMatchObject({ change: "kept", values: { minImpressions: 100_000 } });
  });

  it("never moves a threshold set outside its bounds against the evidence", () => {
    // A person may set any whole number from 0: too few opportunities must not raise it, too many must not lower it.
    expect(seoAnalystTuning.decide(week(1), { minImpressions: 5 })).toMatchObject({ change: "kept", values: { minImpressions: 5 } });
    expect(seoAnalystTuning.decide(week(0), { minImpressions: 0 })).toMatchObject({ change: "kept", values: { minImpressions: 0 } });
    expect(seoAnalystTuning.decide(week(20), { minImpressions: 250_000 })).toMatchObject({ change: "kept", values: { minImpressions: 250_000 } });
    // Too many from 0 or 5 raises it into its bounds, as doubling alone would not from 0.
    expect(seoAnalystTuning.decide(week(20), { minImpressions: 0 })).toMatchObject({ change: "raised", values: { minImpressions: 10 } });
    expect(seoAnalystTuning.decide(week(20), { minImpressions: 5 })).toMatchObject({ change: "raised", values: { minImpressions: 10 } });
    expect(seoAnalystTuning.decide(week(1), { minImpressions: 250_000 })).toMatchObject({ change: "lowered", values: { minImpressions: 125_000 } });
  });

  it("changes nothing without evidence: no completed run, mostly failures, or no opportunity metric", () => {
    expect(seoAnalystTuning.decide(week(0, { completed: 0, successRate: 0 }), { minImpressions: 40 })).toMatchObject({ change: "kept", values: { minImpressions: 40 }, reason: "No run completed in the period." });
    expect(seoAnalystTuning.decide(week(0, { completed: 3, successRate: 3 / 7 }), {})).toMatchObject({ change: "kept", reason: "Only 43% of the runs succeeded." });
    expect(seoAnalystTuning.decide(week(null), {})).toMatchObject({ change: "kept", reason: "No run reported keyword_opportunities." });
  });

  it("ignores a stored threshold that is not a whole number and tunes from the default", () => {
    expect(seoAnalystTuning.decide(week(1), { minImpressions: "many" })).toMatchObject({ change: "lowered", values: { minImpressions: 50 } });
  });
});

import { describe, expect, it } from "vitest";
import { findKeywordOpportunities } from "./keyword-opportunities.js";

const row = (query: string, impressions: number, position: number, ctr: number) => ({ query, impressions, position, ctr, clicks: Math.round(impressions * ctr) });

describe("findKeywordOpportunities", () => {
  it("keeps striking-distance queries with enough impressions, ranked by the clicks they could gain", () => {
    const opportunities = findKeywordOpportunities([
      row("top result", 5_000, 1.2, 0.3),
      row("page two", 2_000, 12.4, 0.01),
      row("close call", 3_000, 5.04, 0.04),
      row("rarely seen", 50, 8, 0.0),
      row("too deep", 9_000, 35, 0.001),
    ]);
    expect(opportunities).toEqual([
      { query: "close call", impressions: 3_000, position: 5, ctr: 0.04, potentialClicks: 180 },
      { query: "page two", impressions: 2_000, position: 12.4, ctr: 0.01, potentialClicks: 180 },
    ]);
  });

  it("drops queries already above the target rate and honours the limit and thresholds", () => {
    const rows = [row("a", 1_000, 6, 0.2), row("b", 1_000, 6, 0.05), row("c", 1_000, 7, 0.02), row("d", 1_000, 9, 0.03)];
    expect(findKeywordOpportunities(rows).map((opportunity) => opportunity.query)).toEqual(["c", "d", "b"]);
    expect(findKeywordOpportunities(rows, { limit: 1 }).map((opportunity) => opportunity.query)).toEqual(["c"]);
    expect(findKeywordOpportunities(rows, { minImpressions: 2_000 })).toEqual([]);
    expect(findKeywordOpportunities(rows, { positionRange: [8, 10] }).map((opportunity) => opportunity.query)).toEqual(["d"]);
  });
});

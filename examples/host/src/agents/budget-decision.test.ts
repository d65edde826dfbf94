import { describe, expect, it } from "vitest";
import { decideBudgetAction } from "./budget-decision.js";

describe("decideBudgetAction", () => {
  it("keeps a campaign within budget that earns back its spend", () => {
    expect(decideBudgetAction({ spend: 90, budget: 100, revenue: 300 })).toEqual({ action: "keep", reasons: [], spendRatio: 0.9, returnOnAdSpend: 3.33 });
  });

  it("pauses a campaign that overspends", () => {
    const decision = decideBudgetAction({ spend: 130, budget: 100, revenue: 500 });
    expect(decision.action).toBe("pause");
    expect(decision.reasons).toEqual(["spend is 130% of budget (limit 110%)"]);
  });

  it("pauses a campaign whose revenue does not cover its spend, once there is enough spend to judge", () => {
    expect(decideBudgetAction({ spend: 80, budget: 100, revenue: 40 }).reasons).toEqual(["return on ad spend is 0.5 (minimum 1)"]);
    expect(decideBudgetAction({ spend: 20, budget: 100, revenue: 0 }).action).toBe("keep");
    expect(decideBudgetAction({ spend: 80, budget: 100, revenue: 100 }, { minReturnOnAdSpend: 2 }).action).toBe("pause");
  });

  it("treats spend without any budget as overspending", () => {
    expect(decideBudgetAction({ spend: 10, budget: 0, revenue: 100 }).action).toBe("pause");
    expect(decideBudgetAction({ spend: 0, budget: 0, revenue: 0 })).toEqual({ action: "keep", reasons: [], spendRatio: 0, returnOnAdSpend: null });
  });
});

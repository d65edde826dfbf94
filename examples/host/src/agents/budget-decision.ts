/** What the budget guard knows about a campaign over the period it checks. */
export interface BudgetFacts {
  /** Ad spend over the period, in the account currency. */
  spend: number;
  /** Budget over the same period. */
  budget: number;
  /** Revenue received over the period (payments), same currency. */
  revenue: number;
}

/** The guard's thresholds. */
export interface BudgetThresholds {
  /** Spend allowed over budget before pausing, as a ratio of the budget. Default 1.1 (10 % over). */
  maxSpendRatio?: number;
  /** Least revenue per unit of spend (return on ad spend) before pausing. Default 1. */
  minReturnOnAdSpend?: number;
  /** Below this spend the return is not judged yet (too little data). Default 50. */
  minSpendToJudge?: number;
}

/** What the guard decided, and why. */
export interface BudgetDecision {
  action: "pause" | "keep";
  reasons: string[];
  spendRatio: number;
  returnOnAdSpend: number | null;
}

const round = (value: number) => Math.round(value * 100) / 100;

/** Pauses a campaign that overspends its budget or whose spend does not come back as revenue. */
export function decideBudgetAction(facts: BudgetFacts, thresholds: BudgetThresholds = {}): BudgetDecision {
  const maxSpendRatio = thresholds.maxSpendRatio ?? 1.1;
  const minReturn = thresholds.minReturnOnAdSpend ?? 1;
  const minSpendToJudge = thresholds.minSpendToJudge ?? 50;
  const spendRatio = facts.budget > 0 ? round(facts.spend / facts.budget) : facts.spend > 0 ? Number.POSITIVE_INFINITY : 0;
  const returnOnAdSpend = facts.spend > 0 ? round(facts.revenue / facts.spend) : null;
  const reasons: string[] = [];
  if (spendRatio > maxSpendRatio) reasons.push(`spend is ${Math.round(spendRatio * 100)}% of budget (limit ${Math.round(maxSpendRatio * 100)}%)`);
  if (returnOnAdSpend !== null && facts.spend >= minSpendToJudge && returnOnAdSpend < minReturn) {
    reasons.push(`return on ad spend is ${returnOnAdSpend} (minimum ${minReturn})`);
  }
  return { action: reasons.length > 0 ? "pause" : "keep", reasons, spendRatio, returnOnAdSpend };
}

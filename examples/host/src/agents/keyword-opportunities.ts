/** One row of Search Console search analytics, grouped by query. */
export interface SearchAnalyticsRow {
  query: string;
  clicks: number;
  impressions: number;
  /** Click-through rate, 0 to 1. */
  ctr: number;
  /** Average position, 1 is the top. */
  position: number;
}

/** A query worth working on, with the clicks it could gain. */
export interface KeywordOpportunity {
  query: string;
  impressions: number;
  position: number;
  ctr: number;
  /** Extra clicks per period if the page reached the target click-through rate. */
  potentialClicks: number;
}

/** Options of {@link findKeywordOpportunities}. */
export interface KeywordOpportunityOptions {
  /** Ignore queries seen fewer times. Default 100. */
  minImpressions?: number;
  /** Best and worst average positions considered "striking distance". Default 4 to 20. */
  positionRange?: readonly [number, number];
  /** Click-through rate reachable in the top three results. Default 0.1. */
  targetCtr?: number;
  /** Most opportunities returned. Default 10. */
  limit?: number;
}

/**
 * Queries that rank just below the top results and already get impressions: moving them up pays most.
 * Sorted by potential clicks, then by query so that the order is stable.
 */
export function findKeywordOpportunities(rows: readonly SearchAnalyticsRow[], options: KeywordOpportunityOptions = {}): KeywordOpportunity[] {
  const minImpressions = options.minImpressions ?? 100;
  const [bestPosition, worstPosition] = options.positionRange ?? [4, 20];
  const targetCtr = options.targetCtr ?? 0.1;
  return rows
    .filter((row) => row.impressions >= minImpressions && row.position >= bestPosition && row.position <= worstPosition)
    .map((row) => ({
      query: row.query,
      impressions: row.impressions,
      position: Math.round(row.position * 10) / 10,
      ctr: row.ctr,
      potentialClicks: Math.max(0, Math.round(row.impressions * (targetCtr - row.ctr))),
    }))
    .filter((opportunity) => opportunity.potentialClicks > 0)
    .sort((left, right) => right.potentialClicks - left.potentialClicks || left.query.localeCompare(right.query))
    .slice(0, options.limit ?? 10);
}

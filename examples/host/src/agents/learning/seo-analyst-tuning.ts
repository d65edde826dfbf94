import { DEFAULT_MIN_IMPRESSIONS, readSeoAnalystSettings } from "../seo-analyst-settings.js";
import type { TuningRule } from "./tuning-rule.js";

/** Fewer opportunities per run than this: the threshold hides queries worth working on, so it is halved. */
export const FEW_OPPORTUNITIES = 3;
/** This many or more per run (seo-analyst's default list length): the list is full of small queries, so it is doubled. */
export const MANY_OPPORTUNITIES = 10;
/** The threshold stays within these bounds. */
export const MIN_IMPRESSIONS_RANGE = [10, 100_000] as const;
/** Below this success rate the period says more about failures than about the threshold: nothing changes. */
export const MIN_SUCCESS_RATE = 0.5;

const OPPORTUNITIES_METRIC = "keyword_opportunities";

/**
 * seo-analyst's rule: the average `keyword_opportunities` its completed runs reported in the period moves its
 * `minImpressions` setting, halved when runs found fewer than 3, doubled when they found 10 or more, kept otherwise.
 */
export const seoAnalystTuning: TuningRule = {
  agentName: "seo-analyst",
  decide(evidence, current) {
    const threshold = readSeoAnalystSettings(current).minImpressions ?? DEFAULT_MIN_IMPRESSIONS;
    const keep = (reason: string) => ({ change: "kept" as const, values: { ...current, minImpressions: threshold }, reason });
    if (evidence.completed === 0) return keep("No run completed in the period.");
    if (evidence.successRate !== null && evidence.successRate < MIN_SUCCESS_RATE) return keep(`Only ${Math.round(evidence.successRate * 100)}% of the runs succeeded.`);
    const found = evidence.metrics.find((metric) => metric.name === OPPORTUNITIES_METRIC && metric.count > 0);
    if (!found) return keep(`No run reported ${OPPORTUNITIES_METRIC}.`);
    const average = Math.round(found.average * 100) / 100;
    const [lowest, highest] = MIN_IMPRESSIONS_RANGE;
    // Clamped to the bounds, but never against the evidence: a threshold a person set below 10 is not raised for
    // finding too few, nor one above 100,000 lowered for finding too many.
    const next =
      found.average < FEW_OPPORTUNITIES
        ? Math.min(threshold, Math.max(lowest, Math.floor(threshold / 2)))
        : found.average >= MANY_OPPORTUNITIES
          ? Math.max(threshold, Math.min(highest, Math.max(lowest, threshold * 2)))
          : threshold;
    if (next === threshold) return keep(`Runs found ${average} opportunities on average at minImpressions ${threshold}.`);
    return {
      change: next > threshold ? "raised" : "lowered",
      values: { ...current, minImpressions: next },
      reason: `Runs found ${average} opportunities on average at minImpressions ${threshold}: ${next > threshold ? "too many" : "too few"}.`,
    };
  },
};

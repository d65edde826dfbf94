import { defineAgent, systemClock, type AgentPeriodSummary } from "@neonhub/core";
import { z } from "zod";
import type { LearningLoopOptions } from "./learning-loop-options.js";
import { seoAnalystTuning } from "./seo-analyst-tuning.js";
import type { PeriodEvidence, TuningRule } from "./tuning-rule.js";

const DAY_MS = 86_400_000;

/** Who a settings write of this agent names (`AgentSettings.updatedBy`). */
export const LEARNING_TUNE_WRITER = "agent:learning-tune";

const toEvidence = (summary: AgentPeriodSummary): PeriodEvidence => ({
  total: summary.total,
  completed: summary.byStatus.COMPLETED,
  successRate: summary.successRate,
  metrics: summary.metrics.map(({ name, unit, count, average }) => ({ name, unit, count, average })),
});

/**
 * The learning loop: reads how an agent's runs of the last period went (`RunStore.summarizeAgentPeriod`) and writes
 * the settings its next runs read, by the agent's tuning rule. Every read and the write are journaled steps, so a
 * retried or resumed run decides on what it read the first time; the write is a compare-and-set on the version it
 * read, so a decision is never applied twice nor over a change it did not see (it reports `conflict` instead).
 */
export function createLearningTune(stores: LearningLoopOptions, rules: readonly TuningRule[] = [seoAnalystTuning]) {
  const clock = stores.clock ?? systemClock;
  const byAgent = new Map(rules.map((rule) => [rule.agentName, rule]));
  const tunable = rules.map((rule) => rule.agentName) as [string, ...string[]];
  return defineAgent({
    name: "learning-tune",
    version: "1.0.0",
    description: "Reads an agent's runs of the last period and adjusts the settings its next runs read.",
    kind: "learning",
    queue: "learning.tune",
    input: z.object({
      agent: z.enum(tunable).default(tunable[0]).describe("The agent to tune."),
      periodDays: z.number().int().min(1).max(92).default(7).describe("The period read: the last N days up to now."),
    }),
    output: z.object({
      agent: z.string(),
      period: z.object({ since: z.string(), until: z.string() }),
      runs: z.number(),
      successRate: z.number().nullable(),
      change: z.enum(["raised", "lowered", "kept", "conflict"]),
      reason: z.string(),
      settings: z.record(z.string(), z.unknown()),
      /** The settings' version after this run; 0 when none were ever written. */
      version: z.number(),
    }),
    handle: async (input, context) => {
      const rule = byAgent.get(input.agent) as TuningRule;
      const period = await context.step("period", async () => {
        const until = clock.now();
        return { since: new Date(until - input.periodDays * DAY_MS).toISOString(), until: new Date(until).toISOString() };
      });
      const evidence = await context.step("summary", async () =>
        toEvidence(await stores.runs.summarizeAgentPeriod({ organizationId: context.organizationId, agentName: rule.agentName, since: new Date(period.since), until: new Date(period.until) })),
      );
      const current = await context.step("current-settings", async () => {
        const settings = await stores.settings.getAgentSettings(context.organizationId, rule.agentName);
        return { values: settings?.values ?? {}, version: settings?.version ?? 0 };
      });
      const decision = rule.decide(evidence, current.values);
      const report = { agent: rule.agentName, period, runs: evidence.total, successRate: evidence.successRate, reason: decision.reason };
      if (decision.change === "kept") {
        context.reportMetric("settings_changed", 0, "count");
        return { ...report, change: decision.change, settings: current.values, version: current.version };
      }
      const written = await context.step("write-settings", async () => {
        const settings = await stores.settings.putAgentSettings({
          organizationId: context.organizationId,
          agentName: rule.agentName,
          values: decision.values,
          updatedBy: LEARNING_TUNE_WRITER,
          updatedAt: new Date(clock.now()),
          expectedVersion: current.version,
        });
        return settings === null ? null : { values: settings.values, version: settings.version };
      });
      context.reportMetric("settings_changed", written === null ? 0 : 1, "count");
      if (written === null) return { ...report, change: "conflict" as const, reason: `The settings changed since version ${current.version} was read; nothing was written.`, settings: current.values, version: current.version };
      return { ...report, change: decision.change, settings: written.values, version: written.version };
    },
  });
}

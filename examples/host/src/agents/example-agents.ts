import type { AgentDefinition } from "@neonhub/core";
import { createBudgetGuard } from "./budget-guard.js";
import { createCampaignLauncher } from "./campaign-launcher.js";
import { createIntakeEmbed } from "./intake/intake-embed.js";
import { createIntakeFetch } from "./intake/intake-fetch.js";
import { createIntakeNormalize } from "./intake/intake-normalize.js";
import { createIntakePipeline } from "./intake/intake-pipeline.js";
import { createLearningTune } from "./learning/learning-tune.js";
import type { LearningLoopOptions } from "./learning/learning-loop-options.js";
import { createOnboardingSequence } from "./onboarding-sequence.js";
import type { RunConnectors } from "./run-connectors.js";
import { createSeoAnalyst } from "./seo-analyst.js";

/**
 * The example agents the host serves, calling connectors through the given client. With the host's stores, the
 * learning loop is part of them: learning-tune, and seo-analyst reading the settings it writes.
 */
export function createExampleAgents(connectors: RunConnectors, stores?: LearningLoopOptions): AgentDefinition[] {
  const intake = { fetch: createIntakeFetch(connectors), normalize: createIntakeNormalize(), embed: createIntakeEmbed() };
  return [
    createCampaignLauncher(connectors),
    createSeoAnalyst(connectors, stores?.settings),
    createBudgetGuard(connectors),
    createOnboardingSequence(connectors),
    createIntakePipeline(intake),
    intake.fetch,
    intake.normalize,
    intake.embed,
    ...(stores ? [createLearningTune(stores)] : []),
  ];
}

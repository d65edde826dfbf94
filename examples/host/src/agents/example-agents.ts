import type { AgentDefinition } from "@neonhub/core";
import { createBudgetGuard } from "./budget-guard.js";
import { createCampaignLauncher } from "./campaign-launcher.js";
import { createOnboardingSequence } from "./onboarding-sequence.js";
import type { RunConnectors } from "./run-connectors.js";
import { createSeoAnalyst } from "./seo-analyst.js";

/** The example agents the host serves, calling connectors through the given client. */
export function createExampleAgents(connectors: RunConnectors): AgentDefinition[] {
  return [createCampaignLauncher(connectors), createSeoAnalyst(connectors), createBudgetGuard(connectors), createOnboardingSequence(connectors)];
}

import type { AgentSettingsStore, RunStore } from "@neonhub/core";

/** What the learning loop reads and writes: the host's run history and its agents' settings. */
export interface LearningStores {
  /** Read for period summaries (`summarizeAgentPeriod`) only. */
  runs: RunStore;
  settings: AgentSettingsStore;
}

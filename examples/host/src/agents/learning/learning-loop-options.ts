import type { AgentSettingsStore, Clock, RunStore } from "@neonhub/core";

/** What the learning loop reads and writes: the host's run history and its agents' settings. */
export interface LearningLoopOptions {
  /** Read for period summaries (`summarizeAgentPeriod`) only. */
  runs: RunStore;
  settings: AgentSettingsStore;
  /** Where a tuning period ends ("now"). Default: the system clock. */
  clock?: Pick<Clock, "now">;
}

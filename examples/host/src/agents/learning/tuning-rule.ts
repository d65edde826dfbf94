/** The part of an agent's period summary (`RunStore.summarizeAgentPeriod`) a tuning rule reads, as journaled. */
export interface PeriodEvidence {
  /** Runs created in the period. */
  total: number;
  completed: number;
  /** `COMPLETED` over ended runs; null when none ended. */
  successRate: number | null;
  /** The runs' metrics by name and unit: `count` runs recorded it, `average` per such run. */
  metrics: ReadonlyArray<{ name: string; unit: string; count: number; average: number }>;
}

/** What a tuning rule decided: the settings to write (all of them), and why. */
export interface TuningDecision {
  change: "raised" | "lowered" | "kept";
  values: Record<string, unknown>;
  reason: string;
}

/** How one agent's settings follow from its last period: a pure function, tested on its own. */
export interface TuningRule {
  /** The agent whose settings the rule adjusts. */
  agentName: string;
  decide(evidence: PeriodEvidence, current: Readonly<Record<string, unknown>>): TuningDecision;
}

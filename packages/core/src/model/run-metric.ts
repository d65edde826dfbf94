/** A measurement attached to a finished run (stored as an `AgentRunMetric` row). */
export interface RunMetric {
  name: string;
  value: number;
  /** Unit such as `ms`, `count`, `tokens`, `usd`. */
  unit: string;
}

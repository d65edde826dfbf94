/**
 * Settings one organization keeps for one agent: a small JSON object that the agent reads at the start of its runs
 * and that people or a tuning agent write. Versioned, so that a writer can refuse to overwrite a change it did not see.
 */
export interface AgentSettings {
  organizationId: string;
  agentName: string;
  /** A JSON object, at most `MAX_AGENT_SETTINGS_BYTES` (16 KiB) as JSON text. */
  values: Record<string, unknown>;
  /** 1 after the first write, raised by one by each write. */
  version: number;
  /** Who wrote this version: a user id, or `agent:<name>` for an agent. */
  updatedBy: string;
  updatedAt: Date;
}

import type { AgentSettings } from "../model/agent-settings.js";

/** A write of {@link AgentSettingsStore.putAgentSettings}: the new values replace the old ones as a whole. */
export interface PutAgentSettingsInput {
  organizationId: string;
  agentName: string;
  /** A JSON object, at most 16 KiB as JSON text. */
  values: Record<string, unknown>;
  /** A user id, or `agent:<name>` for an agent. */
  updatedBy: string;
  updatedAt: Date;
  /**
   * Compare-and-set: write only while the stored version is this one (0: nothing stored yet). Left out, the write
   * replaces whatever is stored.
   */
  expectedVersion?: number;
}

/**
 * Where agents' settings are kept, one small JSON object per organization and agent. Every method takes the
 * organization: another organization's settings are never read or written. Writes are atomic, and a write with
 * `expectedVersion` is a compare-and-set: of writers racing from the same version exactly one succeeds. Adapters
 * throw `StoreUnavailableError` when the backing service cannot be reached, and run the conformance suite from
 * `@neonhub/core/testing`.
 */
export interface AgentSettingsStore {
  /** Version of this port that the adapter implements. */
  readonly specificationVersion: "v1";

  /** The agent's settings in the organization, or null when none were written. */
  getAgentSettings(organizationId: string, agentName: string): Promise<AgentSettings | null>;

  /**
   * Writes the settings as the next version (1 for the first write) and returns them as stored; returns null when
   * `expectedVersion` is given and the stored version differs.
   * @throws ValidationError when `values` is not a JSON object a store can hold, or is larger than 16 KiB.
   */
  putAgentSettings(input: PutAgentSettingsInput): Promise<AgentSettings | null>;

  /** Resolves when the store can serve requests; rejects with `StoreUnavailableError` otherwise. */
  checkHealth(): Promise<void>;
}

import { ConfigurationError, StoreUnavailableError } from "../errors/errors.js";
import type { AgentSettings } from "../model/agent-settings.js";
import type { AgentSettingsStore } from "../ports/agent-settings-store.js";
import { validatePutAgentSettings } from "../util/validate-agent-settings.js";
import { inJsonForm } from "./json-form.js";
import { refuseUnreadableTexts } from "../util/store-text-checks.js";

/** Settings a memory store keeps when `maxEntries` is not given. */
const DEFAULT_MAX_ENTRIES = 10_000;

/** Options of {@link createMemoryAgentSettingsStore}. */
export interface MemoryAgentSettingsStoreOptions {
  /**
   * Organization and agent pairs kept at most. Settings are never evicted (an agent would silently lose its tuning):
   * writing the settings of one pair more is refused with `StoreUnavailableError`. Default 10,000.
   */
  maxEntries?: number;
}

// Copied in and out through JSON, as a database stores them: callers can never change what is stored.
const copy = (settings: AgentSettings): AgentSettings => ({
  ...settings,
  values: inJsonForm(settings.values, "values") as Record<string, unknown>,
  updatedAt: new Date(settings.updatedAt),
});

/**
 * An {@link AgentSettingsStore} in memory, for tests and development (bounded). Writes are atomic because each
 * method reads and writes without awaiting in between.
 */
export function createMemoryAgentSettingsStore(options: MemoryAgentSettingsStoreOptions = {}): AgentSettingsStore {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new ConfigurationError(`maxEntries must be a positive integer, got ${maxEntries}.`);
  const entries = new Map<string, AgentSettings>();
  const keyOf = (organizationId: string, agentName: string) => `${organizationId}\u0000${agentName}`;

  return {
    specificationVersion: "v1",

    async getAgentSettings(organizationId, agentName) {
      // No stored text holds NUL or an unpaired surrogate (see `refuseUnreadableTexts`); here NUL also separates the
      // two in the key.
      refuseUnreadableTexts("agent settings", { organizationId, agentName });
      const settings = entries.get(keyOf(organizationId, agentName));
      return settings ? copy(settings) : null;
    },

    async putAgentSettings(input) {
      validatePutAgentSettings(input);
      const key = keyOf(input.organizationId, input.agentName);
      const current = entries.get(key);
      if (input.expectedVersion !== undefined && input.expectedVersion !== (current?.version ?? 0)) return null;
      if (!current && entries.size >= maxEntries) throw new StoreUnavailableError(`The memory agent settings store is full (${maxEntries} agents).`, { isRetryable: false });
      const written = copy({
        organizationId: input.organizationId,
        agentName: input.agentName,
        values: input.values,
        version: (current?.version ?? 0) + 1,
        updatedBy: input.updatedBy,
        updatedAt: input.updatedAt,
      });
      entries.set(key, written);
      return copy(written);
    },

    async checkHealth() {},
  };
}

import { ConfigurationError, type ConnectionAuthType, ValidationError } from "@neonhub/core";
import type { ActionDefinition, ConnectorDefinition, ConnectorPlugin } from "../sdk/connector-definition.js";
import { defineConnector } from "../sdk/define-connector.js";
import { PLATFORM_CATALOG } from "./catalog.js";

/** One action as listed in the catalog. */
export interface CatalogAction {
  name: string;
  description: string;
}

/** One connector as listed in the catalog. */
export interface CatalogEntry {
  id: string;
  kind: string;
  displayName: string;
  authType: ConnectionAuthType;
  actions: CatalogAction[];
  /** False for platform kinds that no registered connector implements yet. */
  implemented: boolean;
  /** `platform` for the catalog's kinds, otherwise the plugin's name (or `custom`). */
  source: string;
}

/** Registered connectors and the platform catalog. */
export interface ConnectorRegistry {
  /** Adds a connector; a second connector with the same id is a configuration error. */
  register(connector: ConnectorDefinition, source?: string): void;
  /** Registers every connector of a plugin package. */
  use(plugin: ConnectorPlugin): void;
  /** The connector, or a `VALIDATION_FAILED` error that lists the registered ones. */
  get(id: string): ConnectorDefinition;
  has(id: string): boolean;
  /** The action, or a `VALIDATION_FAILED` error that lists the connector's actions. */
  getAction(connectorId: string, actionName: string): { connector: ConnectorDefinition; action: ActionDefinition };
  /** Every platform kind (implemented or not) and every registered plugin connector. */
  catalog(): CatalogEntry[];
  list(): ConnectorDefinition[];
}

const entryOf = (connector: ConnectorDefinition, source: string): CatalogEntry => ({
  id: connector.id,
  kind: connector.kind,
  displayName: connector.displayName,
  authType: connector.auth.type,
  actions: Object.entries(connector.actions).map(([name, action]) => ({ name, description: action.description })),
  implemented: true,
  source,
});

/** Most connectors one registry holds; registering is a start-up step, so going past it is a mistake. */
export const MAX_REGISTERED_CONNECTORS = 1_000;

/**
 * Creates a registry. It refuses more than {@link MAX_REGISTERED_CONNECTORS} rather than evicting one silently.
 * @example
 * const registry = createConnectorRegistry({ connectors: builtInConnectors, plugins: [airtablePlugin] });
 * registry.getAction("slack", "postMessage");
 */
export function createConnectorRegistry(options: { connectors?: readonly ConnectorDefinition[]; plugins?: readonly ConnectorPlugin[] } = {}): ConnectorRegistry {
  const connectors = new Map<string, { connector: ConnectorDefinition; source: string }>();

  const registry: ConnectorRegistry = {
    register(connector, source = "custom") {
      // A connector built without defineConnector (JavaScript, configuration) gets the same checks.
      defineConnector(connector);
      if (connectors.has(connector.id)) throw new ConfigurationError(`A connector with id "${connector.id}" is already registered.`);
      if (connectors.size >= MAX_REGISTERED_CONNECTORS) throw new ConfigurationError(`A registry holds at most ${MAX_REGISTERED_CONNECTORS} connectors.`);
      connectors.set(connector.id, { connector, source });
    },
    use(plugin) {
      for (const connector of plugin.connectors) registry.register(connector, plugin.name);
    },
    has: (id) => connectors.has(id),
    get(id) {
      const found = connectors.get(id);
      if (found !== undefined) return found.connector;
      const planned = PLATFORM_CATALOG.find((entry) => entry.id === id);
      const known = [...connectors.keys()].sort().join(", ") || "none";
      const message = planned
        ? `Connector "${id}" (${planned.displayName}) is in the catalog but not implemented yet. Registered connectors: ${known}.`
        : `Connector "${id}" is not registered. Registered connectors: ${known}.`;
      throw new ValidationError(message, [{ path: "connector", message }]);
    },
    getAction(connectorId, actionName) {
      const connector = registry.get(connectorId);
      const action = Object.hasOwn(connector.actions, actionName) ? connector.actions[actionName] : undefined;
      if (action === undefined) {
        const message = `Connector "${connectorId}" has no action "${actionName}". Its actions: ${Object.keys(connector.actions).join(", ")}.`;
        throw new ValidationError(message, [{ path: "action", message }]);
      }
      return { connector, action };
    },
    catalog() {
      const platform = PLATFORM_CATALOG.map((kind): CatalogEntry => {
        const found = [...connectors.values()].find((entry) => entry.connector.kind === kind.kind);
        if (found !== undefined) return { ...entryOf(found.connector, found.source), source: "platform" };
        return { ...kind, actions: kind.actions.map((name) => ({ name, description: "Not implemented yet." })), implemented: false, source: "platform" };
      });
      const platformKinds = new Set(PLATFORM_CATALOG.map((kind) => kind.kind));
      const others = [...connectors.values()].filter((entry) => !platformKinds.has(entry.connector.kind)).map((entry) => entryOf(entry.connector, entry.source));
      return [...platform, ...others];
    },
    list: () => [...connectors.values()].map((entry) => entry.connector),
  };
  for (const connector of options.connectors ?? []) registry.register(connector, "platform");
  for (const plugin of options.plugins ?? []) registry.use(plugin);
  return registry;
}

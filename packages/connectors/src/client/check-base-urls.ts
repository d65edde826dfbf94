import { ConfigurationError } from "@neonhub/core";
import type { ConnectorRegistry } from "../registry/connector-registry.js";

/**
 * Refuses a `baseUrls` key (a client option) that names no connector of the registry. The client accepts such keys,
 * since a plugin may register its connector after the client is created; call this once every connector and plugin
 * is registered (a host, at start-up), so that a misspelled id (`openai` for `llm`) is not left to send that
 * connector's calls to its default URL.
 * @param nameOf how the message names the option of a key: `baseUrls.<id>` by default, or the setting it came from
 * (an environment variable).
 * @throws ConfigurationError naming the first such key and listing the registered connectors.
 * @example
 * const registry = createConnectorRegistry({ connectors: builtInConnectors, plugins: [airtablePlugin] });
 * checkBaseUrls(baseUrls, registry);
 * const connectors = createConnectorClient({ registry, baseUrls });
 */
export function checkBaseUrls(baseUrls: Readonly<Record<string, string>>, registry: Pick<ConnectorRegistry, "has" | "list">, nameOf: (id: string) => string = (id) => `baseUrls.${id}`): void {
  const unknown = Object.keys(baseUrls).find((id) => !registry.has(id));
  if (unknown === undefined) return;
  const known = registry
    .list()
    .map((connector) => connector.id)
    .sort();
  throw new ConfigurationError(`${nameOf(unknown)} names "${unknown}", which is not a registered connector, so it would set no connector's base URL. Registered connectors: ${known.join(", ") || "none"}.`);
}

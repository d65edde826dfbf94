import type { ConnectorDefinition } from "../sdk/connector-definition.js";

const originOf = (url: string): string => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/**
 * The breaker scope of calls to `baseUrl`: undefined for the connector's default origin (every organization shares
 * its breaker), the origin otherwise, so that a connection with a base URL of its own (a Shopify store, a
 * self-hosted API) cannot open the breaker of the others.
 */
export function breakerScopeOf(connector: ConnectorDefinition, defaultBaseUrl: string | undefined, baseUrl: string): string | undefined {
  const origin = originOf(baseUrl);
  return origin === originOf(defaultBaseUrl ?? connector.baseUrl) ? undefined : origin;
}

import { ConfigurationError } from "@neonhub/core";
import type { ConnectorRegistry } from "@neonhub/connectors";

/** How the problems of {@link checkOAuthClients} name a client and one of its credential fields. */
export interface OAuthClientNames {
  client(connector: string): string;
  field(connector: string, field: string): string;
}

const OPTION_NAMES: OAuthClientNames = {
  client: (connector) => `oauthClients.${connector}`,
  field: (connector, field) => `oauthClients.${connector}.credentialFields.${field}`,
};

/**
 * Refuses OAuth clients that no authorization could use: a client of a connector that is not registered (a misspelled
 * id, whose connector's authorizations would be refused as unconfigured), of a connector that does not use OAuth 2.0,
 * or with a credential field the connector does not send. Call it once every connector and plugin is registered.
 * @param names how each problem names its setting: option paths by default, environment variables in the host.
 * @throws ConfigurationError listing every problem, one a line.
 */
export function checkOAuthClients(
  clients: Readonly<Record<string, { credentialFields?: Readonly<Record<string, string>> }>>,
  registry: Pick<ConnectorRegistry, "has" | "get" | "list">,
  names: OAuthClientNames = OPTION_NAMES,
): void {
  const problems: string[] = [];
  for (const [connectorId, client] of Object.entries(clients)) {
    if (!registry.has(connectorId)) {
      const known = registry
        .list()
        .filter((connector) => connector.auth.type === "oauth2")
        .map((connector) => connector.id)
        .sort();
      problems.push(`${names.client(connectorId)} names "${connectorId}", which is not a registered connector. Connectors that use OAuth 2.0: ${known.join(", ") || "none"}.`);
      continue;
    }
    const auth = registry.get(connectorId).auth;
    if (auth.type !== "oauth2") {
      problems.push(`${names.client(connectorId)} names "${connectorId}", whose connector does not use OAuth 2.0 (auth type ${auth.type}).`);
      continue;
    }
    const headerFields = Object.values(auth.credentialHeaders ?? {});
    for (const field of Object.keys(client.credentialFields ?? {}).filter((name) => !headerFields.includes(name))) {
      problems.push(`${names.field(connectorId, field)} sets "${field}", which is not a field the ${connectorId} connector sends (${headerFields.join(", ") || "none"}).`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(problems.join("\n"));
}

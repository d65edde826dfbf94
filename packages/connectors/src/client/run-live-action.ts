import type { Logger } from "@neonhub/core";
import { createConnectionHttpClient } from "../http/create-connection-http-client.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { CallTarget, InvocationRuntime, PreparedCall } from "./invoke-action.js";

/** Runs one attempt of an action against the provider with the connection's credentials. */
export async function runLiveAction(
  runtime: InvocationRuntime,
  target: CallTarget,
  prepared: PreparedCall,
  input: unknown,
  scope: { organizationId: string; signal: AbortSignal; logger: Logger; idempotencyKey: string | undefined; onSend: () => void },
): Promise<unknown> {
  const { connector, actionName, action } = target;
  const connection = prepared.connection;
  if (connector.auth.type !== "none") {
    if (connection === null) throw new ConnectorAuthError(connector.id, "missing_connection", `There is no ${connector.displayName} connection for this organization.`);
    if (connection.status === "NEEDS_REAUTH") throw new ConnectorAuthError(connector.id, "needs_reauth", `The ${connector.displayName} connection must be authorized again.`);
  }
  const http = createConnectionHttpClient({
    connector,
    action: actionName,
    baseUrl: connection?.credentials.baseUrl ?? runtime.baseUrls[connector.id] ?? connector.baseUrl,
    connection,
    signal: scope.signal,
    clock: runtime.clock,
    refresher: runtime.refresher,
    onRefreshed: (refreshed) => {
      // Later attempts use the new tokens, and the new values are redacted like the old ones.
      prepared.connection = refreshed;
      prepared.redactor = prepared.redactor.withValues(Object.values(refreshed.credentials));
    },
    onSend: scope.onSend,
  });
  return action.run(input, {
    http,
    signal: scope.signal,
    logger: scope.logger,
    organizationId: scope.organizationId,
    credential: (name) => prepared.connection?.credentials[name],
    idempotencyKey: scope.idempotencyKey,
  });
}

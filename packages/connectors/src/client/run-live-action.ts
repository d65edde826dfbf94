import { type Logger, toStorableText } from "@neonhub/core";
import { connectionUnusableError } from "../auth/oauth-client.js";
import { createConnectionHttpClient } from "../http/create-connection-http-client.js";
import { ConnectorAuthError, isConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { CallTarget, InvocationRuntime, PreparedCall } from "./invoke-action.js";
import { useRefreshedConnection } from "./use-refreshed-connection.js";

/** Runs one attempt of an action against the provider with the connection's credentials. */
export async function runLiveAction(
  runtime: InvocationRuntime,
  target: CallTarget,
  prepared: PreparedCall,
  input: unknown,
  scope: { baseUrl: string; organizationId: string; signal: AbortSignal; logger: Logger; idempotencyKey: string | undefined; onSend: () => void },
): Promise<unknown> {
  const { connector, actionName, action } = target;
  const connection = prepared.connection;
  if (connector.auth.type !== "none") {
    if (connection === null) throw new ConnectorAuthError(connector.id, "missing_connection", `There is no ${connector.displayName} connection for this organization.`);
    if (connection.status === "EXPIRED" || connection.status === "REVOKED") throw connectionUnusableError(connector.id, connection.status);
  }
  const http = createConnectionHttpClient({
    connector,
    action: actionName,
    baseUrl: scope.baseUrl,
    maxResponseBytes: runtime.maxResponseBytes,
    connection,
    signal: scope.signal,
    clock: runtime.clock,
    refresher: runtime.refresher,
    onRefreshed: (refreshed) => useRefreshedConnection(prepared, refreshed),
    onSend: scope.onSend,
  });
  try {
    const output = await action.run(input, {
      http,
      signal: scope.signal,
      logger: scope.logger,
      organizationId: scope.organizationId,
      credential: (name) => prepared.connection?.credentials[name],
      idempotencyKey: scope.idempotencyKey,
    });
    recordUse(runtime, prepared, null);
    return output;
  } catch (error) {
    // lastError is shown to API callers: it gets the redacted text, made storable, as the thrown error does.
    if (isConnectorAuthError(error)) recordUse(runtime, prepared, toStorableText(prepared.redactor.redactText(error.message)));
    throw error;
  }
}

/** Connections record their last use at most this often, so that busy connections do not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

function recordUse(runtime: InvocationRuntime, prepared: PreparedCall, error: string | null): void {
  const connection = prepared.connection;
  if (connection === null || runtime.credentials === null) return;
  const now = runtime.clock.now();
  const recent = connection.lastUsedAt !== null && now - connection.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS;
  if (recent && error === connection.lastError) return;
  connection.lastUsedAt = new Date(now);
  connection.lastError = error;
  // Bookkeeping only: a failed write must not fail the call.
  runtime.credentials.recordUse(connection.organizationId, connection.connector, { at: new Date(now), error }).catch(() => undefined);
}

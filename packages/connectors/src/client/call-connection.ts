import { connectionUnusableError } from "../auth/oauth-client.js";
import { createConnectionHttpClient } from "../http/create-connection-http-client.js";
import type { HttpResponse } from "../http/http-types.js";
import { runWithDeadline } from "../resilience/run-with-deadline.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import { normalizeError } from "./normalize-error.js";
import { DEFAULT_CONNECTOR_TIMEOUT_MS, type InvocationRuntime, prepareCall } from "./invoke-action.js";
import { resolveBaseUrl } from "./resolve-base-url.js";
import { useRefreshedConnection } from "./use-refreshed-connection.js";

/** Which declared connection request to make. */
export type ConnectionPurpose = "test" | "revocation";

const NEVER_ABORTED = new AbortController().signal;

/** Makes a connector's `connectionTest` or `revocation` request with an organization's connection, once, without retries. */
export async function callConnection(runtime: InvocationRuntime, connector: ConnectorDefinition, organizationId: string, purpose: ConnectionPurpose): Promise<HttpResponse | null> {
  const declared = purpose === "test" ? connector.connectionTest : connector.revocation;
  if (declared === undefined) return null;
  if (runtime.mode === "mock") return { status: 200, headers: {}, body: null };
  const actionName = purpose === "test" ? "connectionTest" : "revocation";
  const prepared = await prepareCall(runtime, { connector, actionName, action: undefined as never }, organizationId);
  const connection = prepared.connection;
  if (connector.auth.type !== "none") {
    if (connection === null) throw new ConnectorAuthError(connector.id, "missing_connection", `There is no ${connector.displayName} connection for this organization.`);
    if (purpose === "test" && (connection.status === "EXPIRED" || connection.status === "REVOKED")) throw connectionUnusableError(connector.id, connection.status);
  }
  const credential = (name: string) => prepared.connection?.credentials[name];
  const request = typeof declared === "function" ? declared(credential) : declared;
  try {
    const baseUrl = resolveBaseUrl(connector, connection, runtime.baseUrls[connector.id]);
    return await runWithDeadline(
      (signal) =>
        createConnectionHttpClient({
          connector,
          action: actionName,
          baseUrl,
          maxResponseBytes: runtime.maxResponseBytes,
          connection,
          signal,
          clock: runtime.clock,
          // A revocation must not refresh: the grant is being withdrawn.
          refresher: purpose === "test" ? runtime.refresher : null,
          onRefreshed: (refreshed) => useRefreshedConnection(prepared, refreshed),
        }).request(request),
      { clock: runtime.clock, timeoutMs: connector.timeoutMs ?? DEFAULT_CONNECTOR_TIMEOUT_MS, description: `${connector.displayName} ${actionName}`, signal: NEVER_ABORTED },
    );
  } catch (error) {
    const failure = normalizeError(error, prepared.redactor, `${connector.id}.${actionName}`, NEVER_ABORTED);
    if (connection !== null && runtime.credentials !== null && purpose === "test") {
      await runtime.credentials.recordUse(organizationId, connector.id, { at: new Date(runtime.clock.now()), error: failure.message }).catch(() => undefined);
    }
    throw failure;
  }
}

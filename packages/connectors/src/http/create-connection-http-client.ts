import type { Clock, ConnectionCredentials, NeonhubError } from "@neonhub/core";
import { authAdditions } from "../auth/auth-additions.js";
import type { OAuth2Refresher } from "../auth/oauth2-refresher.js";
import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import type { HttpClient, HttpRequest, HttpResponse } from "./http-types.js";
import { mapHttpError } from "./map-http-error.js";
import { prepareRequest, sendRequest } from "./send-request.js";

/** Options of {@link createConnectionHttpClient}. */
export interface ConnectionHttpClientOptions {
  connector: ConnectorDefinition;
  action: string;
  baseUrl: string;
  /** Null for connectors without authentication. */
  connection: ConnectionCredentials | null;
  signal: AbortSignal;
  clock: Clock;
  refresher: OAuth2Refresher | null;
  /** Called with the connection after its tokens were refreshed. */
  onRefreshed?: (connection: ConnectionCredentials) => void;
  /** Called as each request to the provider's API leaves (not token refreshes), to know what may have acted. */
  onSend?: () => void;
  /** Largest response body read. Default `DEFAULT_MAX_RESPONSE_BYTES` (10 MiB). */
  maxResponseBytes?: number;
}

/**
 * The error a connector's `mapResponse` returned, with the `connector`, `action` and HTTP `status` that the SDK's
 * own mapping puts in every error's details, where the connector left them out. Repeat safety reads the status: a
 * 5xx may have acted, so an unsafe action is not repeated after one.
 */
function withResponseDetails(error: NeonhubError, source: { connector: string; action: string; status: number }): NeonhubError {
  return Object.defineProperty(error, "details", { value: { ...source, ...error.details }, writable: false, configurable: true, enumerable: true });
}

/**
 * The HTTP client an action receives: adds the connection's credentials, refreshes OAuth2 tokens before expiry
 * and once after a 401, and throws mapped errors for failed answers.
 */
export function createConnectionHttpClient(options: ConnectionHttpClientOptions): HttpClient {
  const { connector, clock, refresher, signal } = options;
  const auth = connector.auth;
  let connection = options.connection;
  const refresh = async (current: ConnectionCredentials, spec: Parameters<OAuth2Refresher["refresh"]>[1]) => {
    const refreshed = await (refresher as OAuth2Refresher).refresh(current, spec);
    options.onRefreshed?.(refreshed);
    return refreshed;
  };

  const send = async (request: HttpRequest): Promise<HttpResponse> => {
    const additions = authAdditions(connector.id, auth, connection?.credentials ?? {});
    const prepared = prepareRequest(options.baseUrl, { ...request, query: { ...request.query, ...additions.query } }, additions.headers);
    options.onSend?.();
    return sendRequest(prepared, signal, connector.displayName, { maxResponseBytes: options.maxResponseBytes });
  };

  return {
    async request(request) {
      if (auth.type === "oauth2" && connection !== null && refresher !== null && refresher.isExpiring(connection, auth)) {
        connection = await refresh(connection, auth);
      }
      let response = await send(request);
      if (response.status === 401 && auth.type === "oauth2" && connection !== null && refresher !== null) {
        connection = await refresh(connection, auth);
        response = await send(request);
      }
      const mapped = connector.mapResponse?.(response, { action: options.action, nowMs: clock.now() });
      if (mapped !== undefined) throw withResponseDetails(mapped, { connector: connector.id, action: options.action, status: response.status });
      // Redirects are not followed (credentials must not travel to another host), so one is a failure here.
      if (response.status >= 300) {
        throw mapHttpError(response, { connector: connector.id, displayName: connector.displayName, action: options.action, nowMs: clock.now() });
      }
      return response;
    },
  };
}

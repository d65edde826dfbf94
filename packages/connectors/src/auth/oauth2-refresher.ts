import {
  type Clock,
  type ConnectionCredentials,
  type CredentialChanges,
  type CredentialStore,
  HandlerFailedError,
  type MetricsSink,
  RateLimitedError,
  UpstreamFailedError,
  createRedactor,
  isNeonhubError,
} from "@neonhub/core";
import { DEFAULT_RATE_LIMIT_WAIT_MS } from "../http/map-http-error.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { prepareRequest, sendRequest } from "../http/send-request.js";
import { runWithDeadline } from "../resilience/run-with-deadline.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import { DEFAULT_CLIENT_ID_PARAMETER, type OAuth2AuthSpec } from "./auth-spec.js";
import { type OAuthClientLookup, connectionUnusableError } from "./oauth-client.js";
import { credentialSecretValues, oauthClientSecretValues } from "./secret-values.js";

/** Default margin before expiry at which a token is refreshed. */
export const DEFAULT_REFRESH_BEFORE_MS = 60_000;
const REFRESH_TIMEOUT_MS = 15_000;
/** What an OAuth `error` code looks like (`invalid_grant`); anything else in that field is not kept. */
const OAUTH_ERROR_CODE = /^[A-Za-z0-9_.-]{1,64}$/;

/** Options of {@link createOAuth2Refresher}. */
export interface OAuth2RefresherOptions {
  store: CredentialStore;
  clock: Clock;
  /** Most connections with a refresh in flight at once. Default 10,000. */
  maxConnections?: number;
  /** OAuth client of each connector, over the `clientId` and `clientSecret` credential fields. */
  clients?: OAuthClientLookup;
  /** Receives every refresh's outcome. */
  metrics?: MetricsSink;
}

/** Refreshes OAuth2 access tokens, one refresh at a time per connection. */
export interface OAuth2Refresher {
  /** True when the access token expires within the spec's margin. */
  isExpiring(connection: ConnectionCredentials, spec: OAuth2AuthSpec): boolean;
  /**
   * Fresh credentials for the connection. Callers in this process share one refresh; across processes the store's
   * exclusive update makes the others wait and then use the tokens the first one stored.
   */
  refresh(connection: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<ConnectionCredentials>;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
}

/** Creates an {@link OAuth2Refresher} that writes new tokens while holding the connection in the store. */
export function createOAuth2Refresher(options: OAuth2RefresherOptions): OAuth2Refresher {
  const { store, clock } = options;
  const inFlight = new Map<string, Promise<ConnectionCredentials>>();
  const maxInFlight = options.maxConnections ?? 10_000;
  const report = (connector: string, outcome: "refreshed" | "reused" | "rejected" | "failed") => options.metrics?.connectionRefreshed({ connector, outcome });

  const isExpiring = (connection: ConnectionCredentials, spec: OAuth2AuthSpec) =>
    connection.expiresAt !== null && connection.expiresAt.getTime() - clock.now() <= (spec.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS);

  async function requestTokens(latest: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<CredentialChanges | ConnectorAuthError> {
    const { credentials, connector } = latest;
    const refreshToken = credentials.refreshToken;
    if (refreshToken === undefined || refreshToken === "") {
      return new ConnectorAuthError(connector, "needs_reauth", `The ${connector} connection has no refresh token; connect it again.`);
    }
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: refreshToken };
    const headers: Record<string, string> = {};
    const client = options.clients?.(connector);
    const clientId = client?.clientId ?? credentials.clientId ?? "";
    const clientSecret = client?.clientSecret ?? credentials.clientSecret ?? "";
    if (spec.clientAuthentication === "basic") headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
    else Object.assign(form, clientId === "" ? {} : { [spec.clientIdParameter ?? DEFAULT_CLIENT_ID_PARAMETER]: clientId }, clientSecret === "" ? {} : { client_secret: clientSecret });
    const prepared = prepareRequest(credentials.tokenUrl ?? spec.tokenUrl, { method: "POST", path: "", form }, headers);
    const response = await runWithDeadline((signal) => sendRequest(prepared, signal, `${connector} token endpoint`), {
      clock,
      timeoutMs: REFRESH_TIMEOUT_MS,
      description: `Refreshing the ${connector} token`,
    });
    const answer = (typeof response.body === "object" && response.body !== null ? response.body : {}) as TokenAnswer;
    if (response.status === 429) {
      const retryAfterMs = parseRetryAfter(response.headers["retry-after"], clock.now()) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
      throw new RateLimitedError(`The ${connector} token endpoint is rate limiting refreshes.`, retryAfterMs, { details: { connector } });
    }
    if (response.status >= 500) throw new UpstreamFailedError(`The ${connector} token endpoint failed with HTTP ${response.status}.`, { isRetryable: true, details: { connector } });
    if (response.status >= 400) {
      // Only the OAuth error code is kept: free text from the endpoint may quote the request, secrets and all.
      const reason = typeof answer.error === "string" && OAUTH_ERROR_CODE.test(answer.error) ? answer.error : `HTTP ${response.status}`;
      const redactor = createRedactor({ values: [...credentialSecretValues(credentials), clientId, ...oauthClientSecretValues({ clientId, clientSecret })] });
      return new ConnectorAuthError(connector, "needs_reauth", redactor.redactText(`The ${connector} token refresh was refused (${reason}); connect it again.`), { status: response.status });
    }
    if (typeof answer.access_token !== "string" || answer.access_token === "") {
      throw new UpstreamFailedError(`The ${connector} token endpoint answered without an access token.`, { isRetryable: true, details: { connector } });
    }
    const expiresIn = Number(answer.expires_in);
    return {
      // A rotated refresh token replaces the old one in the same write as the access token.
      credentials: { ...credentials, accessToken: answer.access_token, ...(typeof answer.refresh_token === "string" && answer.refresh_token !== "" ? { refreshToken: answer.refresh_token } : {}) },
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(clock.now() + expiresIn * 1000) : null,
      status: "ACTIVE",
      lastError: null,
    };
  }

  async function refreshOnce(used: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<ConnectionCredentials> {
    // Written inside the exclusive update's callback, read after it.
    const result: { refused: ConnectorAuthError | null; outcome: "refreshed" | "reused" } = { refused: null, outcome: "reused" };
    let stored: ConnectionCredentials | null;
    try {
      stored = await store.updateExclusively(used.organizationId, used.connector, async (latest) => {
        if (latest.status !== "ACTIVE" && latest.status !== "ERROR") {
          result.refused = connectionUnusableError(latest.connector, latest.status);
          return null;
        }
        // Another caller refreshed while this one waited for the connection: its tokens are the current ones.
        if (latest.version !== used.version && !isExpiring(latest, spec)) return null;
        try {
          const answer = await requestTokens(latest, spec);
          if (answer instanceof ConnectorAuthError) {
            result.refused = answer;
            return { status: "EXPIRED", lastError: answer.message };
          }
          result.outcome = "refreshed";
          return answer;
        } catch (error) {
          // Transient: the connection stays usable and the caller's retry policy tries again.
          return isNeonhubError(error) ? Promise.reject(error) : Promise.reject(new HandlerFailedError(`Refreshing the ${latest.connector} token failed.`, { isRetryable: true, cause: error }));
        }
      });
    } catch (error) {
      report(used.connector, "failed");
      await store.recordUse(used.organizationId, used.connector, { at: new Date(clock.now()), error: isNeonhubError(error) ? error.message : "The token refresh failed." }).catch(() => undefined);
      throw error;
    }
    if (stored === null) throw new ConnectorAuthError(used.connector, "missing_connection", `There is no ${used.connector} connection for this organization.`);
    if (result.refused !== null) {
      report(used.connector, "rejected");
      throw result.refused;
    }
    report(used.connector, result.outcome);
    return stored;
  }

  return {
    isExpiring,
    refresh(connection, spec) {
      const key = `${connection.organizationId}\u0000${connection.connector}`;
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const started = refreshOnce(connection, spec).finally(() => {
        if (inFlight.get(key) === started) inFlight.delete(key);
      });
      // Entries leave when their refresh settles; beyond the bound a refresh simply is not shared.
      if (inFlight.size < maxInFlight) inFlight.set(key, started);
      return started;
    },
  };
}

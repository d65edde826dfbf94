import {
  BoundedMap,
  type Clock,
  type ConnectionCredentials,
  type CredentialStore,
  RateLimitedError,
  UpstreamFailedError,
} from "@neonhub/core";
import { DEFAULT_RATE_LIMIT_WAIT_MS, providerMessage } from "../http/map-http-error.js";
import { parseRetryAfter } from "../http/parse-retry-after.js";
import { prepareRequest, sendRequest } from "../http/send-request.js";
import { runWithDeadline } from "../resilience/run-with-deadline.js";
import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { OAuth2AuthSpec } from "./auth-spec.js";

/** Default margin before expiry at which a token is refreshed. */
export const DEFAULT_REFRESH_BEFORE_MS = 60_000;
const REFRESH_TIMEOUT_MS = 15_000;

/** Options of {@link createOAuth2Refresher}. */
export interface OAuth2RefresherOptions {
  store: CredentialStore;
  clock: Clock;
  /** Most connections with a refresh in flight at once. Default 10,000. */
  maxConnections?: number;
}

/** Refreshes OAuth2 access tokens, one refresh at a time per connection. */
export interface OAuth2Refresher {
  /** True when the access token expires within the spec's margin. */
  isExpiring(connection: ConnectionCredentials, spec: OAuth2AuthSpec): boolean;
  /**
   * Fresh credentials for the connection. Concurrent callers share one token request; when another process
   * already refreshed (the stored version moved on), its tokens are used instead of asking again.
   */
  refresh(connection: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<ConnectionCredentials>;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/** Creates an {@link OAuth2Refresher} that persists new tokens with a compare-and-swap on the store. */
export function createOAuth2Refresher(options: OAuth2RefresherOptions): OAuth2Refresher {
  const { store, clock } = options;
  const inFlight = new BoundedMap<string, Promise<ConnectionCredentials>>(options.maxConnections ?? 10_000);

  const isExpiring = (connection: ConnectionCredentials, spec: OAuth2AuthSpec) =>
    connection.expiresAt !== null && connection.expiresAt.getTime() - clock.now() <= (spec.refreshBeforeMs ?? DEFAULT_REFRESH_BEFORE_MS);

  async function markNeedsReauth(latest: ConnectionCredentials, message: string, status?: number): Promise<never> {
    await store.update(latest.organizationId, latest.connector, latest.version, { status: "NEEDS_REAUTH" });
    throw new ConnectorAuthError(latest.connector, "needs_reauth", message, status === undefined ? {} : { status });
  }

  async function requestTokens(latest: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<ConnectionCredentials> {
    const { credentials, connector } = latest;
    const refreshToken = credentials.refreshToken;
    if (refreshToken === undefined || refreshToken === "") return markNeedsReauth(latest, `The ${connector} connection has no refresh token; authorize it again.`);
    const form: Record<string, string> = { grant_type: "refresh_token", refresh_token: refreshToken };
    const headers: Record<string, string> = {};
    const clientId = credentials.clientId ?? "";
    const clientSecret = credentials.clientSecret ?? "";
    if (spec.clientAuthentication === "basic") headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`;
    else Object.assign(form, clientId === "" ? {} : { client_id: clientId }, clientSecret === "" ? {} : { client_secret: clientSecret });
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
      const reason = typeof answer.error === "string" ? answer.error : providerMessage(response.body);
      return markNeedsReauth(latest, `The ${connector} token refresh was refused (${reason}); authorize the connection again.`, response.status);
    }
    if (typeof answer.access_token !== "string" || answer.access_token === "") {
      throw new UpstreamFailedError(`The ${connector} token endpoint answered without an access token.`, { details: { connector } });
    }
    const expiresIn = Number(answer.expires_in);
    const changes = {
      credentials: { ...credentials, accessToken: answer.access_token, ...(typeof answer.refresh_token === "string" ? { refreshToken: answer.refresh_token } : {}) },
      expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(clock.now() + expiresIn * 1000) : null,
      status: "ACTIVE" as const,
    };
    const saved = await store.update(latest.organizationId, connector, latest.version, changes);
    if (saved !== null) return saved;
    // Another process refreshed at the same time and won the compare-and-swap: its tokens are the current ones.
    const winner = await store.get(latest.organizationId, connector);
    if (winner === null || winner.status !== "ACTIVE") throw new ConnectorAuthError(connector, "needs_reauth", `The ${connector} connection changed during a refresh; authorize it again.`);
    return winner;
  }

  async function refreshOnce(used: ConnectionCredentials, spec: OAuth2AuthSpec): Promise<ConnectionCredentials> {
    const latest = await store.get(used.organizationId, used.connector);
    if (latest === null) throw new ConnectorAuthError(used.connector, "missing_connection", `There is no ${used.connector} connection for this organization.`);
    if (latest.status === "NEEDS_REAUTH") throw new ConnectorAuthError(used.connector, "needs_reauth", `The ${used.connector} connection must be authorized again.`);
    if (latest.version !== used.version && !isExpiring(latest, spec)) return latest;
    return requestTokens(latest, spec);
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
      inFlight.set(key, started);
      return started;
    },
  };
}

import {
  type Clock,
  type ConnectionAuthType,
  type ConnectionSummary,
  ConfigurationError,
  type CredentialStore,
  type Logger,
  type OAuthCompletion,
  type OAuthStateStore,
  isNeonhubError,
  silentLogger,
  systemClock,
} from "@neonhub/core";
import { type ConnectorClient, type ConnectorDefinition, type OAuth2AuthSpec, type OAuthClientCredentials, isConnectorAuthError } from "@neonhub/connectors";
import { CredentialsUnreadableError } from "@neonhub/persistence-prisma";
import { ConnectionApiError } from "../http/host-error.js";
import { checkOAuthClients } from "./check-oauth-clients.js";
import { createExpiredAuthorizationSweep } from "./expired-authorization-sweep.js";
import { createExpiredGrantRevoker } from "./expired-grant-revocation.js";
import { DEFAULT_OAUTH_GRANT_TTL_MS, newOAuthGrant } from "./oauth-grant.js";
import { isReturnUrlAllowed } from "./return-url-allowlist.js";
import { refuseDerivedBaseUrlOf, storeOAuthTokens } from "./store-oauth-tokens.js";
import { authorizationUrlOf, newAuthorizationSecrets, oauthErrorCode, oauthProviderOf, type OAuthProvider } from "./oauth-provider.js";
import { providerRevocationOf } from "./provider-revocation.js";
import { CODE_EXCHANGE_TIMEOUT_MS, exchangeCodeWithin, PROVIDER_REVOCATION_TIMEOUT_MS, revokeGrantWithin } from "./provider-deadline.js";
import { validateCredentials } from "./validate-credentials.js";

/**
 * The callback's `error` when the connector derives a base URL from the authorization's tokens that the host refuses
 * (`OAUTH_BASE_URL_REFUSED` of a confirmation).
 */
const BASE_URL_REFUSED = "base_url_refused";

/** How long a person has to finish an authorization at the provider. */
export const DEFAULT_OAUTH_STATE_TTL_MS = 10 * 60_000;

/** Options of {@link createConnectionService}. */
export interface ConnectionServiceOptions {
  store: CredentialStore;
  states: OAuthStateStore;
  /**
   * The connector client: its registry describes connectors, `callConnection` makes tests and revocations. In its
   * `mock` mode the service sends nothing to providers either, and refuses the OAuth code flow (`OAUTH_MOCK_MODE`).
   */
  connectors: Pick<ConnectorClient, "registry" | "callConnection" | "mode">;
  /**
   * OAuth clients by connector id. `credentialFields` are the operator's own fields of the connector's
   * `credentialHeaders` (Google Ads' `developerToken`), added to each connection made through the code flow.
   */
  oauthClients: Readonly<Record<string, OAuthClientCredentials & { credentialFields?: Readonly<Record<string, string>> }>>;
  /** The host's callback URL registered with each provider (`https://api.example.com/v1/oauth/callback`); null disables the code flow. */
  redirectUri: string | null;
  /** Where callbacks may send people back: URL prefixes (`https://app.example.com/settings/`). */
  returnUrls: readonly string[];
  clock?: Clock;
  stateTtlMs?: number;
  /** How long a grant of `confirm` completion waits to be confirmed after the callback; 10 minutes by default. */
  grantTtlMs?: number;
  /**
   * Every authorization must end with `confirm` completion (`NEONHUB_OAUTH_COMPLETION=confirm`): one that asks for
   * `callback`, or names no completion, is refused. Otherwise each authorization chooses, `callback` by default.
   */
  requireConfirm?: boolean;
  /** Lets OAuth requests go to plain-HTTP endpoints; for local test servers only. */
  allowInsecureOAuthRequests?: boolean;
  /**
   * Whether the sweep revokes at the provider the tokens of grants nobody confirmed before they expired
   * (`NEONHUB_OAUTH_REVOKE_EXPIRED_GRANTS=true`). False, the default, deletes them unrevoked: a provider that withdraws
   * an account's whole authorization with one token would end that account's connections in other organizations.
   */
  revokeExpiredGrants?: boolean;
  /** Where the sweep reports the revocations of expired grants; never with a token. */
  logger?: Logger;
}

/** Who asks: the API key's organization and user. */
export interface ConnectionCaller {
  organizationId: string;
  userId: string;
}

/** The answer of a connection test. */
export interface ConnectionTestResult {
  connector: string;
  ok: boolean;
  /** The provider's HTTP status, when it answered. */
  providerStatus: number | null;
  durationMs: number;
  error: { code: string; message: string } | null;
}

/** What deleting a connection did at the provider. */
export interface ConnectionDeletion {
  connector: string;
  /**
   * `revoked`: the provider withdrew the grant, or, for a connection this host revoked before, refuses its token as
   * unauthorized; `not_offered`: the provider offers no revocation (see `providerRevocationOf`); `failed`: the
   * provider refused, could not be reached or did not answer in time (5 seconds at an RFC 7009 endpoint, the
   * connector's `timeoutMs` for its own `revocation` call), or no configured key opens the stored credentials (the
   * connection is deleted anyway). In mock mode nothing is sent: `revoked` where the provider offers revocation,
   * `not_offered` where it does not.
   */
  revocation: "revoked" | "not_offered" | "failed";
}

/** What revoking a connection did: at the provider, and to the connection, now `REVOKED`. */
export interface ConnectionRevocation extends ConnectionDeletion {
  status: "REVOKED";
}

/** What a callback leads to: a redirect to the return URL. */
export interface CallbackOutcome {
  location: string;
}

/** The connection API, independent of HTTP. */
export interface ConnectionService {
  list(organizationId: string): Promise<ConnectionSummary[]>;
  set(organizationId: string, connectorId: string, input: { authType?: ConnectionAuthType; credentials: Record<string, string>; expiresAt?: Date | null }): Promise<ConnectionSummary>;
  remove(organizationId: string, connectorId: string): Promise<ConnectionDeletion>;
  /**
   * Withdraws the grant at the provider (where it offers revocation) and keeps the connection as `REVOKED`: its
   * history stays, and no call uses it until it is connected again. A connection already `REVOKED` is revoked at the
   * provider again (`not_offered` where it offers no revocation), and a token the provider refuses as unauthorized
   * then counts as `revoked`.
   */
  revoke(organizationId: string, connectorId: string): Promise<ConnectionRevocation>;
  test(organizationId: string, connectorId: string): Promise<ConnectionTestResult>;
  /**
   * Starts an authorization; `completion` says how it ends, `callback` unless the host requires `confirm`. Refused
   * with `OAUTH_MOCK_MODE` when the connectors are in mock mode, before any state is stored.
   */
  authorize(caller: ConnectionCaller, connectorId: string, returnUrl: string, completion?: OAuthCompletion): Promise<{ authorizationUrl: string; expiresAt: Date }>;
  /**
   * Finishes an authorization; `caller` is set when the callback request carried an API key. With `confirm`
   * completion the tokens wait as a grant, and the return URL gets `status=confirm&grant=...`. Tokens from which the
   * connector derives a base URL that a `baseUrl` field could not name are kept nowhere, and the return URL gets
   * `status=error&error=base_url_refused`; they are not revoked at the provider (a provider may withdraw with them a
   * working connection of the same account), where they expire on their own. In mock mode the state is spent and the
   * callback refused with `OAUTH_MOCK_MODE` before the code exchange.
   */
  callback(parameters: URLSearchParams, caller: ConnectionCaller | null): Promise<CallbackOutcome>;
  /**
   * Takes a grant of `confirm` completion (once, whoever asks) and, when `caller` is the organization and user that
   * started the authorization, stores its tokens as the callback of `callback` completion does, refusing with
   * `OAUTH_BASE_URL_REFUSED` tokens from which the connector now derives a base URL that a `baseUrl` field could not name.
   * A refused grant's tokens are kept nowhere and, as the callback's, not revoked at the provider.
   */
  confirm(caller: ConnectionCaller, connectorId: string, grant: string): Promise<ConnectionSummary>;
  /** Resolves once the revocations of expired grants that sweeps started have ended (5 seconds each at most). */
  revocationsSettled(): Promise<void>;
}

type OAuthSpec = OAuth2AuthSpec & { authorizationUrl: string };

const summaryOf = ({ credentials: _credentials, ...rest }: { credentials: Record<string, string> } & Omit<ConnectionSummary, "createdAt" | "updatedAt">, now: Date): ConnectionSummary => ({
  ...rest,
  createdAt: now,
  updatedAt: now,
});

/** Creates the {@link ConnectionService}. */
export function createConnectionService(options: ConnectionServiceOptions): ConnectionService {
  if (options.redirectUri !== null && !URL.canParse(options.redirectUri)) throw new ConfigurationError("The OAuth redirect URI must be an absolute URL.");
  const { store, states, connectors } = options;
  checkOAuthClients(options.oauthClients, connectors.registry);
  const clock = options.clock ?? systemClock;
  const stateTtlMs = options.stateTtlMs ?? DEFAULT_OAUTH_STATE_TTL_MS;
  const grantTtlMs = options.grantTtlMs ?? DEFAULT_OAUTH_GRANT_TTL_MS;
  const expired = createExpiredAuthorizationSweep({
    states,
    revoke: createExpiredGrantRevoker({ store, connectors, oauthClients: options.oauthClients, clock, allowInsecureOAuthRequests: options.allowInsecureOAuthRequests }),
    revokeExpiredGrants: options.revokeExpiredGrants ?? false,
    logger: options.logger ?? silentLogger,
  });
  const connectorOf = (connectorId: string): ConnectorDefinition => {
    if (!connectors.registry.has(connectorId)) throw new ConnectionApiError("CONNECTOR_NOT_FOUND", `There is no connector "${connectorId}".`);
    return connectors.registry.get(connectorId);
  };
  const oauthOf = (connector: ConnectorDefinition): { spec: OAuthSpec; provider: OAuthProvider } => {
    const auth = connector.auth;
    if (auth.type !== "oauth2" || auth.authorizationUrl === undefined) {
      throw new ConnectionApiError("OAUTH_NOT_SUPPORTED", `The ${connector.displayName} connector does not connect through OAuth 2.0 authorization.`);
    }
    // The code flow speaks standard OAuth 2.0 (client_id); a provider that names its client otherwise is connected with tokens obtained elsewhere.
    if (auth.clientIdParameter !== undefined && auth.clientIdParameter !== "client_id") {
      throw new ConnectionApiError("OAUTH_NOT_SUPPORTED", `The ${connector.displayName} connector names its client "${auth.clientIdParameter}", which the host's authorization flow does not send; store its tokens with PUT instead.`);
    }
    const client = options.oauthClients[connector.id];
    if (client === undefined || options.redirectUri === null) {
      throw new ConnectionApiError("OAUTH_NOT_CONFIGURED", `No OAuth client is configured for ${connector.displayName}; an operator must set one.`);
    }
    // Tokens obtained in mock mode would be a live grant that mock mode never revokes.
    if (connectors.mode === "mock") {
      throw new ConnectionApiError(
        "OAUTH_MOCK_MODE",
        `Connectors are in mock mode, which sends nothing to providers, and an OAuth 2.0 authorization ends with a code exchange at ${connector.displayName}'s token endpoint; store tokens with PUT instead, or connect in live mode.`,
      );
    }
    const spec = { ...auth, authorizationUrl: auth.authorizationUrl };
    return { spec, provider: oauthProviderOf(spec, client, options.allowInsecureOAuthRequests === true) };
  };
  const tokensTargetOf = (connector: ConnectorDefinition, organizationId: string) => ({ store, connector, organizationId, operatorFields: options.oauthClients[connector.id]?.credentialFields });
  const withQuery = (base: string, parameters: Record<string, string>) => {
    const url = new URL(base);
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
    return url.href;
  };

  const summaryAfterPut = async (organizationId: string, stored: Parameters<typeof summaryOf>[0]) => {
    const [listed] = (await store.list(organizationId)).filter((summary) => summary.connector === stored.connector);
    return listed ?? summaryOf(stored, new Date(clock.now()));
  };

  const existingConnection = async (organizationId: string, connectorId: string) => {
    const connector = connectorOf(connectorId);
    const connection = await store.get(organizationId, connector.id);
    if (connection === null) throw new ConnectionApiError("CONNECTION_NOT_FOUND", `This organization has no ${connector.displayName} connection.`);
    return { connector, connection };
  };

  /**
   * Withdraws the grant where the provider offers it; a provider that refuses, cannot be reached or does not answer
   * in time is `failed`, and so is a grant whose credentials (null) no configured key opens. The connector's own
   * `revocation` call is bounded by the connector client, with the connector's `timeoutMs`. In mock mode nothing is
   * sent, and a revocation the provider offers answers `revoked`, as the mock connector client's own call does.
   * `alreadyRevoked`: this host revoked the connection before, so a token the provider now refuses as unauthorized
   * (Slack's `invalid_auth`) is what that revocation did, and counts as `revoked`.
   */
  const revokeAtProvider = async (
    organizationId: string,
    connector: ConnectorDefinition,
    credentials: Record<string, string> | null,
    alreadyRevoked = false,
  ): Promise<ConnectionDeletion["revocation"]> => {
    const client = options.oauthClients[connector.id];
    const revocation = providerRevocationOf(connector, client !== undefined);
    if (revocation === null) return "not_offered";
    try {
      if (revocation.through === "connector") {
        await connectors.callConnection(connector.id, organizationId, "revocation");
        return "revoked";
      }
      if (connectors.mode === "mock") return "revoked";
      if (credentials === null || client === undefined) return "failed";
      // Built from the client alone: revoking needs no redirect URI, which a host without a public URL lacks.
      const provider = oauthProviderOf(revocation.spec, client, options.allowInsecureOAuthRequests === true);
      return (await revokeGrantWithin(provider, credentials, { clock, timeoutMs: PROVIDER_REVOCATION_TIMEOUT_MS })) ? "revoked" : "failed";
    } catch (error) {
      // A token this host revoked before that the provider now refuses is withdrawn: an RFC 7009 endpoint would answer 200.
      if (alreadyRevoked && isConnectorAuthError(error, "unauthorized")) return "revoked";
      return "failed";
    }
  };

  return {
    list: (organizationId) => store.list(organizationId),

    async set(organizationId, connectorId, input) {
      const connector = connectorOf(connectorId);
      const authType = input.authType ?? connector.auth.type;
      validateCredentials(connector, authType, input.credentials);
      const stored = await store.put({ organizationId, connector: connector.id, authType, credentials: input.credentials, expiresAt: input.expiresAt ?? null });
      return summaryAfterPut(organizationId, stored);
    },

    async remove(organizationId, connectorId) {
      const { connector, connection } = await existingConnection(organizationId, connectorId).catch((error: unknown) => {
        // A connection no configured key opens (its key lost in a rotation) can still be deleted, to connect again.
        if (!CredentialsUnreadableError.isInstance(error)) throw error;
        return { connector: connectorOf(connectorId), connection: null };
      });
      const revocation = await revokeAtProvider(organizationId, connector, connection?.credentials ?? null, connection?.status === "REVOKED");
      await store.delete(organizationId, connector.id);
      return { connector: connector.id, revocation };
    },

    async revoke(organizationId, connectorId) {
      const { connector, connection } = await existingConnection(organizationId, connectorId);
      const alreadyRevoked = connection.status === "REVOKED";
      // Asked again when revoked already: a retry after a failed revocation, and a truthful answer either way.
      const revocation = await revokeAtProvider(organizationId, connector, connection.credentials, alreadyRevoked);
      if (!alreadyRevoked) await store.update(organizationId, connector.id, connection.version, { status: "REVOKED", lastError: null });
      return { connector: connector.id, revocation, status: "REVOKED" as const };
    },

    async test(organizationId, connectorId) {
      const connector = connectorOf(connectorId);
      if (connector.connectionTest === undefined) throw new ConnectionApiError("CONNECTION_TEST_UNAVAILABLE", `The ${connector.displayName} connector declares no connection test.`);
      const connection = await store.get(organizationId, connector.id);
      if (connection === null) throw new ConnectionApiError("CONNECTION_NOT_FOUND", `This organization has no ${connector.displayName} connection.`);
      const startedAt = clock.now();
      try {
        const response = await connectors.callConnection(connector.id, organizationId, "test");
        await store.recordUse(organizationId, connector.id, { at: new Date(clock.now()), error: null });
        // A passing test clears the doubt of an earlier refused one.
        if (connection.status === "ERROR") await store.update(organizationId, connector.id, connection.version, { status: "ACTIVE", lastError: null });
        return { connector: connector.id, ok: true, providerStatus: response?.status ?? null, durationMs: clock.now() - startedAt, error: null };
      } catch (error) {
        // Errors of the connector client are already redacted of every credential value.
        const failure = isNeonhubError(error) ? { code: error.code, message: error.message } : { code: "HANDLER_FAILED", message: `The ${connector.displayName} test call failed.` };
        const status = isNeonhubError(error) && typeof error.details?.status === "number" ? error.details.status : null;
        // The provider refused the credentials: the connection is in doubt until a test passes or it is replaced.
        if (failure.code === "UNAUTHORIZED" && connection.status === "ACTIVE") {
          await store.update(organizationId, connector.id, connection.version, { status: "ERROR", lastError: failure.message });
        }
        return { connector: connector.id, ok: false, providerStatus: status, durationMs: clock.now() - startedAt, error: failure };
      }
    },

    async authorize(caller, connectorId, returnUrl, completion) {
      const connector = connectorOf(connectorId);
      const { spec, provider } = oauthOf(connector);
      if (!isReturnUrlAllowed(returnUrl, options.returnUrls)) {
        throw new ConnectionApiError("RETURN_URL_NOT_ALLOWED", "The return URL is not in the host's allowlist of return URLs.");
      }
      if (options.requireConfirm === true && completion !== "confirm") {
        throw new ConnectionApiError(
          "OAUTH_COMPLETION_REQUIRED",
          'This host requires "completion": "confirm": the callback keeps the tokens as a grant, which the person who started the authorization confirms with POST /v1/connections/{connector}/authorize/confirm.',
        );
      }
      // Abandoned authorizations are swept here, so that nothing needs a timer; their tokens are revoked in the background.
      await expired.sweep(new Date(clock.now()), { organizationId: caller.organizationId, connector: connector.id });
      const secrets = await newAuthorizationSecrets();
      const redirectUri = options.redirectUri as string;
      const expiresAt = new Date(clock.now() + stateTtlMs);
      await states.create({
        state: secrets.state,
        organizationId: caller.organizationId,
        userId: caller.userId,
        connector: connector.id,
        codeVerifier: secrets.codeVerifier,
        redirectUri,
        returnUrl,
        completion: completion ?? "callback",
        expiresAt,
      });
      return { authorizationUrl: authorizationUrlOf(spec, provider, { state: secrets.state, codeChallenge: secrets.codeChallenge, redirectUri }), expiresAt };
    },

    async callback(parameters, caller) {
      const state = parameters.get("state") ?? "";
      if (state === "") throw new ConnectionApiError("OAUTH_STATE_INVALID", "The callback has no state.");
      // Consumed before anything else: a state is good for one callback, whatever that callback's fate.
      const pending = await states.consume(state);
      if (pending === null) throw new ConnectionApiError("OAUTH_STATE_INVALID", "The state is unknown or was already used; start the connection again.");
      if (pending.expiresAt.getTime() <= clock.now()) throw new ConnectionApiError("OAUTH_STATE_EXPIRED", "The authorization took too long; start the connection again.");
      if (caller !== null && (caller.organizationId !== pending.organizationId || caller.userId !== pending.userId)) {
        throw new ConnectionApiError("OAUTH_STATE_MISMATCH", "This authorization was started by another user or organization.");
      }
      if (pending.codeVerifier === "") throw new ConnectionApiError("OAUTH_PKCE_MISSING", "The authorization has no PKCE verifier; start the connection again.");
      const connector = connectorOf(pending.connector);
      const { provider } = oauthOf(connector);
      const back = (result: Record<string, string>) => ({ location: withQuery(pending.returnUrl, { connector: connector.id, ...result }) });
      let tokens;
      try {
        const expected = { state, codeVerifier: pending.codeVerifier, redirectUri: pending.redirectUri };
        tokens = await exchangeCodeWithin(provider, parameters, expected, { clock, timeoutMs: CODE_EXCHANGE_TIMEOUT_MS });
      } catch (error) {
        return back({ status: "error", error: oauthErrorCode(error) });
      }
      const tokensExpireAt = tokens.expiresInSeconds === null ? null : new Date(clock.now() + tokens.expiresInSeconds * 1000);
      const target = tokensTargetOf(connector, pending.organizationId);
      try {
        // A refused host keeps the tokens nowhere: not as the connection, nor as a grant no confirmation could store.
        if (pending.completion === "confirm") await refuseDerivedBaseUrlOf(target, tokens);
        else await storeOAuthTokens(target, tokens, tokensExpireAt);
      } catch (error) {
        // The return URL is known by now: the person goes back to it, as when the exchange fails.
        if (error instanceof ConnectionApiError && error.code === "OAUTH_BASE_URL_REFUSED") return back({ status: "error", error: BASE_URL_REFUSED });
        throw error;
      }
      if (pending.completion === "confirm") {
        // The code is exchanged now, while it is valid; the tokens wait for the starter's own API key.
        await expired.sweep(new Date(clock.now()), { organizationId: pending.organizationId, connector: connector.id });
        const grant = newOAuthGrant();
        await states.createGrant({
          grant,
          organizationId: pending.organizationId,
          userId: pending.userId,
          connector: connector.id,
          tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken === null ? {} : { refreshToken: tokens.refreshToken }) },
          tokensExpireAt,
          expiresAt: new Date(clock.now() + grantTtlMs),
        });
        return back({ status: "confirm", grant });
      }
      return back({ status: "connected" });
    },

    async confirm(caller, connectorId, grant) {
      const connector = connectorOf(connectorId);
      // Consumed before anything else, like a state: a grant is good for one confirmation, whatever its fate.
      const pending = await states.consumeGrant(grant);
      if (pending === null) throw new ConnectionApiError("OAUTH_GRANT_INVALID", "The grant is unknown or was already used; start the connection again.");
      if (pending.expiresAt.getTime() <= clock.now()) throw new ConnectionApiError("OAUTH_GRANT_EXPIRED", "The grant was not confirmed in time; start the connection again.");
      if (pending.organizationId !== caller.organizationId || pending.userId !== caller.userId) {
        throw new ConnectionApiError("OAUTH_GRANT_MISMATCH", "This authorization was started by another user or organization; nothing was stored.");
      }
      if (pending.connector !== connector.id) {
        throw new ConnectionApiError("OAUTH_GRANT_CONNECTOR_MISMATCH", `The grant is of another connector than ${connector.displayName}; start the connection again.`);
      }
      const { accessToken, refreshToken } = pending.tokens;
      if (accessToken === undefined || accessToken === "") throw new ConnectionApiError("OAUTH_GRANT_INVALID", "The grant holds no access token; start the connection again.");
      const stored = await storeOAuthTokens(tokensTargetOf(connector, pending.organizationId), { accessToken, refreshToken: refreshToken ?? null }, pending.tokensExpireAt);
      return summaryAfterPut(pending.organizationId, stored);
    },

    revocationsSettled: () => expired.settled(),
  };
}


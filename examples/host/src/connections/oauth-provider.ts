import type { OAuth2AuthSpec, OAuthClientCredentials } from "@neonhub/connectors";
import { isNeonhubError } from "@neonhub/core";
import * as oauth from "oauth4webapi";

/** A connector's authorization server and the operator's client there, as oauth4webapi takes them. */
export interface OAuthProvider {
  server: oauth.AuthorizationServer;
  client: oauth.Client;
  clientAuthentication: oauth.ClientAuth;
  /** Lets plain-HTTP endpoints through (local test servers only). */
  requestOptions: { [oauth.allowInsecureRequests]?: boolean };
}

/** Builds the oauth4webapi view of a connector's OAuth2 spec with the configured client. */
export function oauthProviderOf(spec: OAuth2AuthSpec & { authorizationUrl: string }, client: OAuthClientCredentials, allowInsecureRequests: boolean): OAuthProvider {
  const secret = client.clientSecret;
  return {
    server: {
      // The issuer is checked only against an id_token, which OpenID providers add; plain OAuth providers have none.
      issuer: spec.issuer ?? new URL(spec.authorizationUrl).origin,
      authorization_endpoint: spec.authorizationUrl,
      token_endpoint: spec.tokenUrl,
      ...(spec.revocationUrl === undefined ? {} : { revocation_endpoint: spec.revocationUrl }),
    },
    client: { client_id: client.clientId },
    clientAuthentication: secret === undefined || secret === "" ? oauth.None() : spec.clientAuthentication === "basic" ? oauth.ClientSecretBasic(secret) : oauth.ClientSecretPost(secret),
    requestOptions: allowInsecureRequests ? { [oauth.allowInsecureRequests]: true } : {},
  };
}

/** A new state and PKCE pair (S256), from oauth4webapi's generators. */
export async function newAuthorizationSecrets(): Promise<{ state: string; codeVerifier: string; codeChallenge: string }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return { state: oauth.generateRandomState(), codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) };
}

/** The provider URL a person is sent to. */
export function authorizationUrlOf(spec: OAuth2AuthSpec & { authorizationUrl: string }, provider: OAuthProvider, parameters: { state: string; codeChallenge: string; redirectUri: string }): string {
  const url = new URL(spec.authorizationUrl);
  for (const [name, value] of Object.entries(spec.authorizationParameters ?? {})) url.searchParams.set(name, value);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", provider.client.client_id);
  url.searchParams.set("redirect_uri", parameters.redirectUri);
  if ((spec.scopes ?? []).length > 0) url.searchParams.set("scope", (spec.scopes ?? []).join(" "));
  url.searchParams.set("state", parameters.state);
  url.searchParams.set("code_challenge", parameters.codeChallenge);
  url.searchParams.set("code_challenge_method", "S256");
  return url.href;
}

/** Tokens from a code exchange. */
export interface ExchangedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresInSeconds: number | null;
}

/**
 * Checks the callback parameters (oauth4webapi validates `state`, `iss` and error answers) and exchanges the code
 * with the PKCE verifier; `signal` aborts the request.
 */
export async function exchangeCode(
  provider: OAuthProvider,
  callbackParameters: URLSearchParams,
  expected: { state: string; codeVerifier: string; redirectUri: string },
  signal?: AbortSignal,
): Promise<ExchangedTokens> {
  const validated = oauth.validateAuthResponse(provider.server, provider.client, callbackParameters, expected.state);
  const response = await oauth.authorizationCodeGrantRequest(
    provider.server,
    provider.client,
    provider.clientAuthentication,
    validated,
    expected.redirectUri,
    expected.codeVerifier,
    { ...provider.requestOptions, ...(signal === undefined ? {} : { signal }) },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(provider.server, provider.client, response);
  return {
    accessToken: tokens.access_token,
    refreshToken: typeof tokens.refresh_token === "string" && tokens.refresh_token !== "" ? tokens.refresh_token : null,
    expiresInSeconds: typeof tokens.expires_in === "number" && tokens.expires_in > 0 ? tokens.expires_in : null,
  };
}

/** Revokes a token at the provider (RFC 7009); `signal` aborts the request. */
export async function revokeToken(provider: OAuthProvider, token: string, hint: "refresh_token" | "access_token", signal?: AbortSignal): Promise<void> {
  const response = await oauth.revocationRequest(provider.server, provider.client, provider.clientAuthentication, token, {
    ...provider.requestOptions,
    additionalParameters: { token_type_hint: hint },
    ...(signal === undefined ? {} : { signal }),
  });
  await oauth.processRevocationResponse(response);
}

/** The OAuth error code of an oauth4webapi failure (`invalid_grant`, `access_denied`, ...), for messages without secrets. */
export function oauthErrorCode(error: unknown): string {
  // The provider did not answer within the host's deadline (see provider-deadline.ts).
  if (isNeonhubError(error, "TIMEOUT")) return "timeout";
  if (error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError) return error.error;
  if (error instanceof oauth.OperationProcessingError) return error.code ?? "invalid_response";
  return "request_failed";
}

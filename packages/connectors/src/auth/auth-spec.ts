/** No credentials: the provider's API is public or authenticated some other way. */
export interface NoAuthSpec {
  type: "none";
}

/** An API key sent in a header or in the query string. */
export interface ApiKeyAuthSpec {
  type: "api_key";
  in: "header" | "query";
  /** Header or query parameter name, for example `X-Api-Key` or `api_key`. */
  name: string;
  /** Credential field holding the key. Default `apiKey`. */
  field?: string;
  /** Text put before the key in a header, for example `Token `. */
  prefix?: string;
}

/** A static bearer token (`Authorization: Bearer <token>`). */
export interface BearerAuthSpec {
  type: "bearer";
  /** Credential field holding the token. Default `accessToken`. */
  field?: string;
}

/** HTTP basic authentication from two credential fields. */
export interface BasicAuthSpec {
  type: "basic";
  /** Default `username`. */
  usernameField?: string;
  /** Default `password`. */
  passwordField?: string;
}

/**
 * OAuth2 with refresh tokens. The connection holds `accessToken`, `refreshToken`, `clientId`, `clientSecret`;
 * access tokens are refreshed before they expire and again when the provider answers 401.
 */
export interface OAuth2AuthSpec {
  type: "oauth2";
  /** Token endpoint; a connection may override it with a `tokenUrl` credential field. */
  tokenUrl: string;
  /** Refresh when the token expires within this many milliseconds. Default 60,000. */
  refreshBeforeMs?: number;
  /** Where the client id and secret go in the refresh request. Default `body`. */
  clientAuthentication?: "body" | "basic";
  /**
   * Name of the parameter that carries the client id in token requests sent with `clientAuthentication: "body"`,
   * and in the authorization request. Default `client_id`; TikTok's is `client_key`.
   */
  clientIdParameter?: string;
  /** Authorization endpoint of the code flow; without it the connection can only be stored with tokens obtained elsewhere. */
  authorizationUrl?: string;
  /** Scopes requested by the code flow. */
  scopes?: readonly string[];
  /** Extra query parameters of the authorization request, such as Google's `access_type: "offline"`. */
  authorizationParameters?: Readonly<Record<string, string>>;
  /** Token revocation endpoint (RFC 7009), called when a connection is deleted by a service with an OAuth client for it. */
  revocationUrl?: string;
  /** OpenID issuer, checked against the id_token that OpenID providers add to the code exchange. Default: the authorization URL's origin. */
  issuer?: string;
}

/** Headers filled from credential fields on every request, such as Google Ads' `developer-token`. */
export interface CredentialHeaders {
  /** Header name to credential field name. Headers whose field is missing are left out. */
  credentialHeaders?: Record<string, string>;
}

/** How a connector authenticates its requests. */
export type AuthSpec = (NoAuthSpec | ApiKeyAuthSpec | BearerAuthSpec | BasicAuthSpec | OAuth2AuthSpec) & CredentialHeaders;

/** The client-id parameter of OAuth requests when an {@link OAuth2AuthSpec} names none. */
export const DEFAULT_CLIENT_ID_PARAMETER = "client_id";

/** Credential fields that hold settings rather than secrets; they are not redacted. */
export const NON_SECRET_CREDENTIAL_FIELDS: readonly string[] = ["baseUrl", "tokenUrl"];

/** The realm named in every challenge of the host. */
export const AUTHENTICATION_REALM = "neonhub";

/**
 * The `WWW-Authenticate` value of a 401 (RFC 9110 section 15.5.2 requires one). Following RFC 6750 section 3, it
 * names `invalid_token` only when the request sent an `Authorization` header, and never says why the key failed, so
 * that an unknown key reads like a revoked one.
 */
export function bearerChallenge(authorization: string | undefined): string {
  return authorization === undefined ? `Bearer realm="${AUTHENTICATION_REALM}"` : `Bearer realm="${AUTHENTICATION_REALM}", error="invalid_token"`;
}

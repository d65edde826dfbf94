/**
 * What the error code of an OAuth callback (`?status=error&error=…`) means, in words, with the code kept in
 * parentheses for whoever looks it up: the standard codes of RFC 6749, and those the host sends itself.
 */
const MEANINGS: Record<string, string> = {
  access_denied: "access was refused at the provider",
  base_url_refused: "the account points the connector at an address this host does not call (plain http, or a private or local network)",
  invalid_grant: "the provider did not accept the authorization; start again",
  invalid_client: "the provider did not accept this host's OAuth client; an operator must check its settings",
  unauthorized_client: "the provider does not let this host's OAuth client connect this way; an operator must check its settings",
  invalid_scope: "the provider refused the permissions asked for",
  server_error: "the provider failed; try again later",
  temporarily_unavailable: "the provider is unavailable for now; try again later",
  request_failed: "the provider could not be reached; try again later",
};

/** The sentence for a callback's error code; the code alone when it is not one of the known codes. */
export function describeOAuthError(code: string | null): string {
  if (code === null || code === "") return "the provider gave no reason";
  const meaning = Object.hasOwn(MEANINGS, code) ? MEANINGS[code] : undefined;
  return meaning === undefined ? code : `${meaning} (${code})`;
}

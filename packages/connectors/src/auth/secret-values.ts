import { NON_SECRET_CREDENTIAL_FIELDS } from "./auth-spec.js";
import type { OAuthClientCredentials } from "./oauth-client.js";

/** The values of a connection's credential fields that are secrets (all but settings such as `baseUrl`). */
export function credentialSecretValues(credentials: Record<string, string>): string[] {
  return Object.entries(credentials)
    .filter(([field, value]) => !NON_SECRET_CREDENTIAL_FIELDS.includes(field) && value !== "")
    .map(([, value]) => value);
}

/** An operator's OAuth client secret, and the HTTP basic value that carries it with the client id. */
export function oauthClientSecretValues(client: OAuthClientCredentials | undefined): string[] {
  const secret = client?.clientSecret;
  if (client === undefined || secret === undefined || secret === "") return [];
  return [secret, Buffer.from(`${client.clientId}:${secret}`).toString("base64")];
}

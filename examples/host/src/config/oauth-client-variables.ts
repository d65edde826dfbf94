/** An OAuth client of the operator, and the credential fields the operator adds to every connection made with it. */
export interface OAuthClientConfig {
  clientId: string;
  clientSecret?: string;
  /** Added to the credentials of connections made through the code flow (`developerToken` for Google Ads). */
  credentialFields?: Record<string, string>;
}

/** The variable that sets a connector's OAuth client: `NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID` for `google-ads`. */
export const oauthClientVariable = (connector: string): string => `NEONHUB_OAUTH_${connector.toUpperCase().replaceAll("-", "_")}_CLIENT_ID`;

/** The variable that sets a credential field of a connector's OAuth client: `..._FIELD_DEVELOPER_TOKEN` for `developerToken`. */
export const oauthFieldVariable = (connector: string, field: string): string =>
  `NEONHUB_OAUTH_${connector.toUpperCase().replaceAll("-", "_")}_FIELD_${field.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;

/** `DEVELOPER_TOKEN` becomes `developerToken`. */
const camelCase = (name: string) => name.toLowerCase().replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

const OAUTH_CLIENT_VARIABLE = /^NEONHUB_OAUTH_([A-Z0-9_]+)_CLIENT_ID$/;
const OAUTH_SECRET_VARIABLE = /^NEONHUB_OAUTH_([A-Z0-9_]+)_CLIENT_SECRET$/;
const OAUTH_FIELD_VARIABLE = /^NEONHUB_OAUTH_([A-Z0-9_]+?)_FIELD_[A-Z0-9_]+$/;
const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== "";

/**
 * OAuth clients named in the environment (`NEONHUB_OAUTH_GOOGLE_ADS_CLIENT_ID` configures connector `google-ads`), and
 * the secrets and fields set without the client id they belong to, which no client would use.
 */
export function readOAuthClients(environment: Record<string, string | undefined>): { clients: Record<string, OAuthClientConfig>; problems: string[] } {
  const clients: Record<string, OAuthClientConfig> = {};
  const prefixes: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    const match = OAUTH_CLIENT_VARIABLE.exec(name);
    if (!match?.[1] || !isSet(value)) continue;
    const prefix = `NEONHUB_OAUTH_${match[1]}_`;
    prefixes.push(prefix);
    const secret = environment[`${prefix}CLIENT_SECRET`]?.trim();
    const fields: Record<string, string> = {};
    for (const [fieldVariable, fieldValue] of Object.entries(environment)) {
      if (fieldVariable.startsWith(`${prefix}FIELD_`) && isSet(fieldValue)) fields[camelCase(fieldVariable.slice(prefix.length + 6))] = fieldValue.trim();
    }
    clients[match[1].toLowerCase().replaceAll("_", "-")] = {
      clientId: value.trim(),
      ...(secret ? { clientSecret: secret } : {}),
      ...(Object.keys(fields).length > 0 ? { credentialFields: fields } : {}),
    };
  }
  const problems: string[] = [];
  for (const [name, value] of Object.entries(environment)) {
    if (!isSet(value)) continue;
    const secretOf = OAUTH_SECRET_VARIABLE.exec(name)?.[1];
    if (secretOf !== undefined && !prefixes.includes(`NEONHUB_OAUTH_${secretOf}_`)) {
      problems.push(`  ${name}: set without NEONHUB_OAUTH_${secretOf}_CLIENT_ID, so no OAuth client uses it`);
    }
    const fieldOf = OAUTH_FIELD_VARIABLE.exec(name)?.[1];
    if (fieldOf !== undefined && !prefixes.some((prefix) => name.startsWith(`${prefix}FIELD_`))) {
      problems.push(`  ${name}: set without NEONHUB_OAUTH_${fieldOf}_CLIENT_ID, so no OAuth client adds it`);
    }
  }
  return { clients, problems };
}

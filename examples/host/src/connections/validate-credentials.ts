import { type ConnectionAuthType, type FieldError, ValidationError } from "@neonhub/core";
import type { AuthSpec, ConnectorDefinition } from "@neonhub/connectors";
import { BlockList, isIP } from "node:net";

const OAUTH2_OPTIONAL_FIELDS = ["refreshToken", "clientId", "clientSecret"];
const MAX_VALUE_LENGTH = 8_192;
// A line break in a header value would end the header; Node refuses the request before sending it, and every call of
// the connection would fail. Control characters have no place in any credential.
const hasControlCharacter = (value: string): boolean => {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
};
// Keys and tokens travel in headers as they are: only visible ASCII and spaces.
const HEADER_SAFE = /^[\u0020-\u007e]*$/;

// Addresses a tenant's baseUrl may not name: the host's own machine and networks (loopback, private, link-local with
// the cloud metadata service, unique-local). Names that resolve there are the egress firewall's to stop.
const NON_PUBLIC_ADDRESSES = new BlockList();
for (const [network, prefix] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12], ["192.168.0.0", 16]] as const) {
  NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["::ffff:0:0", 96]] as const) NON_PUBLIC_ADDRESSES.addSubnet(network, prefix, "ipv6");

/** True when a URL's host is `localhost` or an address of a non-public network. */
function namesNonPublicHost(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return true;
  const family = isIP(host);
  return family !== 0 && NON_PUBLIC_ADDRESSES.check(host, family === 4 ? "ipv4" : "ipv6");
}

/** The fields whose values are sent in a header as they are (basic credentials are encoded first). */
function headerFieldsOf(auth: AuthSpec): string[] {
  const headers = Object.values(auth.credentialHeaders ?? {});
  switch (auth.type) {
    case "api_key":
      return [auth.field ?? "apiKey", ...headers];
    case "bearer":
      return [auth.field ?? "accessToken", ...headers];
    case "oauth2":
      return ["accessToken", ...headers];
    default:
      return headers;
  }
}

/** The fields a connection of this auth spec must have, and those it may have. */
export function credentialFieldsOf(auth: AuthSpec): { required: string[]; optional: string[] } {
  const headers = Object.values(auth.credentialHeaders ?? {});
  switch (auth.type) {
    case "none":
      return { required: [], optional: headers };
    case "api_key":
      return { required: [auth.field ?? "apiKey"], optional: [...headers, "baseUrl"] };
    case "bearer":
      return { required: [auth.field ?? "accessToken"], optional: [...headers, "baseUrl"] };
    case "basic":
      return { required: [auth.usernameField ?? "username", auth.passwordField ?? "password"], optional: [...headers, "baseUrl"] };
    case "oauth2":
      return { required: ["accessToken"], optional: [...OAUTH2_OPTIONAL_FIELDS, ...headers, "baseUrl"] };
  }
}

/** What is wrong with a base URL a tenant's connection would send its calls to, or undefined. */
function baseUrlProblem(baseUrl: unknown): string | undefined {
  if (!(typeof baseUrl === "string" && URL.canParse(baseUrl) && new URL(baseUrl).protocol === "https:")) return "must be an https:// URL";
  if (namesNonPublicHost(new URL(baseUrl))) return "must name a public host, not localhost or a private, loopback or link-local address";
  return undefined;
}

/**
 * The base URL a connector derives from the credentials (`baseUrlFrom`), held to the rules of a `baseUrl` given as a
 * credential: a key whose data centre names the host's own network would send that connection's calls there. Nothing
 * is derived from credentials that carry their own `baseUrl`. The problem names no value.
 */
export function derivedBaseUrlProblem(connector: Pick<ConnectorDefinition, "baseUrlFrom">, credentials: Record<string, string>): FieldError | undefined {
  if (connector.baseUrlFrom === undefined || credentials.baseUrl !== undefined) return undefined;
  let derived: unknown;
  try {
    derived = connector.baseUrlFrom((name) => credentials[name]);
  } catch {
    return { path: "credentials", message: "do not name a host this connector can call (it derives its base URL from them)" };
  }
  const problem = baseUrlProblem(derived);
  return problem === undefined ? undefined : { path: "credentials", message: `give a base URL that ${problem}` };
}

/**
 * Checks credentials given for a connector against its auth spec: every required field, no unknown field, no
 * control character, keys and tokens in visible ASCII (they are sent in headers), a `baseUrl` only over HTTPS and
 * not to the host's own machine or networks, and so the base URL the connector derives from them (`baseUrlFrom`).
 * Errors name fields, never values.
 * @throws ValidationError before anything is stored.
 */
export function validateCredentials(connectorDefinition: Pick<ConnectorDefinition, "id" | "auth" | "baseUrlFrom">, authType: ConnectionAuthType, credentials: Record<string, string>): void {
  const { id: connector, auth } = connectorDefinition;
  const fieldErrors: FieldError[] = [];
  if (authType !== auth.type) fieldErrors.push({ path: "authType", message: `The ${connector} connector authenticates with ${auth.type}, not ${authType}.` });
  const { required, optional } = credentialFieldsOf(auth);
  const headerFields = headerFieldsOf(auth);
  for (const field of required) {
    if ((credentials[field] ?? "") === "") fieldErrors.push({ path: `credentials.${field}`, message: "is required" });
  }
  for (const [field, value] of Object.entries(credentials)) {
    if (!required.includes(field) && !optional.includes(field)) fieldErrors.push({ path: `credentials.${field}`, message: `is not a credential of ${connector} (expected ${[...required, ...optional].join(", ")})` });
    else if (value.length > MAX_VALUE_LENGTH) fieldErrors.push({ path: `credentials.${field}`, message: `is longer than ${MAX_VALUE_LENGTH} characters` });
    else if (hasControlCharacter(value)) fieldErrors.push({ path: `credentials.${field}`, message: "contains a control character (a line break, a tab, ...)" });
    else if (headerFields.includes(field) && !HEADER_SAFE.test(value)) fieldErrors.push({ path: `credentials.${field}`, message: "may hold only visible ASCII characters and spaces" });
  }
  const baseUrl = credentials.baseUrl;
  const explicitProblem = baseUrl === undefined ? undefined : baseUrlProblem(baseUrl);
  if (explicitProblem !== undefined) fieldErrors.push({ path: "credentials.baseUrl", message: explicitProblem });
  // Derived only from credentials that passed their own checks: a missing key is reported as missing.
  const derivedProblem = fieldErrors.length === 0 ? derivedBaseUrlProblem(connectorDefinition, credentials) : undefined;
  if (derivedProblem !== undefined) fieldErrors.push(derivedProblem);
  if (fieldErrors.length > 0) throw new ValidationError(`The ${connector} credentials are invalid.`, fieldErrors);
}

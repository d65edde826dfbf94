import { ConnectorAuthError } from "../sdk/connector-auth-error.js";
import type { AuthSpec } from "./auth-spec.js";

function required(connector: string, credentials: Record<string, string>, field: string): string {
  const value = credentials[field];
  if (value === undefined || value === "") {
    throw new ConnectorAuthError(connector, "missing_connection", `The ${connector} connection has no "${field}" credential.`);
  }
  return value;
}

/** What authentication adds to a request: headers, and query parameters for query-string API keys. */
export interface AuthAdditions {
  headers: Record<string, string>;
  query: Record<string, string>;
}

/** Headers and query parameters that authenticate a request with the connection's credentials. */
export function authAdditions(connector: string, auth: AuthSpec, credentials: Record<string, string>): AuthAdditions {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  switch (auth.type) {
    case "none":
      break;
    case "api_key": {
      const key = required(connector, credentials, auth.field ?? "apiKey");
      if (auth.in === "header") headers[auth.name.toLowerCase()] = `${auth.prefix ?? ""}${key}`;
      else query[auth.name] = key;
      break;
    }
    case "bearer":
      headers.authorization = `Bearer ${required(connector, credentials, auth.field ?? "accessToken")}`;
      break;
    case "oauth2":
      headers.authorization = `Bearer ${required(connector, credentials, "accessToken")}`;
      break;
    case "basic": {
      const username = required(connector, credentials, auth.usernameField ?? "username");
      const password = required(connector, credentials, auth.passwordField ?? "password");
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      break;
    }
  }
  for (const [header, field] of Object.entries(auth.credentialHeaders ?? {})) {
    const value = credentials[field];
    if (value !== undefined && value !== "") headers[header.toLowerCase()] = value;
  }
  return { headers, query };
}

import type { AuthSpec } from "../auth/auth-spec.js";

/** A credential value for every field an auth spec reads, each one unique and recognisable in a leak. */
export function contractCredentials(auth: AuthSpec, marker: string): Record<string, string> {
  const value = (field: string) => `${marker}-${field}`;
  const fields: string[] = [];
  switch (auth.type) {
    case "none":
      break;
    case "api_key":
      fields.push(auth.field ?? "apiKey");
      break;
    case "bearer":
      fields.push(auth.field ?? "accessToken");
      break;
    case "basic":
      fields.push(auth.usernameField ?? "username", auth.passwordField ?? "password");
      break;
    case "oauth2":
      fields.push("accessToken", "refreshToken", "clientId", "clientSecret");
      break;
  }
  fields.push(...Object.values(auth.credentialHeaders ?? {}));
  return Object.fromEntries(fields.map((field) => [field, value(field)]));
}

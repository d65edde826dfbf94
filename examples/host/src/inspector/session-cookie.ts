/** Name of the inspector's session cookie. */
export const SESSION_COOKIE = "neonhub_session";

/** Header that carries the session's CSRF token on state-changing requests. */
export const CSRF_HEADER = "x-csrf-token";

/** The value of one cookie in a `Cookie` header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const separator = part.indexOf("=");
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return null;
}

/** `Set-Cookie` for a session: HttpOnly, SameSite=Strict, Secure when served over HTTPS, never readable by scripts. */
export function sessionCookie(value: string, options: { maxAgeSeconds: number; secure: boolean }): string {
  return [`${SESSION_COOKIE}=${value}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${options.maxAgeSeconds}`, ...(options.secure ? ["Secure"] : [])].join("; ");
}

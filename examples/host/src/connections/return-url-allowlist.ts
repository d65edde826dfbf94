/**
 * True when `candidate` starts with one of the allowed URL prefixes: same scheme, host and port, and a path under
 * the allowed path. Query strings and fragments of the candidate are kept; credentials in it are refused.
 */
export function isReturnUrlAllowed(candidate: string, allowed: readonly string[]): boolean {
  if (!URL.canParse(candidate)) return false;
  const url = new URL(candidate);
  if (url.username !== "" || url.password !== "" || (url.protocol !== "https:" && url.protocol !== "http:")) return false;
  return allowed.some((entry) => {
    if (!URL.canParse(entry)) return false;
    const prefix = new URL(entry);
    const path = prefix.pathname.endsWith("/") ? prefix.pathname : `${prefix.pathname}/`;
    return url.origin === prefix.origin && (url.pathname === prefix.pathname || url.pathname.startsWith(path));
  });
}

// Plain http carries the credentials in clear, so it is only for addresses that never leave the machine.
const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Why the SDK would not send a connector's calls to this base URL, or undefined when it would: it must be absolute and
 * https (http only to a loopback address, a local stand-in in tests), without a user name or password, which belong
 * in the connection's credentials (and `fetch` refuses a URL holding them).
 */
export function baseUrlProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || !URL.canParse(value)) return "is not an absolute URL";
  const url = new URL(value);
  if (url.username !== "" || url.password !== "") return "holds a user name or password, which belong in the connection's credentials";
  if (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOST.test(url.hostname))) return undefined;
  return "is not https:// (http:// is taken only for a loopback address)";
}

import { type Clock, TimeoutError } from "@neonhub/core";
import { type OAuthProvider, revokeToken } from "./oauth-provider.js";

/**
 * How long deleting or revoking a connection waits for the provider's RFC 7009 revocation endpoint. The request to
 * the host waits for it, so a provider that hangs holds that request this long at most.
 */
export const PROVIDER_REVOCATION_TIMEOUT_MS = 5_000;

/**
 * Revokes a token at the provider (RFC 7009), waiting at most `deadline.timeoutMs` on `deadline.clock`: when it
 * passes, the request is aborted and the promise rejects with a {@link TimeoutError}.
 */
export async function revokeTokenWithin(
  provider: OAuthProvider,
  token: string,
  hint: "refresh_token" | "access_token",
  deadline: { clock: Clock; timeoutMs: number },
): Promise<void> {
  const request = new AbortController();
  const timer = new AbortController();
  // Timed by the host's clock, so that tests can pass the deadline without waiting for it.
  const deadlinePassed = deadline.clock.sleep(deadline.timeoutMs, timer.signal).then(() => {
    const timeout = new TimeoutError(`The provider did not answer the revocation within ${deadline.timeoutMs} ms.`);
    request.abort(timeout);
    throw timeout;
  });
  try {
    await Promise.race([revokeToken(provider, token, hint, request.signal), deadlinePassed]);
  } finally {
    timer.abort();
    // The timer's own abort rejects it once the revocation has answered.
    deadlinePassed.catch(() => undefined);
  }
}

import { type Clock, TimeoutError } from "@neonhub/core";
import { type ExchangedTokens, exchangeCode, type OAuthProvider, revokeToken } from "./oauth-provider.js";

/**
 * How long deleting or revoking a connection waits for the provider's RFC 7009 revocation endpoint. The request to
 * the host waits for it, so a provider that hangs holds that request this long at most.
 */
export const PROVIDER_REVOCATION_TIMEOUT_MS = 5_000;

/**
 * How long an OAuth callback waits for the provider's token endpoint to exchange the code. The person waits in the
 * browser meanwhile; without a deadline a token endpoint that never answers held the callback for Node's 300 s.
 */
export const CODE_EXCHANGE_TIMEOUT_MS = 10_000;

/** A deadline on the host's clock, so that tests can pass it without waiting for it. */
export interface ProviderDeadline {
  clock: Clock;
  timeoutMs: number;
}

/**
 * Runs a request to a provider, waiting at most `deadline.timeoutMs`: when it passes, the request is aborted and the
 * promise rejects with a {@link TimeoutError} saying `what` the provider did not answer.
 */
async function within<Result>(what: string, deadline: ProviderDeadline, call: (signal: AbortSignal) => Promise<Result>): Promise<Result> {
  const request = new AbortController();
  const timer = new AbortController();
  const deadlinePassed = deadline.clock.sleep(deadline.timeoutMs, timer.signal).then(() => {
    const timeout = new TimeoutError(`The provider did not answer the ${what} within ${deadline.timeoutMs} ms.`);
    request.abort(timeout);
    throw timeout;
  });
  try {
    return await Promise.race([call(request.signal), deadlinePassed]);
  } finally {
    timer.abort();
    // The timer's own abort rejects it once the call has answered.
    deadlinePassed.catch(() => undefined);
  }
}

/** Revokes a token at the provider (RFC 7009) within the deadline. */
export function revokeTokenWithin(provider: OAuthProvider, token: string, hint: "refresh_token" | "access_token", deadline: ProviderDeadline): Promise<void> {
  return within("revocation", deadline, (signal) => revokeToken(provider, token, hint, signal));
}

/** Exchanges a callback's code for tokens (see {@link exchangeCode}) within the deadline. */
export function exchangeCodeWithin(provider: OAuthProvider, callbackParameters: URLSearchParams, expected: Parameters<typeof exchangeCode>[2], deadline: ProviderDeadline): Promise<ExchangedTokens> {
  return within("code exchange", deadline, (signal) => exchangeCode(provider, callbackParameters, expected, signal));
}

/**
 * Revokes a grant's tokens at the provider within the deadline: its refresh token where it has one (revoking it
 * withdraws the whole grant at providers that follow RFC 7009), else its access token. False when it holds neither,
 * and nothing was sent.
 */
export async function revokeGrantWithin(provider: OAuthProvider, tokens: { accessToken?: string; refreshToken?: string }, deadline: ProviderDeadline): Promise<boolean> {
  const { accessToken, refreshToken } = tokens;
  if (refreshToken !== undefined && refreshToken !== "") await revokeTokenWithin(provider, refreshToken, "refresh_token", deadline);
  else if (accessToken !== undefined && accessToken !== "") await revokeTokenWithin(provider, accessToken, "access_token", deadline);
  else return false;
  return true;
}

import { type ExpiredOAuthGrant, type Logger, type OAuthStateStore, isNeonhubError } from "@neonhub/core";
import type { ExpiredGrantRevocation } from "./expired-grant-revocation.js";
import { oauthErrorCode } from "./oauth-provider.js";

/**
 * Most expired grants one sweep takes to revoke. Their revocations run at once, each bounded by 5 seconds, and the
 * next sweeps take none until they have ended: at most this many requests to providers per host at a time.
 */
export const EXPIRED_GRANTS_PER_SWEEP = 20;

/** The authorization a sweeping request is about: its own organization and connector. */
export interface SweepingRequest {
  organizationId: string;
  connector: string;
}

/** Options of {@link createExpiredAuthorizationSweep}. */
export interface ExpiredAuthorizationSweepOptions {
  states: OAuthStateStore;
  /** Revokes one taken grant's tokens; rejects when the provider refuses, cannot be reached or does not answer in time. */
  revoke: (grant: ExpiredOAuthGrant) => Promise<ExpiredGrantRevocation>;
  /** False: expired grants are deleted without revoking their tokens, as `deleteExpired` does. */
  revokeExpiredGrants: boolean;
  logger: Logger;
}

/** Deletes abandoned authorizations, and revokes the tokens of grants nobody confirmed in the background. */
export interface ExpiredAuthorizationSweep {
  /**
   * Takes up to {@link EXPIRED_GRANTS_PER_SWEEP} expired grants and starts revoking their tokens without waiting for
   * the providers, then deletes expired states (and grants, once fewer than a batch were left). Grants of the
   * request's own organization and connector are not revoked: that authorization may just have been, or be about to
   * be, granted again by the same account, which a provider that withdraws the whole authorization with a token would
   * end. While an earlier sweep's revocations run, it does nothing: what it would take waits for a later sweep.
   */
  sweep(now: Date, request: SweepingRequest): Promise<void>;
  /** Resolves once the revocations started so far have ended (a stopping host waits for them). */
  settled(): Promise<void>;
}

/** Creates the {@link ExpiredAuthorizationSweep} of a host. */
export function createExpiredAuthorizationSweep(options: ExpiredAuthorizationSweepOptions): ExpiredAuthorizationSweep {
  const { states, logger } = options;
  let revoking: Promise<void> | null = null;
  let busy = false;
  let warnedOfOldStore = false;

  const revokeOne = async (grant: ExpiredOAuthGrant, request: SweepingRequest): Promise<void> => {
    const fields = { connector: grant.connector, organizationId: grant.organizationId };
    if (grant.organizationId === request.organizationId && grant.connector === request.connector) {
      logger.info({ ...fields, revocation: "same_authorization" }, "Not revoking the tokens of an OAuth grant nobody confirmed: its organization is connecting the same connector again");
      return;
    }
    try {
      const revocation = await options.revoke(grant);
      logger.info({ ...fields, revocation }, revocation === "revoked" ? "Revoked the tokens of an OAuth grant nobody confirmed" : "Not revoking the tokens of an OAuth grant nobody confirmed");
    } catch (error) {
      // Only a code: a provider's error description may quote the token back.
      const reason = isNeonhubError(error) ? error.code : oauthErrorCode(error);
      logger.warn({ ...fields, revocation: "failed", reason }, "Could not revoke the tokens of an OAuth grant nobody confirmed; they stay valid at the provider until they expire there");
    }
  };

  return {
    async sweep(now, request) {
      const consume = states.consumeExpiredGrants?.bind(states);
      if (!options.revokeExpiredGrants || consume === undefined) {
        if (options.revokeExpiredGrants && !warnedOfOldStore) {
          warnedOfOldStore = true;
          logger.warn({}, "The OAuth state store has no consumeExpiredGrants: expired grants are deleted without revoking their tokens at the provider");
        }
        await states.deleteExpired(now);
        return;
      }
      if (busy) return;
      busy = true;
      let taken: ExpiredOAuthGrant[];
      try {
        taken = await consume(now, EXPIRED_GRANTS_PER_SWEEP);
      } catch (error) {
        busy = false;
        throw error;
      }
      if (taken.length > 0) {
        revoking = Promise.all(taken.map((grant) => revokeOne(grant, request))).then(() => {
          busy = false;
          revoking = null;
        });
      } else {
        busy = false;
      }
      // A full batch may have left expired grants, which deleteExpired would delete without revoking them.
      if (taken.length < EXPIRED_GRANTS_PER_SWEEP) await states.deleteExpired(now);
    },
    settled: () => revoking ?? Promise.resolve(),
  };
}

import { createHash } from "node:crypto";
import {
  AlreadyExistsError,
  type ExpiredOAuthGrant,
  type OAuthCompletion,
  type OAuthStateStore,
  validateConsumeExpiredGrants,
  validateOAuthGrantRecord,
  validateOAuthLookup,
  validateOAuthStateRecord,
} from "@neonhub/core";
import type { OAuthGrant, OAuthState, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { isUniqueViolation } from "../errors/to-store-error.js";
import { type CredentialKeyring, createCredentialCipher } from "./credential-cipher.js";
import { type PendingReencryption, type PendingRows, resealPendingRows } from "./reseal-pending-rows.js";

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
const VERIFIER_FIELD = "codeVerifier";
const completionOf = (stored: string): OAuthCompletion => (stored === "confirm" ? "confirm" : "callback");

/** Runs an insert whose one unique value is the hash of `field`: a row already kept with it refuses the record. */
async function insertOnce(record: string, field: string, insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    // The primary key decides, also between two hosts creating at once: never check-then-insert.
    if (isUniqueViolation(error)) throw new AlreadyExistsError(record, [field], { cause: error });
    throw error;
  }
}

/** The result of {@link PrismaOAuthStateStore.reencrypt}. */
export interface OAuthReencryptionResult {
  /** Pending authorizations (their PKCE verifiers). */
  states: PendingReencryption;
  /** Grants of confirm completion (their tokens). */
  grants: PendingReencryption;
}

/** Pending authorizations and grants still sealed with another key than the current one. */
export interface OAuthStaleCounts {
  states: number;
  grants: number;
}

/** An {@link OAuthStateStore} on PostgreSQL, with the key rotation that operators need. */
export interface PrismaOAuthStateStore extends OAuthStateStore {
  /**
   * Removes and returns expired grants, as the port describes; one `DELETE ... RETURNING` of rows locked with
   * `SKIP LOCKED`, so that hosts sweeping at once take different rows.
   */
  consumeExpiredGrants(now: Date, limit: number): Promise<ExpiredOAuthGrant[]>;
  /** Id of the key new states and grants are sealed with. */
  readonly currentKeyId: string;
  /** States and grants not sealed with the current key yet, expired or not. */
  countStale(): Promise<OAuthStaleCounts>;
  /**
   * Re-seals every state and grant sealed with another key than the current one, batch by batch, each row with a
   * compare-and-swap on its sealed value so that it can run while hosts keep serving: a state or grant used meanwhile
   * stays used. Rows expired before `now` are deleted instead, as `deleteExpired` would. A row no configured key opens
   * (its key is not configured, or does not authenticate it) is left as it was and counted in `unreadable`, with the
   * key ids it names in `unreadableKeyIds`; the rotation goes on past it. A database error rejects the call.
   * @param now the time expiry is judged at; the host's clock by default.
   * @example
   * const states = database.createOAuthStateStore({ encryptionKey: newKey, previousKeys: [oldKey] });
   * await states.reencrypt();
   * if (Object.values(await states.countStale()).some((count) => count > 0)) throw new Error("keep the old key");
   */
  reencrypt(now?: Date): Promise<OAuthReencryptionResult>;
}

/**
 * An {@link OAuthStateStore} on `OAuthState` and `OAuthGrant` rows: only the hashes of a state and of a grant are
 * kept, the PKCE verifier and a grant's tokens are sealed like connection credentials, and `consume` and
 * `consumeGrant` are each one `DELETE ... RETURNING`, so a state or a grant is used once even when two hosts receive it.
 */
export function createPrismaOAuthStateStore(prisma: PrismaClient, keys: string | CredentialKeyring): PrismaOAuthStateStore {
  const cipher = createCredentialCipher(keys);
  // The key id is recorded only as the prefix of each sealed value.
  const onOtherKey = (prefix: string) => ({ not: { startsWith: prefix } });
  const states: PendingRows<OAuthState> = {
    page: (after, prefix, take) =>
      prisma.oAuthState.findMany({ where: { stateHash: { gt: after }, codeVerifier: onOtherKey(prefix) }, orderBy: { stateHash: "asc" }, take }),
    keyOf: (row) => row.stateHash,
    sealedOf: (row) => row.codeVerifier,
    swap: async (row, sealed) =>
      (await prisma.oAuthState.updateMany({ where: { stateHash: row.stateHash, codeVerifier: row.codeVerifier }, data: { codeVerifier: sealed } })).count,
    remove: async (row) => (await prisma.oAuthState.deleteMany({ where: { stateHash: row.stateHash, codeVerifier: row.codeVerifier } })).count,
  };
  const grants: PendingRows<OAuthGrant> = {
    page: (after, prefix, take) =>
      prisma.oAuthGrant.findMany({ where: { grantHash: { gt: after }, tokens: onOtherKey(prefix) }, orderBy: { grantHash: "asc" }, take }),
    keyOf: (row) => row.grantHash,
    sealedOf: (row) => row.tokens,
    swap: async (row, sealed) => (await prisma.oAuthGrant.updateMany({ where: { grantHash: row.grantHash, tokens: row.tokens }, data: { tokens: sealed } })).count,
    remove: async (row) => (await prisma.oAuthGrant.deleteMany({ where: { grantHash: row.grantHash, tokens: row.tokens } })).count,
  };
  const currentPrefix = `${cipher.currentKeyId}:`;
  return {
    specificationVersion: "v1",
    currentKeyId: cipher.currentKeyId,
    create: (record) =>
      guarded("store the authorization state", async () => {
        validateOAuthStateRecord(record);
        await insertOnce("authorization state", "state", () =>
          prisma.oAuthState.create({
            data: {
              stateHash: hashSecret(record.state),
              organizationId: record.organizationId,
              userId: record.userId,
              connector: record.connector,
              codeVerifier: cipher.encrypt({ [VERIFIER_FIELD]: record.codeVerifier }, record.organizationId, record.connector),
              redirectUri: record.redirectUri,
              returnUrl: record.returnUrl,
              completion: record.completion,
              expiresAt: record.expiresAt,
            },
          }),
        );
      }),
    consume: (state) =>
      guarded("use the authorization state", async () => {
        validateOAuthLookup({ state });
        const [row] = await prisma.$queryRaw<OAuthState[]>`DELETE FROM "OAuthState" WHERE "stateHash" = ${hashSecret(state)} RETURNING *`;
        if (row === undefined) return null;
        return {
          state,
          organizationId: row.organizationId,
          userId: row.userId,
          connector: row.connector,
          codeVerifier: cipher.decrypt(row.codeVerifier, row.organizationId, row.connector)[VERIFIER_FIELD] ?? "",
          redirectUri: row.redirectUri,
          returnUrl: row.returnUrl,
          completion: completionOf(row.completion),
          expiresAt: new Date(row.expiresAt),
        };
      }),
    createGrant: (record) =>
      guarded("store the authorization grant", async () => {
        validateOAuthGrantRecord(record);
        await insertOnce("authorization grant", "grant", () =>
          prisma.oAuthGrant.create({
            data: {
              grantHash: hashSecret(record.grant),
              organizationId: record.organizationId,
              userId: record.userId,
              connector: record.connector,
              tokens: cipher.encrypt(record.tokens, record.organizationId, record.connector),
              tokensExpireAt: record.tokensExpireAt,
              expiresAt: record.expiresAt,
            },
          }),
        );
      }),
    consumeGrant: (grant) =>
      guarded("use the authorization grant", async () => {
        validateOAuthLookup({ grant });
        const [row] = await prisma.$queryRaw<OAuthGrant[]>`DELETE FROM "OAuthGrant" WHERE "grantHash" = ${hashSecret(grant)} RETURNING *`;
        if (row === undefined) return null;
        return {
          grant,
          organizationId: row.organizationId,
          userId: row.userId,
          connector: row.connector,
          tokens: cipher.decrypt(row.tokens, row.organizationId, row.connector),
          tokensExpireAt: row.tokensExpireAt === null ? null : new Date(row.tokensExpireAt),
          expiresAt: new Date(row.expiresAt),
        };
      }),
    consumeExpiredGrants: (now, limit) =>
      guarded("take expired authorization grants", async () => {
        validateConsumeExpiredGrants(now, limit);
        // SKIP LOCKED: a host sweeping at the same moment takes other rows instead of waiting for these.
        const rows = await prisma.$queryRaw<OAuthGrant[]>`
          DELETE FROM "OAuthGrant" WHERE "grantHash" IN (
            SELECT "grantHash" FROM "OAuthGrant" WHERE "expiresAt" < ${now} ORDER BY "expiresAt", "grantHash" LIMIT ${limit} FOR UPDATE SKIP LOCKED
          ) RETURNING *`;
        const taken: ExpiredOAuthGrant[] = [];
        for (const row of rows.sort((a, b) => new Date(a.expiresAt).getTime() - new Date(b.expiresAt).getTime())) {
          let tokens: Record<string, string>;
          try {
            tokens = cipher.decrypt(row.tokens, row.organizationId, row.connector);
          } catch {
            // Tokens no configured key opens cannot be revoked by anyone; the row is gone all the same, and failing
            // here would lose the other rows of the batch, already deleted.
            continue;
          }
          taken.push({
            organizationId: row.organizationId,
            userId: row.userId,
            connector: row.connector,
            tokens,
            tokensExpireAt: row.tokensExpireAt === null ? null : new Date(row.tokensExpireAt),
            expiresAt: new Date(row.expiresAt),
          });
        }
        return taken;
      }),
    deleteExpired: (now) =>
      guarded("delete expired authorization states and grants", async () => {
        const states = await prisma.oAuthState.deleteMany({ where: { expiresAt: { lt: now } } });
        const grants = await prisma.oAuthGrant.deleteMany({ where: { expiresAt: { lt: now } } });
        return states.count + grants.count;
      }),
    countStale: () =>
      guarded("count the authorization states and grants to re-encrypt", async () => ({
        states: await prisma.oAuthState.count({ where: { codeVerifier: onOtherKey(currentPrefix) } }),
        grants: await prisma.oAuthGrant.count({ where: { tokens: onOtherKey(currentPrefix) } }),
      })),
    reencrypt: (now = new Date()) =>
      guarded("re-encrypt the authorization states and grants", async () => ({
        states: await resealPendingRows(states, cipher, now),
        grants: await resealPendingRows(grants, cipher, now),
      })),
  };
}

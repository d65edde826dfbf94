import { createHash } from "node:crypto";
import type { OAuthCompletion, OAuthStateStore } from "@neonhub/core";
import type { OAuthGrant, OAuthState, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { type CredentialKeyring, createCredentialCipher } from "./credential-cipher.js";

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest("hex");
const VERIFIER_FIELD = "codeVerifier";
const completionOf = (stored: string): OAuthCompletion => (stored === "confirm" ? "confirm" : "callback");

/**
 * An {@link OAuthStateStore} on `OAuthState` and `OAuthGrant` rows: only the hashes of a state and of a grant are
 * kept, the PKCE verifier and a grant's tokens are sealed like connection credentials, and `consume` and
 * `consumeGrant` are each one `DELETE ... RETURNING`, so a state or a grant is used once even when two hosts receive it.
 */
export function createPrismaOAuthStateStore(prisma: PrismaClient, keys: string | CredentialKeyring): OAuthStateStore {
  const cipher = createCredentialCipher(keys);
  return {
    specificationVersion: "v1",
    create: (record) =>
      guarded("store the authorization state", async () => {
        await prisma.oAuthState.create({
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
        });
      }),
    consume: (state) =>
      guarded("use the authorization state", async () => {
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
        await prisma.oAuthGrant.create({
          data: {
            grantHash: hashSecret(record.grant),
            organizationId: record.organizationId,
            userId: record.userId,
            connector: record.connector,
            tokens: cipher.encrypt(record.tokens, record.organizationId, record.connector),
            tokensExpireAt: record.tokensExpireAt,
            expiresAt: record.expiresAt,
          },
        });
      }),
    consumeGrant: (grant) =>
      guarded("use the authorization grant", async () => {
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
    deleteExpired: (now) =>
      guarded("delete expired authorization states and grants", async () => {
        const states = await prisma.oAuthState.deleteMany({ where: { expiresAt: { lt: now } } });
        const grants = await prisma.oAuthGrant.deleteMany({ where: { expiresAt: { lt: now } } });
        return states.count + grants.count;
      }),
  };
}

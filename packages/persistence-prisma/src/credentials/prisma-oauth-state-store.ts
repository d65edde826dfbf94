import { createHash } from "node:crypto";
import type { OAuthStateStore } from "@neonhub/core";
import type { OAuthState, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { type CredentialKeyring, createCredentialCipher } from "./credential-cipher.js";

const hashState = (state: string) => createHash("sha256").update(state, "utf8").digest("hex");
const VERIFIER_FIELD = "codeVerifier";

/**
 * An {@link OAuthStateStore} on `OAuthState` rows: only the hash of a state is kept, the PKCE verifier is sealed
 * like connection credentials, and `consume` is one `DELETE ... RETURNING`, so a state is used once even when two
 * hosts receive the same callback.
 */
export function createPrismaOAuthStateStore(prisma: PrismaClient, keys: string | CredentialKeyring): OAuthStateStore {
  const cipher = createCredentialCipher(keys);
  return {
    specificationVersion: "v1",
    create: (record) =>
      guarded("store the authorization state", async () => {
        await prisma.oAuthState.create({
          data: {
            stateHash: hashState(record.state),
            organizationId: record.organizationId,
            userId: record.userId,
            connector: record.connector,
            codeVerifier: cipher.encrypt({ [VERIFIER_FIELD]: record.codeVerifier }, record.organizationId, record.connector),
            redirectUri: record.redirectUri,
            returnUrl: record.returnUrl,
            expiresAt: record.expiresAt,
          },
        });
      }),
    consume: (state) =>
      guarded("use the authorization state", async () => {
        const [row] = await prisma.$queryRaw<OAuthState[]>`DELETE FROM "OAuthState" WHERE "stateHash" = ${hashState(state)} RETURNING *`;
        if (row === undefined) return null;
        return {
          state,
          organizationId: row.organizationId,
          userId: row.userId,
          connector: row.connector,
          codeVerifier: cipher.decrypt(row.codeVerifier, row.organizationId, row.connector)[VERIFIER_FIELD] ?? "",
          redirectUri: row.redirectUri,
          returnUrl: row.returnUrl,
          expiresAt: new Date(row.expiresAt),
        };
      }),
    deleteExpired: (now) =>
      guarded("delete expired authorization states", async () => (await prisma.oAuthState.deleteMany({ where: { expiresAt: { lt: now } } })).count),
  };
}

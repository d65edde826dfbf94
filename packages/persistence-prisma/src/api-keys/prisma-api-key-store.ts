import { AlreadyExistsError, type ApiKeyRecord, type ApiKeyStore, type CreateApiKeyInput, validateApiKeyInput, validateApiKeyLookup } from "@neonhub/core";
import type { ApiKey, PrismaClient } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";
import { isUniqueViolation } from "../errors/to-store-error.js";

const toRecord = (row: ApiKey): ApiKeyRecord => ({
  id: row.id,
  organizationId: row.organizationId,
  userId: row.userId,
  name: row.name,
  prefix: row.prefix,
  scopes: [...row.scopes],
  createdAt: row.createdAt,
  revokedAt: row.revokedAt,
  expiresAt: row.expiresAt,
});

/**
 * The refusal of a key whose insert a unique index refused: the keys stored with its id or hash name the fields, as
 * each driver adapter describes the violated index in its own way. Keys are never deleted, so one of them is there.
 */
async function alreadyStored(prisma: PrismaClient, input: CreateApiKeyInput, cause: unknown): Promise<AlreadyExistsError> {
  const rows = await prisma.apiKey.findMany({ where: { OR: [{ id: input.id }, { keyHash: input.keyHash }] }, select: { id: true, keyHash: true } });
  const fields = [...(rows.some((row) => row.id === input.id) ? ["id"] : []), ...(rows.some((row) => row.keyHash === input.keyHash) ? ["keyHash"] : [])];
  return new AlreadyExistsError("API key", fields, { cause });
}

/** An {@link ApiKeyStore} on `ApiKey` rows; only the hash of a key is stored. */
export function createPrismaApiKeyStore(prisma: PrismaClient): ApiKeyStore {
  return {
    specificationVersion: "v1",
    create: (input) =>
      guarded("store the API key", async () => {
        validateApiKeyInput(input);
        try {
          return toRecord(
            await prisma.apiKey.create({
              data: { id: input.id, organizationId: input.organizationId, userId: input.userId, name: input.name, prefix: input.prefix, scopes: input.scopes, keyHash: input.keyHash, expiresAt: input.expiresAt ?? null },
            }),
          );
        } catch (error) {
          // The unique indexes decide, also between two hosts creating at once: never check-then-insert.
          if (!isUniqueViolation(error)) throw error;
          throw await alreadyStored(prisma, input, error);
        }
      }),
    findByHash: (keyHash) =>
      guarded("look up the API key", async () => {
        validateApiKeyLookup({ keyHash });
        const row = await prisma.apiKey.findUnique({ where: { keyHash } });
        return row ? toRecord(row) : null;
      }),
    revoke: (organizationId, id) =>
      guarded("revoke the API key", async () => {
        validateApiKeyLookup({ organizationId, id });
        const { count } = await prisma.apiKey.updateMany({ where: { id, organizationId, revokedAt: null }, data: { revokedAt: new Date() } });
        if (count > 0) return true;
        // Already revoked keys count as revoked; unknown keys (or keys of another organization) do not.
        return (await prisma.apiKey.count({ where: { id, organizationId } })) > 0;
      }),
    list: (organizationId) =>
      guarded("list API keys", async () => {
        validateApiKeyLookup({ organizationId });
        const rows = await prisma.apiKey.findMany({ where: { organizationId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
        return rows.map(toRecord);
      }),
  };
}

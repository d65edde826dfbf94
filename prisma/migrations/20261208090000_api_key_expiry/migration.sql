-- An API key may expire: from this instant it is refused like a revoked key. NULL never expires, which keeps every
-- existing key as it was.
-- A nullable column without a default changes the catalog only: no table rewrite, a brief ACCESS EXCLUSIVE lock.
-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "expiresAt" TIMESTAMPTZ(3);

-- An authorization may be finished by confirming it with the starter's API key: its state records how, and the
-- tokens of the callback wait as a grant until they are confirmed. Existing states keep finishing at the callback.
-- A column with a constant default changes the catalog only: no table rewrite, a brief ACCESS EXCLUSIVE lock.
-- AlterTable
ALTER TABLE "OAuthState" ADD COLUMN "completion" TEXT NOT NULL DEFAULT 'callback';

-- CreateTable
CREATE TABLE "OAuthGrant" (
    "grantHash" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "connector" TEXT NOT NULL,
    "tokens" TEXT NOT NULL,
    "tokensExpireAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthGrant_pkey" PRIMARY KEY ("grantHash")
);

-- CreateIndex
CREATE INDEX "OAuthGrant_expiresAt_idx" ON "OAuthGrant"("expiresAt");

-- Connection statuses: NEEDS_REAUTH becomes EXPIRED (same meaning: a person must connect again).
ALTER TYPE "ConnectionStatus" RENAME VALUE 'NEEDS_REAUTH' TO 'EXPIRED';
ALTER TYPE "ConnectionStatus" ADD VALUE 'REVOKED';
ALTER TYPE "ConnectionStatus" ADD VALUE 'ERROR';

-- AlterTable
ALTER TABLE "ConnectorAuth" ADD COLUMN     "encryptionKeyId" TEXT,
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "lastUsedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "OAuthState" (
    "stateHash" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "connector" TEXT NOT NULL,
    "codeVerifier" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "returnUrl" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OAuthState_pkey" PRIMARY KEY ("stateHash")
);

-- CreateIndex
CREATE INDEX "ConnectorAuth_encryptionKeyId_idx" ON "ConnectorAuth"("encryptionKeyId");

-- CreateIndex
CREATE INDEX "OAuthState_expiresAt_idx" ON "OAuthState"("expiresAt");

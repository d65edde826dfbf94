-- Exclusive credential updates (token refreshes) claim the connection with an id and an expiry, in one short
-- statement, instead of holding a row lock in a transaction for the whole HTTP call to the token endpoint.
-- AlterTable
ALTER TABLE "ConnectorAuth" ADD COLUMN     "refreshClaimId" TEXT,
ADD COLUMN     "refreshClaimedUntil" TIMESTAMPTZ(3);

-- A run that waits (a durable sleep or a signal) can last longer than 2^31 - 1 ms, about 24.8 days, which a 32-bit
-- integer cannot hold: its finish failed. The change of type rewrites the table under an ACCESS EXCLUSIVE lock.
-- AlterTable
ALTER TABLE "AgentRun" ALTER COLUMN "durationMs" SET DATA TYPE BIGINT;

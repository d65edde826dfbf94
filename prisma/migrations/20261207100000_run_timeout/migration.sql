-- The timeoutMs of the request that created a run bounds every execution of the run (its start, each resume after a
-- durable wait, a takeover), so it is kept with the run. NULL keeps the timeout policy of the agent.
-- A nullable column without a default changes the catalog only: no table rewrite, a brief ACCESS EXCLUSIVE lock.
-- AlterTable
ALTER TABLE "AgentRun" ADD COLUMN "timeoutMs" INTEGER;

-- How many times a run was taken over after its lease lapsed with an owner: past the orchestrator's
-- durability.maxTakeovers the run fails with TAKEOVER_LIMIT instead of bringing down one executor after another.
-- A constant default: PostgreSQL 11 and later add the column without rewriting the table.
ALTER TABLE "AgentRun" ADD COLUMN "takeovers" INTEGER NOT NULL DEFAULT 0;

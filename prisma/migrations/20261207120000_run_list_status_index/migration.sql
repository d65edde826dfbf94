-- Runs listed by status (the inspector's failed or waiting runs) read one index range of the organization, newest first.
-- IF NOT EXISTS: on a large table the index may be built beforehand with CREATE INDEX CONCURRENTLY (docs/database.md).
-- CreateIndex
CREATE INDEX IF NOT EXISTS "AgentRun_organizationId_status_createdAt_id_idx" ON "AgentRun"("organizationId", "status", "createdAt" DESC, "id" DESC);

-- Runs listed by user (the inspector's user filter) read one index range, newest first.
-- CreateIndex
CREATE INDEX "AgentRun_organizationId_userId_createdAt_idx" ON "AgentRun"("organizationId", "userId", "createdAt" DESC);

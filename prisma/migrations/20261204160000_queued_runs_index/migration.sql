-- Queued runs across organizations, oldest first: what the queue reconciler and the health check read.
CREATE INDEX "AgentRun_status_createdAt_idx" ON "AgentRun"("status", "createdAt");

-- Cron schedules: schedulers list due ones by (enabled, nextRunAt) and claim each tick by compare-and-set on nextRunAt;
-- the API lists an organization's schedules newest first.
-- CreateTable
CREATE TABLE "Schedule" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "agentName" TEXT NOT NULL,
    "cron" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "input" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "catchUp" TEXT NOT NULL DEFAULT 'latest',
    "nextRunAt" TIMESTAMPTZ(3) NOT NULL,
    "lastTickAt" TIMESTAMPTZ(3),
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Schedule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Schedule_enabled_nextRunAt_idx" ON "Schedule"("enabled", "nextRunAt");

-- CreateIndex
CREATE INDEX "Schedule_organizationId_createdAt_id_idx" ON "Schedule"("organizationId", "createdAt" DESC, "id" DESC);

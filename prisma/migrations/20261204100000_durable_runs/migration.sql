-- Durable runs: the WAITING status, leases with a fencing token, the step journal and signals.

-- AlterEnum
ALTER TYPE "RunStatus" ADD VALUE 'WAITING' BEFORE 'COMPLETED';

-- CreateEnum
CREATE TYPE "StepKind" AS ENUM ('TOOL', 'STEP', 'SLEEP', 'SIGNAL', 'CHILD');

-- CreateEnum
CREATE TYPE "StepStatus" AS ENUM ('STARTED', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "AgentRun" ADD COLUMN     "fence" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "leaseExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "leaseOwner" TEXT,
ADD COLUMN     "wakeAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "ToolExecution" ADD COLUMN     "stepKey" TEXT;

-- CreateTable
CREATE TABLE "RunStep" (
    "runId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "kind" "StepKind" NOT NULL,
    "status" "StepStatus" NOT NULL,
    "output" JSONB,
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "completedAt" TIMESTAMPTZ(3),
    "wakeAt" TIMESTAMPTZ(3),

    CONSTRAINT "RunStep_pkey" PRIMARY KEY ("runId","position")
);

-- CreateTable
CREATE TABLE "RunSignal" (
    "runId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "sentBy" TEXT,
    "sentAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RunSignal_pkey" PRIMARY KEY ("runId","name")
);

-- CreateIndex
CREATE INDEX "AgentRun_status_leaseExpiresAt_idx" ON "AgentRun"("status", "leaseExpiresAt");

-- CreateIndex
CREATE INDEX "AgentRun_status_wakeAt_idx" ON "AgentRun"("status", "wakeAt");

-- AddForeignKey
ALTER TABLE "RunStep" ADD CONSTRAINT "RunStep_runId_fkey" FOREIGN KEY ("runId") REFERENCES "AgentRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunSignal" ADD CONSTRAINT "RunSignal_runId_fkey" FOREIGN KEY ("runId") REFERENCES "AgentRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

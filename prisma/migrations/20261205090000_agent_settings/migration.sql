-- Agent settings: one small JSON object per organization and agent, read at the start of the agent's runs and
-- written by people or a tuning agent (learning.tune), with compare-and-set on version. Read and written by the key.
-- CreateTable
CREATE TABLE "AgentSetting" (
    "organizationId" TEXT NOT NULL,
    "agentName" TEXT NOT NULL,
    "values" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedBy" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AgentSetting_pkey" PRIMARY KEY ("organizationId","agentName")
);

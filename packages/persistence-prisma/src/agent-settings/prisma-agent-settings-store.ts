import { refuseUnreadableTexts, validatePutAgentSettings, type AgentSettings, type AgentSettingsStore } from "@neonhub/core";
import type { Prisma, PrismaClient, AgentSetting as AgentSettingRow } from "../generated/prisma/client.js";
import { guarded } from "../errors/guarded.js";

const toAgentSettings = (row: AgentSettingRow): AgentSettings => ({
  organizationId: row.organizationId,
  agentName: row.agentName,
  values: row.values as Record<string, unknown>,
  version: row.version,
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt,
});

/**
 * An {@link AgentSettingsStore} on `AgentSetting` rows, keyed by (organizationId, agentName). A write is one
 * statement: an upsert raising the version, or for a compare-and-set an insert that skips an existing row (version 0)
 * or an update `WHERE version = expectedVersion`, so that of writers racing from one version exactly one changes it.
 */
export function createPrismaAgentSettingsStore(prisma: PrismaClient): AgentSettingsStore {
  return {
    specificationVersion: "v1",

    getAgentSettings: (organizationId, agentName) =>
      guarded("read the agent settings", async () => {
        refuseUnreadableTexts("agent settings", { organizationId, agentName });
        const row = await prisma.agentSetting.findUnique({ where: { organizationId_agentName: { organizationId, agentName } } });
        return row ? toAgentSettings(row) : null;
      }),

    putAgentSettings: async (input) => {
      validatePutAgentSettings(input);
      const { organizationId, agentName, updatedBy, updatedAt, expectedVersion } = input;
      const values = input.values as Prisma.InputJsonObject;
      return guarded("write the agent settings", async () => {
        if (expectedVersion === 0) {
          const [row] = await prisma.agentSetting.createManyAndReturn({ data: [{ organizationId, agentName, values, version: 1, updatedBy, updatedAt }], skipDuplicates: true });
          return row ? toAgentSettings(row) : null;
        }
        if (expectedVersion !== undefined) {
          const [row] = await prisma.agentSetting.updateManyAndReturn({
            where: { organizationId, agentName, version: expectedVersion },
            data: { values, version: { increment: 1 }, updatedBy, updatedAt },
          });
          return row ? toAgentSettings(row) : null;
        }
        const [row] = await prisma.$queryRaw<AgentSettingRow[]>`
          INSERT INTO "AgentSetting" ("organizationId", "agentName", "values", "version", "updatedBy", "updatedAt")
          VALUES (${organizationId}, ${agentName}, ${JSON.stringify(values)}::jsonb, 1, ${updatedBy}, ${updatedAt}::timestamptz)
          ON CONFLICT ("organizationId", "agentName") DO UPDATE
            SET "values" = EXCLUDED."values", "version" = "AgentSetting"."version" + 1, "updatedBy" = EXCLUDED."updatedBy", "updatedAt" = EXCLUDED."updatedAt"
          RETURNING *`;
        if (!row) throw new Error("The settings upsert returned no row.");
        return toAgentSettings({ ...row, updatedAt: new Date(row.updatedAt) });
      });
    },

    checkHealth: () =>
      guarded("reach the database", async () => {
        await prisma.$queryRaw`SELECT 1 FROM "AgentSetting" LIMIT 1`;
      }),
  };
}

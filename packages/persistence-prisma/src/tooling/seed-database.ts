import type { PrismaClient } from "../generated/prisma/client.js";
import { SEED_AGENTS, SEED_CONNECTORS } from "./seed-data.js";

/** Inserts or refreshes the example agents and the connector catalog; running it again changes nothing else. */
export async function seedDatabase(prisma: PrismaClient): Promise<{ agents: number; connectors: number }> {
  await prisma.$transaction([
    ...SEED_AGENTS.map((agent) => prisma.agent.upsert({ where: { name: agent.name }, create: { ...agent }, update: { kind: agent.kind, version: agent.version, description: agent.description } })),
    ...SEED_CONNECTORS.map((connector) => prisma.connector.upsert({ where: { kind: connector.kind }, create: { ...connector }, update: { ...connector } })),
  ]);
  return { agents: SEED_AGENTS.length, connectors: SEED_CONNECTORS.length };
}

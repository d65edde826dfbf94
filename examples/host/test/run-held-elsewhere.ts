import { randomUUID } from "node:crypto";
import { DEVELOPMENT_CALLER } from "../src/auth/provision-development-key.js";
import type { RunningHost } from "../src/runtime/start-host.js";

/**
 * Stores a run of the development organization's `seo-analyst` as another host left it: `RUNNING` under `owner`'s
 * lease, which ends at `leaseEndsAt` (in the past: that host died). Returns its id.
 */
export async function createRunHeldElsewhere(host: RunningHost, owner: string, leaseEndsAt: number): Promise<string> {
  const id = randomUUID();
  const version = host.orchestrator.listAgents().find((agent) => agent.name === "seo-analyst")?.version as string;
  await host.orchestrator.store.createRun({
    id,
    agentName: "seo-analyst",
    agentVersion: version,
    ...DEVELOPMENT_CALLER,
    intent: null,
    input: { siteUrl: "sc-domain:example.com", startDate: "2026-01-01", endDate: "2026-01-31" },
    idempotencyKey: null,
    requestHash: null,
    status: "RUNNING",
    createdAt: new Date(),
    startedAt: new Date(),
    traceId: null,
    parentRunId: null,
    lease: { owner, expiresAt: new Date(leaseEndsAt) },
  });
  return id;
}

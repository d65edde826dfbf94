import { encodeCursor } from "@neonhub/core";
import pg from "pg";
import { createPrismaAgentSettingsStore } from "../agent-settings/prisma-agent-settings-store.js";
import { createPrismaApiKeyStore } from "../api-keys/prisma-api-key-store.js";
import { createPrismaCredentialStore } from "../credentials/prisma-credential-store.js";
import { createPrismaOAuthStateStore } from "../credentials/prisma-oauth-state-store.js";
import { poolStatements } from "../database/prepared-statements.js";
import { openNeonhubDatabase } from "../database/open-neonhub-database.js";
import { createRunStoreOnPrisma } from "../run-store/prisma-run-store.js";
import { createPrismaScheduleStore } from "../schedules/prisma-schedule-store.js";
import { createCapturingClient, type CapturingClient } from "./captured-statements.js";
import { explainStatement, type PlanFigures } from "./explain-statement.js";
import { PRODUCTION_SIZE, seedProductionSize } from "./production-size-data.js";
import { createScratchDatabase } from "./scratch-database.js";

/** Options of {@link measureProductionSizePlans}. */
export interface PlanOptions {
  /** Receives a line per statement explained. */
  log?: (line: string) => void;
  /** Keeps the loaded database instead of dropping it, to measure again after a change. */
  keep?: boolean;
  /** A database loaded (and kept) by an earlier call: its pending migrations are applied, nothing is loaded, nothing dropped. */
  loadedUrl?: string;
}

/** A key for the credential stores; the loaded connections hold placeholders it cannot open. */
const KEY = Buffer.alloc(32, 7).toString("hex");

/**
 * Loads {@link PRODUCTION_SIZE} into a scratch database on `serverUrl`, calls each store the way the host and its
 * background passes do, and explains every statement each call sent. The database is dropped afterwards, unless kept.
 */
export async function measureProductionSizePlans(serverUrl: string, options: PlanOptions = {}): Promise<PlanFigures[]> {
  const log = options.log ?? (() => undefined);
  const scratch = options.loadedUrl === undefined ? await createScratchDatabase(serverUrl, "neonhub_plans") : { url: options.loadedUrl, drop: async () => undefined };
  const client = new pg.Client({ connectionString: scratch.url });
  let capturing: CapturingClient | undefined;
  try {
    await (await openNeonhubDatabase({ url: scratch.url, applyMigrations: true })).close();
    await client.connect();
    if (options.loadedUrl === undefined) {
      log(`loading ${PRODUCTION_SIZE.runs} runs into ${scratch.url}`);
      await seedProductionSize(client);
    }
    capturing = createCapturingClient(scratch.url);
    const { prisma, pool } = capturing;
    const runs = createRunStoreOnPrisma(prisma, poolStatements(pool, { named: false }), async () => undefined);
    const schedules = createPrismaScheduleStore(prisma);
    const credentials = createPrismaCredentialStore(prisma, KEY);
    const oauthStates = createPrismaOAuthStateStore(prisma, KEY);
    const apiKeys = createPrismaApiKeyStore(prisma);
    const settings = createPrismaAgentSettingsStore(prisma);

    const now = new Date();
    const deep = await client.query<{ id: string; createdAt: Date }>(`SELECT "id", "createdAt" FROM "AgentRun" WHERE "organizationId" = 'org-0' ORDER BY "createdAt" DESC, "id" DESC OFFSET 20000 LIMIT 1`);
    const cursor = encodeCursor(deep.rows[0]!);
    const queued = await client.query<{ id: string; createdAt: Date }>(`SELECT "id", "createdAt" FROM "AgentRun" WHERE "status" = 'QUEUED' ORDER BY "createdAt", "id" OFFSET 10 LIMIT 1`);
    const page = { organizationId: "org-0", limit: 20 };
    const small = { organizationId: "org-150", limit: 20 };
    const hour = 3_600_000;
    const calls: Array<[string, () => Promise<unknown>]> = [
      ["listRuns, newest first", () => runs.listRuns(page)],
      ["listRuns, cursor 20,000 runs deep", () => runs.listRuns({ ...page, cursor })],
      ["listRuns, status FAILED", () => runs.listRuns({ ...page, status: "FAILED" })],
      ["listRuns, status WAITING", () => runs.listRuns({ ...page, status: "WAITING" })],
      ["listRuns, status QUEUED", () => runs.listRuns({ ...page, status: "QUEUED" })],
      ["listRuns, status FAILED, cursor deep", () => runs.listRuns({ ...page, status: "FAILED", cursor })],
      ["listRuns, small organization", () => runs.listRuns(small)],
      ["listRuns, medium organization, status FAILED", () => runs.listRuns({ organizationId: "org-40", limit: 20, status: "FAILED" })],
      ["listRuns, medium organization, status CANCELLED", () => runs.listRuns({ organizationId: "org-40", limit: 20, status: "CANCELLED" })],
      ["listRuns, small organization, status FAILED", () => runs.listRuns({ ...small, status: "FAILED" })],
      ["listRuns, small organization, status QUEUED", () => runs.listRuns({ ...small, status: "QUEUED" })],
      ["listRuns, agent", () => runs.listRuns({ ...page, agentName: "support.triage" })],
      ["listRuns, agent and status FAILED", () => runs.listRuns({ ...page, agentName: "support.triage", status: "FAILED" })],
      ["listRuns, agent, cursor deep", () => runs.listRuns({ ...page, agentName: "support.triage", cursor })],
      ["listRuns, user", () => runs.listRuns({ ...page, userId: "user-0-3" })],
      ["listRuns, user, cursor deep", () => runs.listRuns({ ...page, userId: "user-0-3", cursor })],
      ["listRuns, intent", () => runs.listRuns({ ...page, intentContains: "refund" })],
      ["listRuns, rare intent", () => runs.listRuns({ ...page, intentContains: "#4999" })],
      ["listRuns, intent matching nothing", () => runs.listRuns({ ...page, intentContains: "invoice" })],
      ["listRuns, intent of another organization", () => runs.listRuns({ ...page, intentContains: "#499999" })],
      ["listRuns, two-letter intent", () => runs.listRuns({ ...page, intentContains: "ef" })],
      ["listRuns, parentRunId", () => runs.listRuns({ ...page, parentRunId: "run-14" })],
      ["listRuns, last day", () => runs.listRuns({ ...page, createdAfter: new Date(now.getTime() - 24 * hour) })],
      ["getRun", () => runs.getRun("org-0", deep.rows[0]!.id)],
      ["findRunByIdempotencyKey", () => runs.findRunByIdempotencyKey("org-0", "key-20")],
      ["listToolExecutions", () => runs.listToolExecutions("org-0", "run-20")],
      ["listRunMetrics", () => runs.listRunMetrics("org-0", "run-20")],
      ["listSteps", () => runs.listSteps("org-0", "run-20")],
      ["getSignal", () => runs.getSignal("org-0", "run-20", "approval")],
      ["claimRuns (every agent)", () => runs.claimRuns({ owner: "executor-plans", now, leaseExpiresAt: new Date(now.getTime() + 30_000), agentNames: ["echo", "support.triage", "content.writer", "learning.tune", "social.post", "ads.report", "shop.orders", "mail.digest", "lead.score", "seo.audit", "chat.reply", "billing.notify"], limit: 100 })],
      ["renewLeases (100 runs)", async () => {
        const held = await client.query<{ id: string; fence: number }>(`SELECT "id", "fence" FROM "AgentRun" WHERE "leaseOwner" = 'executor-1' LIMIT 100`);
        return runs.renewLeases({ owner: "executor-1", expiresAt: new Date(now.getTime() + 30_000), runs: held.rows.map((row) => ({ runId: row.id, fence: row.fence })) });
      }],
      ["listQueuedRuns (health check)", () => runs.listQueuedRuns({ createdBefore: new Date(now.getTime() - 5 * 60_000), limit: 100 })],
      ["listQueuedRuns, after (reconciler)", () => runs.listQueuedRuns({ createdBefore: now, limit: 100, after: { createdAt: queued.rows[0]!.createdAt, runId: queued.rows[0]!.id } })],
      ["deleteEndedRuns (500, 30 days)", () => runs.deleteEndedRuns({ createdBefore: new Date(now.getTime() - 29 * 24 * hour), limit: 500 })],
      ["summarizeRuns (60 minutes)", () => runs.summarizeRuns({ organizationId: "org-0", since: new Date(now.getTime() - hour), until: now })],
      ["summarizeAgentPeriod (7 days)", () => runs.summarizeAgentPeriod({ organizationId: "org-0", agentName: "learning.tune", since: new Date(now.getTime() - 168 * hour), until: now })],
      ["listDueSchedules", () => schedules.listDueSchedules({ now, limit: 100 })],
      ["claimTick", () => schedules.claimTick({ scheduleId: "schedule-10", organizationId: "org-10", dueAt: now, nextRunAt: new Date(now.getTime() + 900_000), lastTickAt: now, updatedAt: now })],
      ["listSchedules", () => schedules.listSchedules({ organizationId: "org-1", limit: 20 })],
      ["listSchedules, cursor", () => schedules.listSchedules({ organizationId: "org-1", limit: 5, cursor: encodeCursor({ createdAt: new Date(now.getTime() - 1_000 * 60_000), id: "schedule-1000" }) })],
      ["connection get", () => credentials.get("org-1", "SLACK")],
      ["connection list", () => credentials.list("org-1")],
      ["connection claim (token refresh)", () => credentials.updateExclusively("org-1", "EMAIL", async () => null)],
      ["connection recordUse", () => credentials.recordUse("org-1", "EMAIL", { at: now, error: null })],
      ["connection countByStatus (metrics)", () => credentials.countByStatus()],
      ["OAuth state consume", () => oauthStates.consume("state-1")],
      ["OAuth grant consume", () => oauthStates.consumeGrant("grant-1")],
      ["OAuth deleteExpired", () => oauthStates.deleteExpired(now)],
      ["API key findByHash", () => apiKeys.findByHash("0123")],
      ["API key list", () => apiKeys.list("org-1")],
      ["agent settings get", () => settings.getAgentSettings("org-1", "echo")],
    ];
    const figures: PlanFigures[] = [];
    for (const [name, call] of calls) {
      // A call may fail after its statements were sent (sealed values are placeholders here); its plans still count.
      await call().catch(() => undefined);
      const statements = capturing.takeSent();
      for (const [index, statement] of statements.entries()) {
        const figure = await explainStatement(client, statements.length > 1 ? `${name} #${index + 1}` : name, statement);
        figures.push(figure);
        log(`${figure.query}: ${figure.scans} — ${figure.rowsRead} read, ${figure.rowsReturned} returned, ${figure.milliseconds.toFixed(2)} ms`);
      }
    }
    return figures;
  } finally {
    await capturing?.close();
    await client.end().catch(() => undefined);
    if (options.keep !== true) await scratch.drop();
  }
}

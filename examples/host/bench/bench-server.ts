// A server for the benchmark, in its own process so that the load generator does not share its event loop.
// Usage: tsx bench/bench-server.ts hello|runs-constant|runs-memory|runs-postgres|runs-postgres-events [databaseUrl]
// runs-postgres-events is runs-postgres with live run events (the inspector's streams) wired as start-host.ts does.
import { createMemoryRunStore, createOrchestrator, defineAgent, type AgentRun, type ApiKeyStore, type Orchestrator, type RunStore } from "@neonhub/core";
import { createPrometheusMetrics } from "@neonhub/metrics";
import { openNeonhubDatabase } from "@neonhub/persistence-prisma";
import Fastify from "fastify";
import { z } from "zod";
import { createHostApp } from "../src/app/create-host-app.js";
import { createCachedApiKeyStore, DEFAULT_API_KEY_CACHE_TTL_MS } from "../src/auth/cached-api-key-store.js";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { createMemoryApiKeyStore } from "../src/auth/memory-api-key-store.js";
import { createRunEventHub } from "../src/inspector/run-event-hub.js";
import { withRunEvents } from "../src/inspector/with-run-events.js";

export const BENCH_API_KEY = "nh_benchmark_key_0123456789abcdef";

const noopAgent = defineAgent({
  name: "noop",
  version: "1.0.0",
  description: "Does nothing",
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number() }),
  handle: async (input) => input,
});

/**
 * The host's run route with `orchestrate` answering one fixed finished run: what the host's own work (authentication,
 * validation, hooks, mapping and serializing the run) costs without the orchestrator's.
 */
function withConstantRun(orchestrator: Orchestrator): Orchestrator {
  const at = new Date();
  const run: AgentRun = {
    id: "01900000-0000-7000-8000-000000000000",
    agentName: "noop",
    agentVersion: noopAgent.version,
    organizationId: "org_bench",
    userId: "user_bench",
    intent: null,
    status: "COMPLETED",
    statusReason: "completed",
    input: { n: 1 },
    output: { n: 1 },
    error: null,
    idempotencyKey: null,
    requestHash: null,
    attempts: 1,
    createdAt: at,
    startedAt: at,
    completedAt: at,
    durationMs: 0,
    traceId: null,
    parentRunId: null,
    timeoutMs: null,
    fence: 1,
    takeovers: 0,
    leaseOwner: null,
    leaseExpiresAt: null,
    wakeAt: null,
  };
  return { ...orchestrator, orchestrate: async () => run };
}

async function start(variant: string, databaseUrl: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  if (variant === "hello") {
    const app = Fastify({ logger: false });
    app.post("/hello", async () => ({ hello: "world" }));
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    return { url: `${url}/hello`, close: () => app.close() };
  }
  let store: RunStore = createMemoryRunStore();
  let closeStore = async (): Promise<void> => undefined;
  let apiKeyStore: ApiKeyStore = createMemoryApiKeyStore();
  if (variant === "runs-postgres" || variant === "runs-postgres-events") {
    const database = await openNeonhubDatabase({ url: databaseUrl as string, applyMigrations: true });
    store = database.runStore;
    apiKeyStore = database.apiKeyStore;
    closeStore = () => database.close();
  }
  const runEvents = createRunEventHub();
  if (variant === "runs-postgres-events") store = withRunEvents(store, runEvents);
  const metrics = createPrometheusMetrics();
  // The admission limit is raised so that no request is rejected: the benchmark measures the accepted path.
  const orchestrator = createOrchestrator({ agents: [noopAgent], store, metrics: metrics.sink, policies: { admission: { enabled: true, limit: 1_000_000_000, windowMs: 60_000 } } });
  await issueApiKey(apiKeyStore, { organizationId: "org_bench", userId: "user_bench", name: "bench", key: BENCH_API_KEY });
  const app = await createHostApp({
    orchestrator: variant === "runs-constant" ? withConstantRun(orchestrator) : orchestrator,
    // As the deployed host does (start-host.ts): keys are looked up in their store, then answered from memory.
    apiKeyStore: createCachedApiKeyStore(apiKeyStore, { ttlMs: DEFAULT_API_KEY_CACHE_TTL_MS }),
    connectors: { list: () => [] },
    metrics,
    healthChecks: { database: () => store.checkHealth() },
    version: "bench",
    runEvents,
  });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url: `${url}/v1/runs`,
    close: async () => {
      await app.close();
      await closeStore();
    },
  };
}

const server = await start(process.argv[2] ?? "hello", process.argv[3]);
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));

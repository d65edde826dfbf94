import type { ApiVersionStatus } from "@neonhub/connectors";
import {
  createMemoryRunStore,
  createMemoryScheduleStore,
  createOrchestrator,
  createScheduleManager,
  type AgentDefinition,
  type ApiKeyStore,
  type Clock,
  type Orchestrator,
  type RunPolicyOverrides,
  type RunStore,
  type ScheduleManager,
  type ScheduleStore,
} from "@neonhub/core";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { createHostApp } from "../app/create-host-app.js";
import type { ConnectionService } from "../connections/connection-service.js";
import { createCachedApiKeyStore } from "../auth/cached-api-key-store.js";
import { issueApiKey } from "../auth/issue-api-key.js";
import { createMemoryApiKeyStore } from "../auth/memory-api-key-store.js";
import { createRunEventHub, type RunEventHub, type RunEventHubOptions } from "../inspector/run-event-hub.js";
import { createSessionStore, type SessionStore } from "../inspector/session-store.js";
import { withRunEvents } from "../inspector/with-run-events.js";
import type { ConnectorCatalogEntry } from "../routes/catalog-routes.js";
import { approvalAgent, brokenAgent, echoAgent, scarceAgent, waitingAgent } from "./test-agents.js";

/** A host on in-memory parts, with keys for two organizations and a revoked one. */
export interface TestHost {
  app: FastifyInstance;
  orchestrator: Orchestrator;
  store: RunStore;
  keys: { alpha: string; beta: string; revoked: string };
  /** Headers with the alpha organization's key. */
  alpha: { authorization: string };
  beta: { authorization: string };
  runEvents: RunEventHub;
  sessions: SessionStore;
  /** Where the host's keys are stored (behind the cache when `apiKeyCacheTtlMs` is given): issue test keys here. */
  apiKeyStore: ApiKeyStore;
  scheduleStore: ScheduleStore;
  schedules: ScheduleManager;
}

export const TEST_CONNECTORS: ConnectorCatalogEntry[] = [
  { id: "slack", kind: "SLACK", displayName: "Slack", mode: "mock", implemented: true, actions: [{ name: "postMessage", description: "Posts a message" }], auth: { type: "oauth2", fields: ["accessToken"], optionalFields: ["refreshToken", "clientId", "clientSecret", "baseUrl"], authorize: false, test: true, revoke: true } },
];

/** Builds the app with test agents; `databaseUp` lets a test take the store's health check down. */
export async function createTestHost(
  options: {
    agents?: AgentDefinition[];
    bodyLimitBytes?: number;
    store?: RunStore;
    orchestratorOverrides?: Partial<Orchestrator>;
    /** The orchestrator's default policies (its breakers' scope, for example). */
    policies?: RunPolicyOverrides;
    connectorApiVersions?: () => readonly ApiVersionStatus[];
    connections?: ConnectionService;
    logger?: FastifyBaseLogger;
    sessions?: SessionStore;
    scheduleStore?: ScheduleStore;
    runEventHub?: RunEventHubOptions;
    publicUrl?: string;
    /** The host's clock, for API key expiry and the run summary's window (and for the key cache when it is on). */
    clock?: Pick<Clock, "now">;
    /** The orchestrator's clock (its run deadlines and waits). Default: the system clock. */
    orchestratorClock?: Clock;
    /** Puts the API key cache in front of the memory store, as a started host does. Default: no cache. */
    apiKeyCacheTtlMs?: number;
  } = {},
): Promise<TestHost & { health: { databaseUp: boolean } }> {
  const runEvents = createRunEventHub(options.runEventHub);
  const sessions = options.sessions ?? createSessionStore();
  const store = withRunEvents(options.store ?? createMemoryRunStore(), runEvents);
  const agents = options.agents ?? [echoAgent, brokenAgent, waitingAgent, scarceAgent, approvalAgent];
  const scheduleStore = options.scheduleStore ?? createMemoryScheduleStore();
  const schedules = createScheduleManager({ store: scheduleStore, agents });
  const orchestrator: Orchestrator = {
    ...createOrchestrator({ agents, store, ...(options.policies ? { policies: options.policies } : {}), ...(options.orchestratorClock ? { clock: options.orchestratorClock } : {}) }),
    ...options.orchestratorOverrides,
  };
  const apiKeyStore = createMemoryApiKeyStore();
  const alpha = await issueApiKey(apiKeyStore, { organizationId: "org_alpha", userId: "user_alpha", name: "alpha" });
  const beta = await issueApiKey(apiKeyStore, { organizationId: "org_beta", userId: "user_beta", name: "beta" });
  const revoked = await issueApiKey(apiKeyStore, { organizationId: "org_alpha", userId: "user_gone", name: "gone" });
  await apiKeyStore.revoke("org_alpha", revoked.record.id);
  const health = { databaseUp: true };
  const app = await createHostApp({
    validateResponses: true,
    orchestrator,
    apiKeyStore: options.apiKeyCacheTtlMs === undefined ? apiKeyStore : createCachedApiKeyStore(apiKeyStore, { ttlMs: options.apiKeyCacheTtlMs, clock: options.clock }),
    clock: options.clock,
    connectors: { list: () => TEST_CONNECTORS },
    metrics: { contentType: "text/plain; version=0.0.4; charset=utf-8", render: async () => "# TYPE neonhub_up gauge\nneonhub_up 1\n" },
    healthChecks: {
      database: async () => {
        if (!health.databaseUp) throw new Error("connect ECONNREFUSED postgres://app:secret@db:5432/neonhub");
        await store.checkHealth();
      },
    },
    version: "9.9.9-test",
    ...(options.connectorApiVersions === undefined ? {} : { connectorApiVersions: options.connectorApiVersions }),
    runEvents,
    sessions,
    schedules,
    ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
    ...(options.connections === undefined ? {} : { connections: options.connections }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  });
  return {
    app,
    orchestrator,
    store,
    health,
    runEvents,
    sessions,
    apiKeyStore,
    scheduleStore,
    schedules,
    keys: { alpha: alpha.key, beta: beta.key, revoked: revoked.key },
    alpha: { authorization: `Bearer ${alpha.key}` },
    beta: { authorization: `Bearer ${beta.key}` },
  };
}

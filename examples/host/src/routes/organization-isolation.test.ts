import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, defineAction, defineConnector, slackConnector } from "@neonhub/connectors";
import type { CredentialStore, OAuthStateStore, RunStore, ScheduleStore } from "@neonhub/core";
import { openNeonhubDatabase, type NeonhubDatabase } from "@neonhub/persistence-prisma";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { issueApiKey } from "../auth/issue-api-key.js";
import { createConnectionService } from "../connections/connection-service.js";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

/**
 * One organization (alpha) owns runs, schedules, connections and a pending OAuth authorization; another (beta)
 * calls every route on them over real HTTP. Each answer must be the one for a resource that never existed.
 */

const acme = defineConnector({
  id: "acme",
  kind: "ACME",
  displayName: "Acme",
  baseUrl: "https://api.acme.test",
  auth: { type: "oauth2", tokenUrl: "https://auth.acme.test/token", authorizationUrl: "https://auth.acme.test/authorize", scopes: ["read"] },
  actions: { ping: defineAction({ description: "Ping", repeatSafety: "safe", input: z.object({}), output: z.object({}), run: async () => ({}), fixture: () => ({}) }) },
});

const RETURN_URL = "https://app.example.com/settings/acme";
const SLACK_TOKEN = "xoxb-alpha-0000000000";

interface Stores {
  runStore?: RunStore;
  scheduleStore?: ScheduleStore;
  credentials: CredentialStore;
  states: OAuthStateStore;
  close(): Promise<void>;
}

const memoryStores = async (): Promise<Stores> => ({ credentials: createMemoryCredentialStore(), states: createMemoryOAuthStateStore(), close: async () => undefined });

/** The Prisma stores on an embedded PGlite database of the test's own. */
const prismaStores = async (): Promise<Stores> => {
  const encryptionKey = randomBytes(32).toString("base64");
  const folder = await mkdtemp(join(tmpdir(), "neonhub-isolation-"));
  const database: NeonhubDatabase = await openNeonhubDatabase({ embedded: { dataDir: folder } });
  return {
    runStore: database.runStore,
    scheduleStore: database.scheduleStore,
    credentials: database.createCredentialStore({ encryptionKey }),
    states: database.createOAuthStateStore({ encryptionKey }),
    close: async () => {
      await database.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
};

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** What alpha owns, as beta would have to name it. */
interface Owned {
  completedRunId: string;
  waitingRunId: string;
  idempotencyKey: string;
  runCursor: string;
  scheduleId: string;
  scheduleCursor: string;
  oauthState: string;
}

describe.each([
  { storeName: "the memory stores", open: memoryStores },
  { storeName: "the Prisma stores", open: prismaStores },
])("organization isolation over HTTP on $storeName", ({ open }) => {
  let stores: Stores;
  let host: TestHost;
  let base: string;
  let owned: Owned;
  let betaRunId: string;
  /** A third organization that owns nothing: its answers are those for resources that do not exist. */
  let gamma: { authorization: string };

  const call = async (method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: "manual",
    });
    return { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
  };
  const json = (answer: Answer) => JSON.parse(answer.text) as Record<string, unknown>;

  beforeAll(async () => {
    stores = await open();
    // Live, since mock mode refuses the OAuth code flow; nothing here reaches a provider.
    const connectors = createConnectorClient({ mode: "live", environment: {}, connectors: [slackConnector, acme], credentials: stores.credentials });
    const connections = createConnectionService({
      store: stores.credentials,
      states: stores.states,
      connectors,
      oauthClients: { acme: { clientId: "client-1", clientSecret: "secret-1" } },
      redirectUri: "https://api.example.com/v1/oauth/callback",
      returnUrls: ["https://app.example.com/settings/"],
    });
    host = await createTestHost({ connections, ...(stores.runStore ? { store: stores.runStore } : {}), ...(stores.scheduleStore ? { scheduleStore: stores.scheduleStore } : {}) });
    gamma = { authorization: `Bearer ${(await issueApiKey(host.apiKeyStore, { organizationId: "org_gamma", userId: "user_gamma", name: "gamma" })).key}` };
    await host.app.listen({ host: "127.0.0.1", port: 0 });
    base = `http://127.0.0.1:${(host.app.server.address() as AddressInfo).port}`;

    // Beta's own run is older than everything of alpha's, so alpha's cursors point past it.
    betaRunId = json(await call("POST", "/v1/runs", host.beta, { agent: "echo", input: { text: "beta" } })).id as string;
    const completed = await call("POST", "/v1/runs", host.alpha, { agent: "echo", intent: "alpha launch plan", input: { text: "alpha" }, idempotencyKey: "alpha-launch" });
    await call("POST", "/v1/runs", host.alpha, { agent: "echo", input: { text: "alpha two" } });
    const waiting = await call("POST", "/v1/runs", host.alpha, { agent: "approval", input: { text: "alpha budget" } });
    expect([completed.status, waiting.status]).toEqual([200, 202]);
    const runPage = json(await call("GET", "/v1/runs?limit=1", host.alpha));
    const scheduleBody = { agent: "echo", cron: "0 6 * * *", timeZone: "UTC", input: { text: "alpha daily" } };
    const schedule = json(await call("POST", "/v1/schedules", host.alpha, scheduleBody));
    await call("POST", "/v1/schedules", host.alpha, scheduleBody);
    const schedulePage = json(await call("GET", "/v1/schedules?limit=1", host.alpha));
    expect((await call("PUT", "/v1/connections/slack", host.alpha, { credentials: { accessToken: SLACK_TOKEN } })).status).toBe(200);
    const authorization = json(await call("POST", "/v1/connections/acme/authorize", host.alpha, { returnUrl: RETURN_URL }));
    owned = {
      completedRunId: json(completed).id as string,
      waitingRunId: json(waiting).id as string,
      idempotencyKey: "alpha-launch",
      runCursor: runPage.nextCursor as string,
      scheduleId: schedule.id as string,
      scheduleCursor: schedulePage.nextCursor as string,
      oauthState: new URL(authorization.authorizationUrl as string).searchParams.get("state") as string,
    };
    expect(owned.runCursor).toEqual(expect.any(String));
    expect(owned.scheduleCursor).toEqual(expect.any(String));
  });

  afterAll(async () => {
    await host?.app.close();
    await stores?.close();
  });

  /** An answer with the id in it replaced, to compare an answer about alpha's resource with one about no resource. */
  const normalized = (answer: Answer, id: string) => ({ status: answer.status, contentType: answer.contentType, body: answer.text.replaceAll(id, "<id>") });

  // Each row names alpha's resource by id; beta's answer must equal its answer for an id that names nothing.
  const BY_ID: Array<{ route: string; method: string; path: (owned: Owned) => string; id: (owned: Owned) => string; body?: unknown; code: string }> = [
    { route: "GET /v1/runs/{id} (a finished run)", method: "GET", path: (o) => `/v1/runs/${o.completedRunId}`, id: (o) => o.completedRunId, code: "RUN_NOT_FOUND" },
    { route: "GET /v1/runs/{id} (a waiting run)", method: "GET", path: (o) => `/v1/runs/${o.waitingRunId}`, id: (o) => o.waitingRunId, code: "RUN_NOT_FOUND" },
    { route: "POST /v1/runs/{id}/cancel", method: "POST", path: (o) => `/v1/runs/${o.waitingRunId}/cancel`, id: (o) => o.waitingRunId, code: "RUN_NOT_FOUND" },
    { route: "POST /v1/runs/{id}/signals/{name}", method: "POST", path: (o) => `/v1/runs/${o.waitingRunId}/signals/approval`, id: (o) => o.waitingRunId, body: { payload: { approved: true } }, code: "RUN_NOT_FOUND" },
    // Alpha would get 409 here (the run has ended): beta must not learn that.
    { route: "POST /v1/runs/{id}/signals/{name} (a finished run)", method: "POST", path: (o) => `/v1/runs/${o.completedRunId}/signals/approval`, id: (o) => o.completedRunId, body: { payload: null }, code: "RUN_NOT_FOUND" },
    { route: "GET /v1/schedules/{id}", method: "GET", path: (o) => `/v1/schedules/${o.scheduleId}`, id: (o) => o.scheduleId, code: "SCHEDULE_NOT_FOUND" },
    { route: "PATCH /v1/schedules/{id}", method: "PATCH", path: (o) => `/v1/schedules/${o.scheduleId}`, id: (o) => o.scheduleId, body: { enabled: false, input: { text: "beta" } }, code: "SCHEDULE_NOT_FOUND" },
    { route: "DELETE /v1/schedules/{id}", method: "DELETE", path: (o) => `/v1/schedules/${o.scheduleId}`, id: (o) => o.scheduleId, code: "SCHEDULE_NOT_FOUND" },
  ];

  it.each(BY_ID)("$route: another organization's resource answers as an unknown id ($code)", async (row) => {
    const id = row.id(owned);
    const unknownId = randomUUID();
    const foreign = await call(row.method, row.path(owned), host.beta, row.body);
    const unknown = await call(row.method, row.path(owned).replace(id, unknownId), host.beta, row.body);
    expect(foreign.status).toBe(404);
    expect(json(foreign)).toMatchObject({ status: 404, code: row.code });
    expect(normalized(foreign, id)).toEqual(normalized(unknown, unknownId));
    expect(foreign.text).not.toMatch(/org_alpha|user_alpha/);
  });

  // The connection routes name a connector: beta's answer must equal that of an organization that never connected.
  it.each([
    { route: "DELETE /v1/connections/{connector}", method: "DELETE", path: "/v1/connections/slack" },
    { route: "POST /v1/connections/{connector}/revoke", method: "POST", path: "/v1/connections/slack/revoke" },
    { route: "POST /v1/connections/{connector}/test", method: "POST", path: "/v1/connections/slack/test" },
  ])("$route: another organization's connection answers as no connection", async (row) => {
    const foreign = await call(row.method, row.path, host.beta);
    const none = await call(row.method, row.path, gamma);
    expect(foreign.status).toBe(404);
    expect(json(foreign)).toMatchObject({ code: "CONNECTION_NOT_FOUND" });
    expect(foreign).toEqual(none);
  });

  it("leaves every resource of the organization as it was after the other organization's attempts", async () => {
    const waiting = json(await call("GET", `/v1/runs/${owned.waitingRunId}`, host.alpha));
    expect(waiting).toMatchObject({ status: "WAITING", organizationId: "org_alpha" });
    expect(await host.store.getSignal("org_alpha", owned.waitingRunId, "approval")).toBeNull();
    expect(json(await call("GET", `/v1/schedules/${owned.scheduleId}`, host.alpha))).toMatchObject({ enabled: true, input: { text: "alpha daily" } });
    expect(json(await call("GET", "/v1/connections", host.alpha))).toMatchObject({ connections: [{ connector: "slack", status: "ACTIVE" }] });
    expect(await stores.credentials.get("org_alpha", "slack")).toMatchObject({ credentials: { accessToken: SLACK_TOKEN } });
  });

  it("lists and counts nothing of the other organization, with or without its cursors and filters", async () => {
    const alphaIds = [owned.completedRunId, owned.waitingRunId];
    for (const query of ["", "?limit=100", `?cursor=${owned.runCursor}`, "?user=user_alpha", "?intent=alpha%20launch", "?agent=approval", "?status=WAITING"]) {
      const page = await call("GET", `/v1/runs${query}`, host.beta);
      expect(page.status, query).toBe(200);
      const runs = json(page).runs as Array<{ id: string; organizationId: string }>;
      expect(runs.every((run) => run.organizationId === "org_beta"), query).toBe(true);
      for (const id of alphaIds) expect(page.text, query).not.toContain(id);
    }
    // Alpha's cursor only marks a position in beta's own list: beta's older run, and nothing else.
    expect(json(await call("GET", `/v1/runs?cursor=${owned.runCursor}`, host.beta))).toMatchObject({ runs: [{ id: betaRunId }], nextCursor: null });
    expect(json(await call("GET", "/v1/schedules", host.beta))).toEqual({ schedules: [], nextCursor: null });
    expect(json(await call("GET", `/v1/schedules?cursor=${owned.scheduleCursor}`, host.beta))).toEqual({ schedules: [], nextCursor: null });
    expect(json(await call("GET", "/v1/connections", host.beta))).toEqual({ connections: [] });
    const summary = json(await call("GET", "/v1/runs/summary?windowMinutes=60", host.beta));
    expect(summary.agents).toEqual([expect.objectContaining({ agentName: "echo", total: 1 })]);
    expect((summary.minutes as Array<{ count: number }>).reduce((sum, minute) => sum + minute.count, 0)).toBe(1);
  });

  it("never answers another organization's idempotency key with its run or a conflict", async () => {
    const alphaRun = json(await call("GET", `/v1/runs/${owned.completedRunId}`, host.alpha));
    const sameRequest = await call("POST", "/v1/runs", host.beta, { agent: "echo", intent: "alpha launch plan", input: { text: "alpha" }, idempotencyKey: owned.idempotencyKey });
    const otherAsync = await call("POST", "/v1/runs", gamma, { agent: "echo", input: { text: "different" }, idempotencyKey: owned.idempotencyKey, async: true });
    expect([sameRequest.status, otherAsync.status]).toEqual([200, 202]);
    expect(json(sameRequest)).toMatchObject({ organizationId: "org_beta", userId: "user_beta", status: "COMPLETED" });
    for (const answer of [sameRequest, otherAsync]) {
      expect(answer.text).not.toContain(owned.completedRunId);
      expect(answer.text).not.toMatch(/org_alpha|user_alpha/);
    }
    // The same key with a different body in beta is a conflict with beta's own run only.
    const conflict = await call("POST", "/v1/runs", host.beta, { agent: "echo", input: { text: "changed" }, idempotencyKey: owned.idempotencyKey });
    expect(conflict.status).toBe(409);
    expect(json(conflict)).toMatchObject({ code: "IDEMPOTENCY_CONFLICT", runId: json(sameRequest).id });
    // Alpha's key still replays alpha's run, unchanged.
    const replay = await call("POST", "/v1/runs", host.alpha, { agent: "echo", intent: "alpha launch plan", input: { text: "alpha" }, idempotencyKey: owned.idempotencyKey });
    expect(json(replay)).toMatchObject({ id: alphaRun.id, completedAt: alphaRun.completedAt });
  });

  it("answers a parentRunId naming another organization's run as one naming no run, starting nothing", async () => {
    const before = (await host.store.listRuns({ organizationId: "org_beta", limit: 100 })).runs.length;
    const unknownId = randomUUID();
    const foreign = await call("POST", "/v1/runs", host.beta, { agent: "echo", input: { text: "child" }, parentRunId: owned.waitingRunId });
    const unknown = await call("POST", "/v1/runs", host.beta, { agent: "echo", input: { text: "child" }, parentRunId: unknownId });
    expect(foreign.status).toBe(400);
    expect(normalized(foreign, owned.waitingRunId)).toEqual(normalized(unknown, unknownId));
    expect((await host.store.listRuns({ organizationId: "org_beta", limit: 100 })).runs).toHaveLength(before);
    expect((await host.store.listRuns({ organizationId: "org_alpha", parentRunId: owned.waitingRunId, limit: 1 })).runs).toEqual([]);
  });

  it("streams none of the other organization's run events", async () => {
    const chunks: string[] = [];
    const stream = await new Promise<{ status: number; close(): void }>((resolve, reject) => {
      const request = httpRequest(`${base}/v1/runs/events`, { headers: { ...host.beta, accept: "text/event-stream" } }, (response) => {
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => chunks.push(chunk));
        resolve({ status: response.statusCode ?? 0, close: () => request.destroy() });
      });
      request.on("error", reject);
      request.end();
    });
    try {
      expect(stream.status).toBe(200);
      await vi.waitFor(() => expect(host.runEvents.subscriberCount).toBe(1));
      const alphaRun = json(await call("POST", "/v1/runs", host.alpha, { agent: "echo", input: { text: "alpha live" } }));
      const betaRun = json(await call("POST", "/v1/runs", host.beta, { agent: "echo", input: { text: "beta live" } }));
      // Alpha's run finished before beta's started, so once beta's finish has arrived alpha's had its chance.
      await vi.waitFor(() => expect(chunks.join("")).toMatch(new RegExp(`"id":"${String(betaRun.id)}"[^}]*"status":"COMPLETED"`)), { timeout: 3_000 });
      expect(chunks.join("")).not.toContain(String(alphaRun.id));
      expect(chunks.join("")).not.toMatch(/user_alpha|org_alpha/);
    } finally {
      stream.close();
    }
  });

  it("refuses the other organization's OAuth state with a key of its own, storing nothing and echoing nothing of the owner", async () => {
    const callback = await call("GET", `/v1/oauth/callback?code=code-1&state=${owned.oauthState}`, host.beta);
    expect(callback.status).toBe(403);
    expect(json(callback)).toMatchObject({ code: "OAUTH_STATE_MISMATCH" });
    expect(callback.text).not.toMatch(/org_alpha|user_alpha|app\.example\.com/);
    expect(await stores.credentials.get("org_alpha", "acme")).toBeNull();
    expect(await stores.credentials.get("org_beta", "acme")).toBeNull();
  });

  it("refuses a key without the route's scope before it can tell another organization's resource from none", async () => {
    const connectionsOnly = { authorization: `Bearer ${(await issueApiKey(host.apiKeyStore, { organizationId: "org_beta", userId: "user_beta", name: "narrow", scopes: ["connections:read"] })).key}` };
    const runsOnly = { authorization: `Bearer ${(await issueApiKey(host.apiKeyStore, { organizationId: "org_beta", userId: "user_beta", name: "runs", scopes: ["runs:read"] })).key}` };
    const create = vi.spyOn(stores.states, "create");
    try {
      const foreign = await call("GET", `/v1/runs/${owned.completedRunId}`, connectionsOnly);
      const unknown = await call("GET", `/v1/runs/${randomUUID()}`, connectionsOnly);
      expect(foreign.status).toBe(403);
      expect(foreign).toEqual(unknown);
      expect((await call("GET", "/v1/runs/events", connectionsOnly)).status).toBe(403);
      expect((await call("GET", `/v1/schedules/${owned.scheduleId}`, runsOnly)).status).toBe(403);
      const authorize = await call("POST", "/v1/connections/acme/authorize", runsOnly, { returnUrl: RETURN_URL });
      expect(authorize.status).toBe(403);
      expect(json(authorize)).toMatchObject({ code: "FORBIDDEN", detail: expect.stringContaining("`connections:write`") });
      expect(create).not.toHaveBeenCalled();
    } finally {
      create.mockRestore();
    }
  });
});

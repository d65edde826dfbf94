import { readFileSync } from "node:fs";
import { createMemoryRunStore, createOrchestrator, defineAgent } from "@neonhub/core";
import { createRecordingLogger } from "@neonhub/core/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createMemoryCredentialStore } from "../auth/memory-credential-store.js";
import { type ConnectorClient, createConnectorClient } from "../client/create-connector-client.js";
import { sampleInputs } from "../connectors/__fixtures__/sample-inputs.js";
import { builtInConnectors } from "../connectors/built-in-connectors.js";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { xConnector } from "../connectors/x-connector.js";
import type { ProviderAnswer, ProviderServer, ReceivedRequest } from "../testing/provider-server.js";
import { startProviderServer } from "../testing/provider-server.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

const CANARY = "cnry-7f3a9c2e-41d8-4b6a-9e05-2d7c8b1f6a34";
const ORGANIZATION = "org_canary";
const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(new URL(`../connectors/__fixtures__/${name}`, import.meta.url), "utf8"));
const inputs = sampleInputs(CANARY);
const calls = builtInConnectors.flatMap((connector) => Object.keys(connector.actions).map((action) => ({ connector: connector.id, action })));

/** Documented success answers that echo the request back, as providers do, so the canary reaches outputs. */
function success(connector: string, request: ReceivedRequest): ProviderAnswer {
  const json = (request.json ?? {}) as Record<string, unknown>;
  switch (connector) {
    case "email":
      return { status: 200, json: fixture("resend-send-email.200.json") };
    case "sms":
      return { status: 201, json: { ...fixture("twilio-message.201.json"), body: request.form?.Body, to: request.form?.To } };
    case "slack":
      return { status: 200, json: { ...fixture("slack-post-message.200.json"), message: { text: json.text, ts: "1503435956.000247" } } };
    case "llm": {
      const answer = fixture("openai-chat-completion.200.json");
      const last = (json.messages as Array<{ content: string }>).at(-1)?.content;
      return { status: 200, json: { ...answer, choices: [{ index: 0, message: { role: "assistant", content: `You said: ${last}` }, finish_reason: "stop" }] } };
    }
    case "x":
      return { status: 201, json: { data: { id: "1445880548472328192", text: json.text, edit_history_tweet_ids: ["1445880548472328192"] } } };
    case "linkedin":
      return { status: 201, headers: { "x-restli-id": "urn:li:share:6844785523593134080" }, text: "" };
    case "google-search-console":
      return { status: 200, json: fixture("gsc-search-analytics.200.json") };
    case "google-ads":
      return request.path.endsWith(":mutate") ? { status: 200, json: fixture("google-ads-mutate.200.json") } : { status: 200, json: JSON.parse(readFileSync(new URL("../connectors/__fixtures__/google-ads-search-stream.200.json", import.meta.url), "utf8")) };
    case "stripe": {
      const list = fixture("stripe-balance-transactions.200.json");
      return { status: 200, json: { ...list, data: (list.data as object[]).map((item) => ({ ...item, description: `type ${request.query.type}` })) } };
    }
    case "whatsapp":
      return { status: 200, json: fixture("whatsapp-send-message.200.json") };
    case "reddit": {
      const id = "1h0x9kq";
      return { status: 200, json: { json: { errors: [], data: { id, name: `t3_${id}`, url: `https://www.reddit.com/r/acmedev/comments/${id}/${encodeURIComponent(request.form?.title ?? "")}/` } } } };
    }
    case "instagram":
      return { status: 200, json: fixture(request.path.endsWith("/media_publish") ? "instagram-media-publish.200.json" : "instagram-media-container.200.json") };
    case "facebook":
      return { status: 200, json: fixture("facebook-page-post.200.json") };
    case "youtube":
      return { status: 200, json: { ...fixture("youtube-search.200.json"), nextPageToken: request.query.pageToken } };
    case "tiktok":
      return { status: 200, json: fixture("tiktok-video-init.200.json") };
    case "shopify":
      return { status: 200, json: fixture("shopify-orders.200.json") };
    case "discord":
      return { status: 200, json: { ...fixture("discord-message.200.json"), content: json.content } };
    default:
      return { status: 404, json: { message: "unknown connector" } };
  }
}

/** A rejection that quotes the request's credentials and body back, the worst case for a leak. */
const echoingRejection = (request: ReceivedRequest): ProviderAnswer => ({
  status: 400,
  json: { message: `Rejected ${request.headers.authorization ?? ""} ${request.path} ${request.body}`.slice(0, 280), error: { message: `Rejected ${request.headers.authorization ?? ""}` } },
});

const canaryCredentials = (): Record<string, string> => {
  const fields = ["apiKey", "accessToken", "refreshToken", "clientId", "clientSecret", "accountSid", "authToken", "developerToken"];
  return Object.fromEntries(fields.map((field) => [field, CANARY])) as Record<string, string>;
};

interface Outcome {
  outputs: unknown[];
  errors: unknown[];
}

function serializeError(error: unknown): string {
  const record = error as { name?: string; message?: string; stack?: string; details?: unknown; cause?: unknown; code?: string };
  return JSON.stringify({ name: record.name, code: record.code, message: record.message, stack: record.stack, details: record.details, cause: record.cause, json: error });
}

async function runEveryAction(client: ConnectorClient, logger: ReturnType<typeof createRecordingLogger>): Promise<{ outcome: Outcome; recorded: string }> {
  const outcome: Outcome = { outputs: [], errors: [] };
  // One run per action: an unsafe action whose outcome is unknown ends its run, and every action must be tried.
  const agent = defineAgent({
    name: "canary-agent",
    version: "1.0.0",
    description: "Calls one action of one connector",
    input: z.object({ index: z.number().int() }),
    output: z.object({ calls: z.number() }),
    handle: async (input, ctx) => {
      const { connector, action } = calls[input.index]!;
      await client
        .forRun(ctx)
        .invoke(connector, action, inputs[connector]?.[action])
        .then((output) => outcome.outputs.push(output), (error: unknown) => outcome.errors.push(error));
      return { calls: 1 };
    },
  });
  const store = createMemoryRunStore();
  const orchestrator = createOrchestrator({ agents: [agent], store, logger, policies: { retry: { attempts: 1 }, breaker: { enabled: false }, admission: { enabled: false } } });
  const toolExecutions: unknown[] = [];
  for (const [index] of calls.entries()) {
    const runId = await orchestrator.orchestrate({ agent: "canary-agent", input: { index }, context: { userId: "user_1", organizationId: ORGANIZATION } }).then(
      (run) => run.id,
      // The run's error is the action's, which the handler already collected.
      (error: { runId?: string }) => error.runId as string,
    );
    const recorded = await orchestrator.getRun(ORGANIZATION, runId);
    toolExecutions.push(...(recorded?.toolExecutions ?? []), ...(recorded?.error ? [recorded.error] : []));
  }
  expect(toolExecutions.filter((entry) => (entry as { stepKey?: unknown }).stepKey !== undefined)).toHaveLength(calls.length);
  for (const { connector, action } of calls) {
    await client.invoke(connector, action, inputs[connector]?.[action], { organizationId: ORGANIZATION }).then((output) => outcome.outputs.push(output), (error: unknown) => outcome.errors.push(error));
  }
  return { outcome, recorded: JSON.stringify(toolExecutions) };
}

const credentialStore = () =>
  createMemoryCredentialStore({
    connections: builtInConnectors.map((connector) => ({ organizationId: ORGANIZATION, connector: connector.id, authType: connector.auth.type, credentials: canaryCredentials(), expiresAt: null })),
  });

describe("a canary credential never leaks from any action of any built-in connector", () => {
  let server: ProviderServer;
  let mode: "success" | "rejection" = "success";
  beforeAll(async () => {
    server = await startProviderServer((request) => {
      const connector = request.path.split("/")[1] ?? "";
      const rest = { ...request, path: request.path.slice(connector.length + 1) };
      return mode === "success" ? success(connector, rest) : echoingRejection(rest);
    });
  });
  afterAll(() => server.close());

  const liveClient = (logger: ReturnType<typeof createRecordingLogger>) =>
    createConnectorClient({
      mode: "live",
      environment: {},
      retry: false,
      logger,
      credentials: credentialStore(),
      baseUrls: Object.fromEntries(builtInConnectors.map((connector) => [connector.id, `${server.url}/${connector.id}`])),
    });

  it.each(["success", "rejection"] as const)("in live mode against a local server (%s answers)", async (answers) => {
    mode = answers;
    const logger = createRecordingLogger();
    const client = liveClient(logger);
    const before = server.requests.length;
    const { outcome, recorded } = await runEveryAction(client, logger);
    await client.close();
    // The canary did reach the provider and came back in answers, so redaction had something to do.
    expect(server.requests.slice(before).some((request) => JSON.stringify(request).includes(CANARY))).toBe(true);
    if (answers === "success") {
      expect(outcome.errors.map((error) => serializeError(error))).toEqual([]);
      expect(JSON.stringify(outcome.outputs)).toContain(CANARY);
    } else {
      expect(outcome.errors).toHaveLength(calls.length * 2);
    }
    expect(recorded).not.toContain(CANARY);
    expect(logger.lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(logger.lines)).not.toContain(CANARY);
    for (const error of outcome.errors) expect(serializeError(error)).not.toContain(CANARY);
  });

  it.each(["ok", "invalid_input", "server_error", "rate_limited", "auth_expired", "timeout"] as const)("in mock mode (%s scenario)", async (scenario) => {
    const logger = createRecordingLogger();
    const client = createConnectorClient({ mode: "mock", environment: {}, retry: false, logger, credentials: credentialStore(), secretValues: [CANARY] });
    for (const connector of builtInConnectors) client.mock.setScenario(connector.id, scenario);
    const { outcome, recorded } = await runEveryAction(client, logger);
    await client.close();
    expect(client.mock.calls()).toHaveLength(calls.length * 2);
    if (scenario === "ok") expect(JSON.stringify(outcome.outputs)).toContain(CANARY);
    else expect(outcome.errors).toHaveLength(calls.length * 2);
    expect(recorded).not.toContain(CANARY);
    expect(JSON.stringify(logger.lines)).not.toContain(CANARY);
    for (const error of outcome.errors) expect(serializeError(error)).not.toContain(CANARY);
  });
});

describe("a connection's lastError and the operator's OAuth client secret are redacted", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("stores a provider's 401 text that quotes the key redacted in lastError, as in the thrown error", async () => {
    const KEY = "sk_live_canary_7f3a9c2e51d04b86";
    harness = await startLiveHarness({
      connector: stripeConnector,
      credentials: { apiKey: KEY },
      handler: (request) => ({ status: 401, json: { error: { message: `Invalid API Key provided: ${request.headers.authorization?.slice(7)}`, type: "invalid_request_error" } } }),
    });
    const error = await harness.client.invoke(stripeConnector, "listBalanceTransactions", {}).catch((caught: unknown) => caught);
    expect((error as Error).message).not.toContain(KEY);
    const [summary] = await harness.store.list(harness.organizationId);
    expect(summary?.lastError).toContain("Invalid API Key provided: [REDACTED]");
    expect(summary?.lastError).not.toContain(KEY);
  });

  it("redacts the client secret of oauthClients from errors, logs and the secret values given to ctx.tool", async () => {
    const SECRET = "operator-client-secret-0d9e8f7a";
    const logger = createRecordingLogger();
    harness = await startLiveHarness({
      connector: xConnector,
      credentials: { accessToken: "at-x-000000", refreshToken: "rt-x-111111" },
      client: { logger, oauthClients: () => ({ clientId: "x-client", clientSecret: SECRET }) },
      // A proxy that quotes what it knows of the operator's app back.
      handler: () => ({ status: 400, json: { title: "Invalid Request", detail: `app x-client/${SECRET} may not post` } }),
    });
    const error = await harness.client.invoke(xConnector, "createPost", { text: "hello" }).catch((caught: unknown) => caught);
    expect(serializeError(error)).not.toContain(SECRET);
    expect(JSON.stringify(logger.lines)).not.toContain(SECRET);
    let secretValues: readonly string[] = [];
    const context = {
      organizationId: harness.organizationId,
      agentName: "poster",
      tool: (_name: unknown, _input: unknown, run: (call: object) => Promise<unknown>, options: { secretValues?: readonly string[] }) => {
        secretValues = options.secretValues ?? [];
        return run({ signal: new AbortController().signal, logger, idempotencyKey: "step-key", stepKey: "x.createPost#0" });
      },
    };
    await harness.client.forRun(context as never).invoke(xConnector, "createPost", { text: "hello" }).catch(() => undefined);
    expect(secretValues).toContain(SECRET);
  });
});

import { type RunContext, type ToolCallOptions, createOrchestrator, defineAgent, silentLogger } from "@neonhub/core";
import { createRecordingLogger } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { discordConnector, discordNonce } from "../connectors/discord-connector.js";
import { emailConnector } from "../connectors/email-connector.js";
import { slackConnector } from "../connectors/slack-connector.js";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { type ProviderServer, startProviderServer } from "../testing/provider-server.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

const message = { channel: "C1", text: "hello" };
const discordMessage = { channelId: "1311000000000000001", content: "Launch day" };
const discordAnswer = { status: 200, json: { id: "1311000000000000099", channel_id: discordMessage.channelId, content: "Launch day", timestamp: "2026-12-04T10:00:00.000000+00:00" } };
const retry = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

/** A run context whose `ctx.tool` records the options it is given and calls the step at once. */
function recordingRunContext(agentName: string, organizationId: string, defaultStepKey: string) {
  const seen: Array<ToolCallOptions | undefined> = [];
  const context = {
    runId: "run_1",
    agentName,
    userId: "u1",
    organizationId,
    intent: null,
    attempt: 1,
    signal: new AbortController().signal,
    logger: silentLogger,
    reportMetric: () => undefined,
    step: () => Promise.reject(new Error("not used by connectors")),
    sleep: () => Promise.reject(new Error("not used by connectors")),
    waitForSignal: () => Promise.reject(new Error("not used by connectors")),
    runAgent: () => Promise.reject(new Error("not used by connectors")),
    tool: (_name, _input, fn, options) => {
      seen.push(options);
      return fn({ signal: new AbortController().signal, attempt: 1, logger: silentLogger, stepKey: options?.key ?? defaultStepKey, idempotencyKey: "nh_step" });
    },
  } satisfies RunContext;
  return { context, seen };
}

describe("repeat safety of connector calls", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("does not repeat an unsafe action after a 5xx or a dropped connection, naming the action", async () => {
    harness = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-unsafe" }, handler: () => ({ status: 500, text: "oops" }), client: { retry } });
    await expect(harness.client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({
      code: "STEP_OUTCOME_UNKNOWN",
      message: expect.stringContaining("slack.postMessage may or may not have taken effect"),
      details: { connector: "slack", action: "postMessage", failureCode: "UPSTREAM_FAILED" },
    });
    expect(harness.server.requests).toHaveLength(1);
    harness.server.handle(() => "drop");
    await expect(harness.client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "STEP_OUTCOME_UNKNOWN" });
    expect(harness.server.requests).toHaveLength(2);
  });

  it("still retries an unsafe action after a 429 or when the connection was refused before anything was sent", async () => {
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: "xoxb-unsafe" },
      handler: () => (harness?.server.requests.length === 1 ? { status: 429, headers: { "retry-after": "0" }, json: { ok: false, error: "ratelimited" } } : { status: 200, json: { ok: true, channel: "C1", ts: "1.2" } }),
      client: { retry },
    });
    await expect(harness.client.invoke(slackConnector, "postMessage", message)).resolves.toMatchObject({ ts: "1.2" });
    expect(harness.server.requests).toHaveLength(2);

    const closed: ProviderServer = await startProviderServer();
    const url = closed.url;
    await closed.close();
    const logger = createRecordingLogger();
    const refused = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-unsafe", baseUrl: url }, client: { retry, logger } });
    try {
      await expect(refused.client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: true, details: { outcome: "not_acted" } });
      expect(logger.lines.filter((line) => line.message?.includes("trying again"))).toHaveLength(2);
    } finally {
      await refused.close();
    }
  });

  it("fails a credential with a line break or a non-Latin-1 character before sending, as CONFIGURATION_INVALID, without retrying or opening the breaker", async () => {
    const logger = createRecordingLogger();
    harness = await startLiveHarness({
      connector: slackConnector,
      credentials: { accessToken: "xoxb-abc\r\nX-Injected: 1" },
      handler: () => ({ status: 200, json: { ok: true, channel: "C1", ts: "1.2" } }),
      client: { retry, logger },
    });
    const error = await harness.client.invoke(slackConnector, "postMessage", message).catch((caught: unknown) => caught);
    expect(harness.server.requests).toHaveLength(0);
    // Nothing was sent, so the outcome is known: this must not be STEP_OUTCOME_UNKNOWN.
    expect(error).toMatchObject({ code: "CONFIGURATION_INVALID", isRetryable: false, details: { outcome: "not_acted", header: "authorization" } });
    expect((error as Error).message).not.toContain("X-Injected");
    await harness.close();
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_€uro" }, client: { retry, logger } });
    for (let call = 0; call < 6; call += 1) {
      await expect(harness.client.invoke(stripeConnector, "listBalanceTransactions", {})).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", isRetryable: false });
    }
    expect(harness.server.requests).toHaveLength(0);
    expect(logger.lines.filter((line) => line.message?.includes("trying again"))).toHaveLength(0);
    expect(harness.client.breakerState("stripe")).toBe("closed");
  });

  it("repeats a with-key action with the same key, and treats it as unsafe when there is no key", async () => {
    harness = await startLiveHarness({
      connector: discordConnector,
      credentials: { accessToken: "bot-token" },
      handler: () => (harness?.server.requests.length === 1 ? "drop" : discordAnswer),
      client: { retry },
    });
    await expect(harness.client.invoke(discordConnector, "sendChannelMessage", discordMessage, { idempotencyKey: "campaign-42-discord" })).resolves.toMatchObject({ id: "1311000000000000099" });
    expect(harness.server.requests.map((request) => request.json)).toEqual([
      { content: "Launch day", allowed_mentions: { parse: [] }, nonce: "campaign-42-discord", enforce_nonce: true },
      { content: "Launch day", allowed_mentions: { parse: [] }, nonce: "campaign-42-discord", enforce_nonce: true },
    ]);
    harness.server.handle(() => "drop");
    await expect(harness.client.invoke(discordConnector, "sendChannelMessage", discordMessage)).rejects.toMatchObject({ code: "STEP_OUTCOME_UNKNOWN" });
    expect(harness.server.requests).toHaveLength(3);
    expect(harness.server.requests[2]?.json).toEqual({ content: "Launch day", allowed_mentions: { parse: [] } });
  });

  it("fits a long key into Discord's 25-character nonce, the same way every time", () => {
    const key = "nh_4p0mB7rYw8c0XoYVQ2d8o1kq3FvGm9lXcV0nQ1Zs";
    expect(discordNonce(key)).toHaveLength(25);
    expect(discordNonce(key)).toBe(discordNonce(key));
    expect(discordNonce(`${key}x`)).not.toBe(discordNonce(key));
    expect(discordNonce("short-key")).toBe("short-key");
  });

  it("inside a run, sends the step's idempotency key and names the step whose outcome is unknown", async () => {
    harness = await startLiveHarness({ connector: emailConnector, credentials: { apiKey: "re_test_key" }, handler: () => ({ status: 200, json: { id: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794" } }) });
    const email = { from: "Acme <news@acme.test>", to: "ada@example.com", subject: "Hello", text: "Hi" };
    const client = harness.client;
    const agent = defineAgent({
      name: "mailer",
      version: "1.0.0",
      description: "Sends two emails",
      input: z.object({}),
      output: z.object({ ids: z.array(z.string()) }),
      handle: async (_input, ctx) => {
        const first = await client.forRun(ctx).invoke(emailConnector, "sendEmail", email);
        const second = await client.forRun(ctx).invoke(emailConnector, "sendEmail", email, { stepKey: "welcome-email" });
        return { ids: [first.id, second.id] };
      },
    });
    const orchestrator = createOrchestrator({ agents: [agent], policies: { retry: { attempts: 1 } } });
    const run = await orchestrator.orchestrate({ agent: "mailer", input: {}, context: { userId: "u1", organizationId: harness.organizationId } });
    expect(run.status).toBe("COMPLETED");
    const keys = harness.server.requests.map((request) => request.headers["idempotency-key"]);
    expect(keys).toEqual([expect.stringMatching(/^nh_[A-Za-z0-9_-]{40}$/), expect.stringMatching(/^nh_[A-Za-z0-9_-]{40}$/)]);
    expect(keys[0]).not.toBe(keys[1]);

    const slack = await startLiveHarness({ connector: slackConnector, credentials: { accessToken: "xoxb-run" }, organizationId: harness.organizationId, handler: () => ({ status: 502, text: "bad gateway" }), client: { retry } });
    try {
      const poster = defineAgent({
        name: "poster",
        version: "1.0.0",
        description: "Posts once",
        input: z.object({}),
        output: z.object({}),
        handle: async (_input, ctx) => {
          await slack.client.forRun(ctx).invoke(slackConnector, "postMessage", message);
          return {};
        },
      });
      const failing = createOrchestrator({ agents: [poster], policies: { retry: { attempts: 1 } } });
      const failure = await failing.orchestrate({ agent: "poster", input: {}, context: { userId: "u1", organizationId: harness.organizationId } }).catch((caught: unknown) => caught);
      expect(failure).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", stepKey: "slack.postMessage#0", details: expect.objectContaining({ stepKey: "slack.postMessage#0" }) });
      expect(slack.server.requests).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it("gives ctx.tool the action's repeat safety and the step key asked for", async () => {
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_tool" }, handler: () => ({ status: 200, json: { object: "list", data: [], has_more: false } }) });
    const { context, seen } = recordingRunContext("reader", harness.organizationId, "stripe.listBalanceTransactions#0");
    await harness.client.forRun(context).invoke(stripeConnector, "listBalanceTransactions", {}, { stepKey: "fees" });
    expect(seen).toEqual([expect.objectContaining({ repeatSafety: "safe", key: "fees" })]);
  });

  it("gives ctx.tool the key retention of Discord's sendChannelMessage, so the step is repeated only while Discord keeps the nonce", async () => {
    harness = await startLiveHarness({ connector: discordConnector, credentials: { accessToken: "bot-retention" }, handler: () => discordAnswer });
    const { context, seen } = recordingRunContext("announcer", harness.organizationId, "discord.sendChannelMessage#0");
    await harness.client.forRun(context).invoke(discordConnector, "sendChannelMessage", discordMessage);
    expect(seen).toEqual([expect.objectContaining({ repeatSafety: "with-key", keyRetentionMs: 120_000 })]);
    expect(discordConnector.actions.sendChannelMessage?.keyRetentionMs).toBe(120_000);
    expect(emailConnector.actions.sendEmail?.keyRetentionMs).toBe(86_400_000);
  });
});

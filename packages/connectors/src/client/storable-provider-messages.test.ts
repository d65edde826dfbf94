import { createMemoryRunStore, createOrchestrator, createRedactor, defineAgent, isStorableText } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { stripeConnector } from "../connectors/stripe-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { normalizeError } from "./normalize-error.js";

// A provider's message whose 300th character is the first half of an emoji's surrogate pair.
const CUT_MESSAGE = `${"x".repeat(297)} x\uD83D\uDE00 and more`;

describe("messages made from a provider's answer are kept by every store", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const refusedWith = async (message: string) => {
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_key_1234567" }, handler: () => ({ status: 401, json: { error: { message } } }) });
    const error = (await harness.client.invoke(stripeConnector, "listBalanceTransactions", {}).catch((caught: unknown) => caught)) as Error;
    const [summary] = await harness.store.list(harness.organizationId);
    return { thrown: error.message, lastError: summary?.lastError ?? "" };
  };

  it("cuts a long message before the word the limit falls in, so that no emoji is split, in lastError as in the thrown error", async () => {
    const { thrown, lastError } = await refusedWith(CUT_MESSAGE);
    expect(lastError).toBe(thrown);
    expect(lastError.endsWith(`: ${"x".repeat(297)} ...`)).toBe(true);
    expect(isStorableText(lastError)).toBe(true);
  });

  it("leaves out whole a credential the provider quoted back across the limit, which redaction finds only whole", async () => {
    const secret = "sk_test_key_1234567";
    // The limit of 300 characters falls inside the quoted key.
    const { thrown, lastError } = await refusedWith(`${"y".repeat(290)} ${secret} was refused`);
    expect(lastError).toBe(thrown);
    expect(lastError.endsWith(`: ${"y".repeat(290)} ...`)).toBe(true);
    expect(lastError).not.toContain("sk_test");
  });

  it("leaves out a long message with no space before the limit", async () => {
    const { lastError } = await refusedWith(`sk_test_key_1234567${"z".repeat(400)}`);
    expect(lastError.endsWith(": (a message of 419 characters, left out)")).toBe(true);
  });

  it("replaces NUL characters and unpaired surrogates of a provider's message with U+FFFD", async () => {
    const { thrown, lastError } = await refusedWith("bad\u0000key \uDC00 \uD83D\uDE00");
    expect(lastError).toBe(thrown);
    expect(lastError.endsWith(": bad\uFFFDkey \uFFFD \uD83D\uDE00")).toBe(true);
  });

  it("lets a run fail with the provider's refusal, not with its record refused for the message", async () => {
    harness = await startLiveHarness({ connector: stripeConnector, credentials: { apiKey: "sk_test_key_1234567" }, handler: () => ({ status: 401, json: { error: { message: CUT_MESSAGE } } }) });
    const client = harness.client;
    const agent = defineAgent({
      name: "balance-reader",
      version: "1.0.0",
      description: "Reads Stripe balance transactions",
      input: z.object({}),
      output: z.object({}),
      handle: async (_input, ctx) => {
        await client.forRun(ctx).invoke(stripeConnector, "listBalanceTransactions", {});
        return {};
      },
    });
    const store = createMemoryRunStore();
    const orchestrator = createOrchestrator({ agents: [agent], store, policies: { retry: { attempts: 1 }, breaker: { enabled: false }, admission: { enabled: false } } });
    const failure = (await orchestrator.orchestrate({ agent: "balance-reader", input: {}, context: { userId: "user_1", organizationId: harness.organizationId } }).catch((caught: unknown) => caught)) as {
      code: string;
      runId: string;
    };
    expect(failure.code).toBe("UNAUTHORIZED");
    const run = await orchestrator.getRun(harness.organizationId, failure.runId);
    expect(run?.error?.code).toBe("UNAUTHORIZED");
    expect(isStorableText(run?.error?.message ?? "\u0000")).toBe(true);
  });

  it("makes the message of an error the connector's own code threw storable, after redaction", () => {
    const redactor = createRedactor({ values: ["secret-\u0000-value"] });
    const normalized = normalizeError(new Error("parse failed at \uD800 near secret-\u0000-value"), redactor, "acme.read", new AbortController().signal);
    expect(normalized.message).toBe("acme.read failed: parse failed at \uFFFD near [REDACTED]");
  });
});

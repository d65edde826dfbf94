import { readFileSync } from "node:fs";
import { createRecordingMetricsSink } from "@neonhub/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { llmConnector } from "./llm-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const API_KEY = "sk-test-abcdefghijklmnopqrstuvwxyz1234567890";
const messages = [
  { role: "system" as const, content: "You are a helpful assistant." },
  { role: "user" as const, content: "Hello!" },
];

describe("llm connector (OpenAI-compatible chat completions)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: llmConnector, credentials: { apiKey: API_KEY }, handler }).then((started) => (harness = started));

  it("posts to {baseUrl}/chat/completions and returns the first choice and usage", async () => {
    await start(() => ({ status: 200, json: fixture("openai-chat-completion.200.json") }));
    const result = await harness.client.invoke(llmConnector, "chatCompletion", { model: "gpt-4o-mini", messages, temperature: 0.2, maxTokens: 50 });
    expect(result).toEqual({
      id: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      model: "gpt-4o-mini-2024-07-18",
      content: "Hello! How can I assist you today?",
      finishReason: "stop",
      usage: { promptTokens: 19, completionTokens: 10, totalTokens: 29 },
    });
    const [request] = harness.server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/chat/completions");
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.json).toEqual({ model: "gpt-4o-mini", messages, temperature: 0.2, max_tokens: 50 });
  });

  it("asks for a JSON object when the response format says so", async () => {
    await start(() => ({ status: 200, json: fixture("openai-chat-completion.200.json") }));
    await harness.client.invoke(llmConnector, "chatCompletion", { messages, responseFormat: "json_object" });
    expect(harness.server.requests[0]?.json).toMatchObject({ model: "gpt-4o-mini", response_format: { type: "json_object" } });
  });

  it("maps 401 invalid_api_key to a connector auth error and 429 to RATE_LIMITED", async () => {
    await start(() => ({ status: 401, json: fixture("openai-invalid-api-key.401.json") }));
    const unauthorized = await harness.client.invoke(llmConnector, "chatCompletion", { messages }).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(unauthorized, "unauthorized")).toBe(true);
    harness.server.handle(() => ({ status: 429, headers: { "retry-after": "20" }, json: fixture("openai-rate-limit.429.json") }));
    const limited = await harness.client.invoke(llmConnector, "chatCompletion", { messages }).catch((caught: unknown) => caught);
    expect(limited).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 20_000 });
  });

  it("does not retry a 429 insufficient_quota: the account's credits or monthly budget are used up, a rate limit is not", async () => {
    const metrics = createRecordingMetricsSink();
    harness = await startLiveHarness({
      connector: llmConnector,
      credentials: { apiKey: API_KEY },
      handler: () => ({ status: 429, json: fixture("openai-insufficient-quota.429.json") }),
      client: { metrics, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const error = await harness.client.invoke(llmConnector, "chatCompletion", { messages }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false, details: { status: 429, reason: "insufficient_quota" } });
    expect((error as Error).message).toContain("You exceeded your current quota");
    expect(harness.server.requests).toHaveLength(1);
    expect(metrics.ofType("rateLimited")).toEqual([]);
  });

  it("mocks deterministic completions that echo the request, as JSON when asked", async () => {
    const client = createConnectorClient({ mode: "mock", environment: {} });
    const text = await client.invoke(llmConnector, "chatCompletion", { messages });
    const again = await createConnectorClient({ mode: "mock", environment: {} }).invoke(llmConnector, "chatCompletion", { messages });
    expect(text).toEqual(again);
    expect(text.content).toMatch(/^Mock completion [0-9a-f]{6} for: Hello!$/);
    const json = await client.invoke(llmConnector, "chatCompletion", { messages, responseFormat: "json_object" });
    expect(JSON.parse(json.content)).toMatchObject({ mock: true, summary: "Hello!" });
    expect(json.usage.totalTokens).toBe(json.usage.promptTokens + json.usage.completionTokens);
  });
});

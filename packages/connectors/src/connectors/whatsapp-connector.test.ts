import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { GRAPH_API_VERSION } from "./graph-api-response.js";
import { whatsappConnector } from "./whatsapp-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const TOKEN = "EAAJB5mZCq0ZBYBO7xZCwhatsappSystemUserToken0001";
const input = { phoneNumberId: "106540352242922", to: "+16505551234", text: "Your order 4417 has shipped." };

describe("whatsapp connector (POST /{version}/{phone-number-id}/messages)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: whatsappConnector, credentials: { accessToken: TOKEN }, handler }).then((started) => (harness = started));

  it("posts a text message as JSON with the bearer token and returns the message id", async () => {
    await start(() => ({ status: 200, json: fixture("whatsapp-send-message.200.json") }));
    await expect(harness.client.invoke(whatsappConnector, "sendMessage", { ...input, previewUrl: false })).resolves.toEqual({
      messageId: "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
      waId: "16505551234",
    });
    const [request] = harness.server.requests;
    expect(request).toMatchObject({ method: "POST", path: `/${GRAPH_API_VERSION}/106540352242922/messages`, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
    expect(request?.query).toEqual({});
    expect(request?.json).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "+16505551234",
      type: "text",
      text: { body: "Your order 4417 has shipped.", preview_url: false },
    });
  });

  it("maps Graph error 100 to VALIDATION_FAILED with Meta's message", async () => {
    await start(() => ({ status: 400, json: fixture("whatsapp-invalid-parameter.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: false, details: { connector: "whatsapp", graphErrorCode: 100 } });
    expect((error as Error).message).toContain("(#100) Invalid parameter");
  });

  it("maps an expired token (400, code 190) to a connector auth error without the token", async () => {
    await start(() => ({ status: 400, json: fixture("graph-expired-token.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect((error as Error).message).toContain("Session has expired");
    expect((error as Error).message).not.toContain(TOKEN);
  });

  it("maps the throughput limit (400, code 130429) to RATE_LIMITED", async () => {
    await start(() => ({ status: 400, json: fixture("whatsapp-rate-limit-hit.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "RATE_LIMITED")).toBe(true);
    expect(error).toMatchObject({ isRetryable: true, retryAfterMs: 1_000 });
  });

  it("waits six seconds after the pair rate limit (131056): one message every 6 seconds to the same user", async () => {
    await start(() => ({ status: 400, json: fixture("whatsapp-pair-rate-limit.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RATE_LIMITED", isRetryable: true, retryAfterMs: 6_000, details: { graphErrorCode: 131056 } });
  });

  it("does not retry the spam rate limit (131048), a restriction on the number until its quality recovers", async () => {
    await start(() => ({ status: 400, json: fixture("whatsapp-spam-rate-limit.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "UPSTREAM_FAILED", isRetryable: false, details: { graphErrorCode: 131048, reason: "spam_rate_limit" } });
    expect((error as Error).message).toContain("Spam rate limit hit");
  });

  it("maps a text outside the 24-hour customer service window (131047) to CONTENT_REFUSED, not to invalid input", async () => {
    await start(() => ({ status: 400, json: fixture("whatsapp-re-engagement.400.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", input).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "CONTENT_REFUSED", isRetryable: false, reason: "outside_customer_service_window", details: { graphErrorCode: 131047 } });
  });

  it("rejects a recipient that is not a phone number before any request", async () => {
    await start(() => ({ status: 200, json: fixture("whatsapp-send-message.200.json") }));
    const error = await harness.client.invoke(whatsappConnector, "sendMessage", { ...input, to: "alice" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect(harness.server.requests).toHaveLength(0);
  });

  it("answers the same seeded message id for the same input in mock mode", async () => {
    const first = createConnectorClient({ mode: "mock", environment: {}, connectors: [whatsappConnector] });
    const second = createConnectorClient({ mode: "mock", environment: {}, connectors: [whatsappConnector] });
    const answer = await first.invoke(whatsappConnector, "sendMessage", input);
    expect(await second.invoke(whatsappConnector, "sendMessage", input)).toEqual(answer);
    expect(answer).toMatchObject({ messageId: expect.stringMatching(/^wamid\.HBgL[A-Za-z0-9]+$/), waId: "16505551234" });
  });
});

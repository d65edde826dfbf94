import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import type { ActionInput } from "../sdk/connector-definition.js";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { emailConnector } from "./email-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const API_KEY = "re_123456789_AbCdEfGhIjKlMnOpQrStUv";
const email = { from: "Acme <onboarding@acme.dev>", to: ["delivered@acme.dev"], subject: "Welcome", html: "<p>Hello</p>" };

describe("email connector (Resend POST /emails)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: emailConnector, credentials: { apiKey: API_KEY }, handler }).then((started) => (harness = started));

  it("sends JSON with the API key as bearer token and the idempotency key", async () => {
    await start(() => ({ status: 200, json: fixture("resend-send-email.200.json") }));
    const result = await harness.client.invoke(emailConnector, "sendEmail", { ...email, replyTo: "support@acme.dev", idempotencyKey: "welcome/42" });
    expect(result).toEqual({ id: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794" });
    const [request] = harness.server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/emails");
    expect(request?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.headers["idempotency-key"]).toBe("welcome/42");
    expect(request?.json).toEqual({ from: email.from, to: email.to, subject: "Welcome", html: "<p>Hello</p>", reply_to: "support@acme.dev" });
  });

  it("maps Resend's 422 validation_error to VALIDATION_FAILED with the provider's message", async () => {
    await start(() => ({ status: 422, json: fixture("resend-validation-error.422.json") }));
    const error = await harness.client.invoke(emailConnector, "sendEmail", email).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as Error).message).toContain("Invalid `from` field");
  });

  it("maps 403 invalid_api_key to a forbidden connector auth error", async () => {
    await start(() => ({ status: 403, json: fixture("resend-invalid-api-key.403.json") }));
    const error = await harness.client.invoke(emailConnector, "sendEmail", email).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "forbidden")).toBe(true);
  });

  it("maps a 403 validation_error (testing emails go only to the account's own address) to VALIDATION_FAILED, not an auth error", async () => {
    await start(() => ({ status: 403, json: fixture("resend-testing-emails-only.403.json") }));
    const error = await harness.client.invoke(emailConnector, "sendEmail", email).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error)).toBe(false);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false, details: { status: 403, resendError: "validation_error" } });
    expect((error as Error).message).toContain("You can only send testing emails to your own email address");
  });

  it("retries a 409 concurrent_idempotent_requests with the same key, and gets the first request's answer", async () => {
    harness = await startLiveHarness({
      connector: emailConnector,
      credentials: { apiKey: API_KEY },
      handler: () =>
        harness.server.requests.length === 1 ? { status: 409, json: fixture("resend-concurrent-idempotent-requests.409.json") } : { status: 200, json: fixture("resend-send-email.200.json") },
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke(emailConnector, "sendEmail", email, { idempotencyKey: "welcome/42" })).resolves.toEqual({ id: "49a3999c-0ce1-4ea6-ab68-afcd6dc2e794" });
    expect(harness.server.requests.map((request) => request.headers["idempotency-key"])).toEqual(["welcome/42", "welcome/42"]);
  });

  it("does not retry a 409 invalid_idempotent_request: the key was used with another email", async () => {
    harness = await startLiveHarness({
      connector: emailConnector,
      credentials: { apiKey: API_KEY },
      handler: () => ({ status: 409, json: fixture("resend-invalid-idempotent-request.409.json") }),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    await expect(harness.client.invoke(emailConnector, "sendEmail", email, { idempotencyKey: "welcome/42" })).rejects.toMatchObject({
      code: "UPSTREAM_FAILED",
      isRetryable: false,
      details: { status: 409, resendError: "invalid_idempotent_request" },
    });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("maps 429 with Retry-After to RATE_LIMITED", async () => {
    await start(() => ({ status: 429, headers: { "retry-after": "1" }, json: fixture("resend-rate-limit.429.json") }));
    const error = await harness.client.invoke(emailConnector, "sendEmail", email).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 1_000 });
  });

  it("requires html or text before any request", async () => {
    await start(() => ({ status: 200, json: fixture("resend-send-email.200.json") }));
    // The input type refuses this too; the cast shows the runtime check for untyped callers.
    const error = await harness.client.invoke(emailConnector, "sendEmail", { from: email.from, to: email.to, subject: "x" } as never).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "html" }] });
    expect(harness.server.requests).toHaveLength(0);
  });

  it("requires html or text in the input type as well", () => {
    type Input = ActionInput<typeof emailConnector, "sendEmail">;
    const base = { from: "a@acme.dev", to: "b@acme.dev", subject: "Hi" };
    expectTypeOf({ ...base, html: "<p>Hi</p>" }).toExtend<Input>();
    expectTypeOf({ ...base, text: "Hi" }).toExtend<Input>();
    expectTypeOf(base).not.toExtend<Input>();
    // @ts-expect-error a message with neither html nor text does not type-check
    const missingBody: Input = base;
    expect(emailConnector.actions.sendEmail.input.safeParse(missingBody).success).toBe(false);
  });
});

import { createManualClock } from "@neonhub/core/testing";
import { describe, expect, it } from "vitest";
import { createConnectorClient } from "../client/create-connector-client.js";
import { emailConnector } from "../connectors/email-connector.js";
import { slackConnector } from "../connectors/slack-connector.js";
import { smsConnector } from "../connectors/sms-connector.js";
import { stripeConnector } from "../connectors/stripe-connector.js";

const mockClient = (options: Parameters<typeof createConnectorClient>[0] = {}) => createConnectorClient({ mode: "mock", environment: {}, retry: false, ...options });
const message = { channel: "C0LAUNCH", text: "We are live" };
// Lets every pending promise callback run, so that the call has reached its wait on the manual clock.
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("mock mode", () => {
  it("answers from default fixtures that satisfy the output schema and logs every call", async () => {
    const client = mockClient({ organizationId: "org_7" });
    const sent = await client.invoke(emailConnector, "sendEmail", { from: "a@acme.dev", to: "b@acme.dev", subject: "Hi", text: "Hello" });
    expect(sent.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await client.invoke(slackConnector, "postMessage", message);
    expect(client.mock.calls("slack", "postMessage")).toEqual([
      { connector: "slack", action: "postMessage", organizationId: "org_7", input: message, scenario: "ok", output: expect.objectContaining({ channel: "C0LAUNCH" }) },
    ]);
    expect(client.mock.calls()).toHaveLength(2);
  });

  it("is deterministic per seed: same seed and inputs give the same ids, another seed differs", async () => {
    const input = { to: "+14155550199", from: "+14155550100", body: "Code 1234" };
    const first = await mockClient().invoke(smsConnector, "sendSms", input);
    const second = await mockClient().invoke(smsConnector, "sendSms", input);
    const other = await mockClient({ mock: { seed: "another" } }).invoke(smsConnector, "sendSms", input);
    expect(first).toEqual(second);
    expect(first.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(other.sid).not.toBe(first.sid);
  });

  it("uses the newest matching caller fixture, by partial input or predicate, and honours times", async () => {
    const client = mockClient();
    client.mock.addFixture({ connector: "slack", action: "postMessage", output: { channel: "C0LAUNCH", ts: "1.000001", threadTs: null } });
    client.mock.addFixture({ connector: "slack", action: "postMessage", match: { text: "We are live" }, output: { channel: "C0LAUNCH", ts: "2.000002", threadTs: null }, times: 1 });
    client.mock.addFixture({ connector: "slack", action: "postMessage", match: (input) => input.channel === "C0OTHER", output: { channel: "C0OTHER", ts: "3.000003", threadTs: null } });
    expect((await client.invoke(slackConnector, "postMessage", message)).ts).toBe("2.000002");
    expect((await client.invoke(slackConnector, "postMessage", message)).ts).toBe("1.000001");
    expect((await client.invoke(slackConnector, "postMessage", { channel: "C0OTHER", text: "x" })).ts).toBe("3.000003");
  });

  it("rejects a caller fixture that does not satisfy the output schema", async () => {
    const client = mockClient();
    // @ts-expect-error: channel is a string; the output schema catches a fixture whose types were bypassed.
    client.mock.addFixture({ connector: "slack", action: "postMessage", output: { channel: 42 } });
    await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("channel") });
  });

  it("fails clearly in strict mode when no caller fixture matches", async () => {
    const client = mockClient({ mock: { strict: true, fixtures: [{ connector: "slack", action: "postMessage", match: { channel: "C0KNOWN" }, output: { channel: "C0KNOWN", ts: "1.1", threadTs: null } }] } });
    await expect(client.invoke(slackConnector, "postMessage", { channel: "C0KNOWN", text: "ok" })).resolves.toMatchObject({ ts: "1.1" });
    await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "CONFIGURATION_INVALID", message: expect.stringContaining("no fixture matches") });
  });

  it("validates input with the live schema before answering", async () => {
    const client = mockClient();
    await expect(client.invoke("sms", "sendSms", { to: "555", body: "x" })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(client.mock.calls()).toHaveLength(0);
  });

  const outcomeUnknown = (cause: string) => ({ code: "STEP_OUTCOME_UNKNOWN", isRetryable: false, cause: expect.objectContaining({ code: cause }) });
  it.each([
    ["rate_limited", "RATE_LIMITED", { code: "RATE_LIMITED", retryAfterMs: 1_000, isRetryable: true }],
    ["server_error", "UPSTREAM_FAILED", outcomeUnknown("UPSTREAM_FAILED")],
    ["timeout", "TIMEOUT", outcomeUnknown("TIMEOUT")],
    ["auth_expired", "UNAUTHORIZED", { code: "UNAUTHORIZED", details: expect.objectContaining({ connector: "slack", reason: "needs_reauth" }) }],
    ["invalid_input", "VALIDATION_FAILED", { code: "VALIDATION_FAILED", isRetryable: false }],
  ] as const)("produces the live error for the %s scenario (an unsafe action's unknown outcome is not repeated)", async (scenario, providerCode, expected) => {
    const client = mockClient();
    await expect(client.invoke(slackConnector, "postMessage", message, { scenario })).rejects.toMatchObject(expected);
    expect(client.mock.calls("slack")[0]).toMatchObject({ scenario, errorCode: providerCode });
  });

  it.each([
    ["server_error", { code: "UPSTREAM_FAILED", isRetryable: true }],
    ["timeout", { code: "TIMEOUT", isRetryable: true }],
  ] as const)("keeps the retryable %s error for an action that is safe to repeat", async (scenario, expected) => {
    const client = mockClient();
    await expect(client.invoke(stripeConnector, "listBalanceTransactions", {}, { scenario })).rejects.toMatchObject(expected);
  });

  it("applies connector and action scenarios for the next calls only when times is given", async () => {
    const client = mockClient();
    client.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 7_000 }, { action: "postMessage", times: 1 });
    await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 7_000 });
    await expect(client.invoke(slackConnector, "postMessage", message)).resolves.toHaveProperty("ts");
    client.mock.setScenario("slack", "server_error");
    await expect(client.invoke(slackConnector, "postMessage", message)).rejects.toMatchObject({ code: "STEP_OUTCOME_UNKNOWN" });
    client.mock.setScenario("slack", null);
    await expect(client.invoke(slackConnector, "postMessage", message)).resolves.toHaveProperty("ts");
  });

  it("recovers from a one-off fault through the client's own retry, waiting on the clock", async () => {
    const clock = createManualClock();
    const client = mockClient({ clock, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    client.mock.setScenario("slack", { type: "rate_limited", retryAfterMs: 2_000 }, { times: 1 });
    const call = client.invoke(slackConnector, "postMessage", message);
    await settle();
    await clock.advance(2_000);
    await expect(call).resolves.toHaveProperty("ts");
    expect(client.mock.calls().map((entry) => entry.scenario)).toEqual(["rate_limited", "ok"]);
  });

  it("waits a fixed or seeded latency on the injected clock", async () => {
    const clock = createManualClock();
    const client = mockClient({ clock, mock: { latency: { fixedMs: 250 } } });
    let settled = false;
    const call = client.invoke(slackConnector, "postMessage", message).then(() => (settled = true));
    await settle();
    await clock.advance(249);
    expect(settled).toBe(false);
    await clock.advance(1);
    await call;
    expect(settled).toBe(true);

    const seededLatency = async () => {
      const rangedClock = createManualClock();
      const ranged = mockClient({ clock: rangedClock, mock: { latency: { minMs: 100, maxMs: 200 } } });
      let done = false;
      const rangedCall = ranged.invoke(slackConnector, "postMessage", message).then(() => (done = true));
      await settle();
      let elapsed = 0;
      while (!done && elapsed < 300) {
        await rangedClock.advance(1);
        elapsed += 1;
      }
      await rangedCall;
      return elapsed;
    };
    const latency = await seededLatency();
    expect(latency).toBeGreaterThanOrEqual(100);
    expect(latency).toBeLessThanOrEqual(200);
    expect(await seededLatency()).toBe(latency);
  });

  it("lets mock latency run into the connector's deadline", async () => {
    const clock = createManualClock();
    const client = mockClient({ clock, mock: { latency: { fixedMs: 60_000 } } });
    const call = client.invoke(slackConnector, "postMessage", message).catch((caught: unknown) => caught);
    await settle();
    await clock.advance(30_000);
    expect(await call).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", cause: expect.objectContaining({ code: "TIMEOUT" }) });
  });

  it("reset forgets calls, fixtures, scenarios and counters", async () => {
    const client = mockClient();
    const first = await client.invoke(slackConnector, "postMessage", message);
    client.mock.setScenario("slack", "server_error");
    client.mock.reset();
    expect(client.mock.calls()).toHaveLength(0);
    expect(await client.invoke(slackConnector, "postMessage", message)).toEqual(first);
  });
});

import { readFileSync } from "node:fs";
import { isNeonhubError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { isConnectorAuthError } from "../sdk/connector-auth-error.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";
import { smsConnector } from "./sms-connector.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), "utf8"));
const ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
const AUTH_TOKEN = "f3c1d2e4a5b6c7d8e9f0a1b2c3d4e5f6";

describe("sms connector (Twilio Messages API)", () => {
  let harness: LiveHarness;
  afterEach(() => harness?.close());
  const start = (handler: Parameters<typeof startLiveHarness>[0]["handler"]) =>
    startLiveHarness({ connector: smsConnector, credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN }, handler }).then((started) => (harness = started));

  it("posts a form with basic auth to the account's Messages.json", async () => {
    await start(() => ({ status: 201, json: fixture("twilio-message.201.json") }));
    const result = await harness.client.invoke(smsConnector, "sendSms", { to: "+14155550199", from: "+14155550100", body: "Your order has shipped" });
    expect(result).toEqual({
      sid: "SM1f0e8ae6ade43cb3c0ce4525424e404f",
      status: "queued",
      to: "+14155550199",
      from: "+14155550100",
      dateCreated: "Thu, 24 Aug 2023 05:01:45 +0000",
      segments: 1,
    });
    const [request] = harness.server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString("base64")}`);
    expect(request?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(request?.body).toBe("To=%2B14155550199&From=%2B14155550100&Body=Your+order+has+shipped");
  });

  it("maps Twilio's 400 (error 21211) to VALIDATION_FAILED with Twilio's message", async () => {
    await start(() => ({ status: 400, json: fixture("twilio-invalid-to.400.json") }));
    const error = await harness.client.invoke(smsConnector, "sendSms", { to: "+14155550199", from: "+14155550100", body: "hi" }).catch((caught: unknown) => caught);
    expect(isNeonhubError(error, "VALIDATION_FAILED")).toBe(true);
    expect((error as Error).message).toContain("Invalid 'To' Phone Number");
  });

  it("keeps Twilio's error code: an unsubscribed recipient (21610) is a final VALIDATION_FAILED, sent once", async () => {
    harness = await startLiveHarness({
      connector: smsConnector,
      credentials: { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
      handler: () => ({ status: 400, json: fixture("twilio-unsubscribed-recipient.400.json") }),
    });
    const error = await harness.client.invoke(smsConnector, "sendSms", { to: "+14155550199", from: "+14155550100", body: "hi" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", isRetryable: false, details: { status: 400, twilioCode: 21610 } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("maps 429 (error 20429) to RATE_LIMITED with Twilio's code", async () => {
    await start(() => ({ status: 429, json: fixture("twilio-too-many-requests.429.json") }));
    await expect(harness.client.invoke(smsConnector, "sendSms", { to: "+14155550199", from: "+14155550100", body: "hi" })).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterMs: 1_000, details: { status: 429, twilioCode: 20429 } });
  });

  it("maps 401 (error 20003) to a connector auth error without the token in it", async () => {
    await start(() => ({ status: 401, json: fixture("twilio-authenticate.401.json") }));
    const error = await harness.client.invoke(smsConnector, "sendSms", { to: "+14155550199", from: "+14155550100", body: "hi" }).catch((caught: unknown) => caught);
    expect(isConnectorAuthError(error, "unauthorized")).toBe(true);
    expect(JSON.stringify(error)).not.toContain(AUTH_TOKEN);
  });

  it("rejects numbers that are not E.164 before any request", async () => {
    await start(() => ({ status: 201, json: fixture("twilio-message.201.json") }));
    const error = await harness.client.invoke("sms", "sendSms", { to: "415-555-0199", from: "+14155550100", body: "hi" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "to" }] });
    expect(harness.server.requests).toHaveLength(0);
  });
});

import { createConnectorClient, createMemoryCredentialStore, createMemoryOAuthStateStore, slackConnector } from "@neonhub/connectors";
import { describe, expect, it } from "vitest";
import { createConnectionService } from "../connections/connection-service.js";
import { listeningTestHostAroundSuite } from "../testing/listening-test-host.js";

const suite = listeningTestHostAroundSuite(() => {
  const credentials = createMemoryCredentialStore();
  const connectors = createConnectorClient({ mode: "mock", connectors: [slackConnector], credentials });
  return { connections: createConnectionService({ store: credentials, states: createMemoryOAuthStateStore(), connectors, oauthClients: {}, redirectUri: null, returnUrls: [] }) };
});

const JSON_TYPE = { "content-type": "application/json" };

/** Sends a request with the alpha key and, when `headers` names one, a Content-Type; `body` "" is an empty body. */
async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`${suite.baseUrl}${path}`, { method, headers: { ...suite.host.alpha, ...headers }, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get("content-type"), body: text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function waitingRun(): Promise<string> {
  const run = (await suite.host.app.inject({ method: "POST", url: "/v1/runs", headers: suite.host.alpha, payload: { agent: "approval", input: { text: "raise budget" } } })).json();
  expect(run.status).toBe("WAITING");
  return run.id as string;
}

async function schedule(): Promise<string> {
  return (await suite.host.app.inject({ method: "POST", url: "/v1/schedules", headers: suite.host.alpha, payload: { agent: "echo", cron: "0 6 * * *", input: { text: "hi" } } })).json().id as string;
}

async function connection(): Promise<string> {
  const created = await suite.host.app.inject({ method: "PUT", url: "/v1/connections/slack", headers: suite.host.alpha, payload: { credentials: { accessToken: "xoxb-test" } } });
  expect(created.statusCode).toBe(200);
  return "slack";
}

describe("an empty body sent as application/json", () => {
  it.each<[string, () => Promise<string>, number]>([
    ["DELETE", async () => `/v1/schedules/${await schedule()}`, 204],
    ["POST", async () => `/v1/runs/${await waitingRun()}/cancel`, 200],
    ["DELETE", async () => `/v1/connections/${await connection()}`, 200],
    ["POST", async () => `/v1/connections/${await connection()}/revoke`, 200],
    ["DELETE", async () => "/ui/session", 204],
  ])("is no body on %s routes that take none", async (method, path, status) => {
    const response = await send(method, await path(), JSON_TYPE, "");
    expect(response.status, JSON.stringify(response.body)).toBe(status);
  });

  it("cancels the run as a request without the header does", async () => {
    const runId = await waitingRun();
    const response = await send("POST", `/v1/runs/${runId}/cancel`, JSON_TYPE, "");
    expect(response.body).toMatchObject({ id: runId, status: "CANCELLED" });
  });

  it.each<[string, () => Promise<string>]>([
    ["POST", async () => "/v1/runs"],
    ["POST", async () => `/v1/runs/${await waitingRun()}/signals/approval`],
    ["PATCH", async () => `/v1/schedules/${await schedule()}`],
    ["PUT", async () => "/v1/connections/slack"],
  ])("is answered on %s routes that need a body as a missing body is, naming the body", async (method, path) => {
    const url = await path();
    const empty = await send(method, url, JSON_TYPE, "");
    expect(empty.status).toBe(400);
    expect(empty.contentType).toContain("application/problem+json");
    expect(empty.body).toMatchObject({ code: "VALIDATION_FAILED", fieldErrors: [{ path: "body" }] });
    expect(empty).toEqual(await send(method, url, {}));
  });

  it("still refuses a body of only white space as invalid JSON", async () => {
    const response = await send("DELETE", "/ui/session", JSON_TYPE, " ");
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHost, TEST_CONNECTORS, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeAll(async () => {
  host = await createTestHost();
});
afterAll(async () => {
  await host.app.close();
});

describe("GET /v1/agents", () => {
  it("lists every registered agent with its input JSON schema and breaker state", async () => {
    const response = await host.app.inject({ method: "GET", url: "/v1/agents", headers: host.alpha });
    expect(response.statusCode).toBe(200);
    const { agents } = response.json();
    expect(agents.map((agent: { name: string }) => agent.name).sort()).toEqual(["approval", "broken", "echo", "scarce", "waiting"]);
    const echo = agents.find((agent: { name: string }) => agent.name === "echo");
    expect(echo).toMatchObject({ version: "1.0.0", kind: "test", breakerState: "closed", inputSchema: { type: "object", properties: { text: { type: "string" } } } });
  });
});

describe("GET /v1/connectors", () => {
  it("lists the catalog with each connector's mode and actions", async () => {
    const response = await host.app.inject({ method: "GET", url: "/v1/connectors", headers: host.alpha });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ connectors: TEST_CONNECTORS });
  });
});

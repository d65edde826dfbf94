import { gzipSync } from "node:zlib";
import SwaggerParser from "@apidevtools/swagger-parser";
import type { OpenAPIV3 } from "openapi-types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestHost, type TestHost } from "../testing/create-test-host.js";

let host: TestHost;
beforeAll(async () => {
  host = await createTestHost();
});
afterAll(async () => {
  await host.app.close();
});

describe("OpenAPI document", () => {
  it("is a valid OpenAPI 3 document with every route of the contract", async () => {
    const response = await host.app.inject({ method: "GET", url: "/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json() as OpenAPIV3.Document;
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeTruthy();
    expect(Object.keys(document.paths).sort()).toEqual([
      "/api/health",
      "/metrics",
      "/ui/session",
      "/v1/agents",
      "/v1/connectors",
      "/v1/runs",
      "/v1/runs/events",
      "/v1/runs/summary",
      "/v1/runs/{id}",
      "/v1/runs/{id}/cancel",
      "/v1/runs/{id}/signals/{name}",
      "/v1/schedules",
      "/v1/schedules/{id}",
    ]);
    expect(document.info.version).toBe("9.9.9-test");
  });

  it("documents bodies, statuses and problem responses from the zod schemas", async () => {
    const document = (await host.app.inject({ method: "GET", url: "/openapi.json" })).json() as OpenAPIV3.Document;
    const createRun = document.paths["/v1/runs"]?.post as OpenAPIV3.OperationObject;
    expect(Object.keys(createRun.responses).sort()).toEqual(["200", "202", "400", "401", "403", "404", "409", "413", "415", "429", "500", "503"]);
    expect(createRun.description).toContain("Needs the API key scope `runs:write`.");
    expect((document.paths["/v1/schedules"]?.get as OpenAPIV3.OperationObject).description).toContain("Needs the API key scope `schedules:read`.");
    expect(Object.keys((createRun.responses["429"] as OpenAPIV3.ResponseObject).content ?? {})).toEqual(["application/problem+json"]);
    const body = JSON.stringify(createRun.requestBody);
    expect(body).toContain("CreateRunRequest");
    const schemas = document.components?.schemas ?? {};
    expect(schemas.CreateRunRequest).toMatchObject({ required: expect.arrayContaining(["agent", "input"]) });
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining(["AgentRun", "AgentRunWithTools", "ToolExecution", "Problem", "RunPage", "Health"]));
    expect(createRun.security).toEqual([{ apiKey: [] }]);
    const runStep = schemas.RunStep as OpenAPIV3.SchemaObject;
    expect(runStep.required).toContain("childRunId");
    expect(runStep.properties?.childRunId).toMatchObject({ type: "string", nullable: true, description: expect.stringContaining("CHILD step") });
  });

  it("documents 400, 413 and 415 as problems on every operation that takes a JSON body", async () => {
    const document = (await host.app.inject({ method: "GET", url: "/openapi.json" })).json() as OpenAPIV3.Document;
    const withBody = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item ?? {})
        .filter(([, operation]) => (operation as OpenAPIV3.OperationObject).requestBody !== undefined)
        .map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, responses: (operation as OpenAPIV3.OperationObject).responses })),
    );
    expect(withBody.map(({ route }) => route).sort()).toEqual([
      "PATCH /v1/schedules/{id}",
      "POST /ui/session",
      "POST /v1/runs",
      "POST /v1/runs/{id}/signals/{name}",
      "POST /v1/schedules",
    ]);
    for (const { route, responses } of withBody) {
      for (const status of ["400", "413", "415"]) {
        expect(Object.keys((responses[status] as OpenAPIV3.ResponseObject | undefined)?.content ?? {}), `${route} ${status}`).toEqual(["application/problem+json"]);
      }
      expect((responses["415"] as OpenAPIV3.ResponseObject).description, route).toContain("Content-Encoding");
    }
    // A route's own description of a status is kept.
    expect((document.paths["/v1/runs"]?.post?.responses["413"] as OpenAPIV3.ResponseObject).description).toBe("The body is larger than the limit.");
  });

  it("answers 413 and 415 where the document says so", async () => {
    const schedule = await host.app.inject({ method: "POST", url: "/v1/schedules", headers: { ...host.alpha, "content-type": "text/plain" }, payload: "0 6 * * *" });
    expect([schedule.statusCode, schedule.json().code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const compressed = await host.app.inject({ method: "POST", url: "/v1/schedules", headers: { ...host.alpha, "content-type": "application/json", "content-encoding": "gzip" }, payload: gzipSync("{}") });
    expect([compressed.statusCode, compressed.json().code]).toEqual([415, "UNSUPPORTED_MEDIA_TYPE"]);
    const session = await host.app.inject({ method: "POST", url: "/ui/session", headers: { "content-type": "application/json" }, payload: JSON.stringify({ apiKey: "x".repeat(2 * 1024 * 1024) }) });
    expect([session.statusCode, session.json().code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
  });

  it("serves the interactive documentation without anything from a CDN", async () => {
    const page = await host.app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    const resources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] as string);
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect(resource).not.toMatch(/^(https?:)?\/\//);
      expect((await host.app.inject({ method: "GET", url: new URL(resource, "http://host/docs/").pathname })).statusCode, resource).toBe(200);
    }
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createMetricsHandler } from "./create-metrics-handler.js";
import { createPrometheusMetrics } from "./create-prometheus-metrics.js";
import { sampleValue } from "./test-support/exposition.js";

let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: ReturnType<typeof createMetricsHandler>): Promise<string> {
  server = createServer((request, response) => void handler(request, response));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe("createMetricsHandler", () => {
  it("answers a scrape with the exposition and its content type", async () => {
    const metrics = createPrometheusMetrics({ collectDefaultMetrics: false });
    metrics.sink.runFinished({ agent: "writer", status: "COMPLETED", durationMs: 12, attempts: 1 });
    const url = await serve(createMetricsHandler(metrics));

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(metrics.contentType);
    expect(sampleValue(await response.text(), "neonhub_agent_runs_total", { agent: "writer", status: "COMPLETED" })).toBe(1);

    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("refuses other methods", async () => {
    const url = await serve(createMetricsHandler(createPrometheusMetrics({ collectDefaultMetrics: false })));
    const response = await fetch(url, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 500 without details when the exposition fails", async () => {
    const failing = { contentType: "text/plain", render: () => Promise.reject(new Error("collect failed at /secret/path")) };
    const response = await fetch(await serve(createMetricsHandler(failing)));
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("Metrics are unavailable\n");
  });
});

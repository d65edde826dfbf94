import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { listeningTestHostAroundSuite } from "../testing/listening-test-host.js";

const suite = listeningTestHostAroundSuite();

const runBody = JSON.stringify({ agent: "echo", input: { text: "hello" } });

async function countRuns(): Promise<number> {
  return (await suite.host.orchestrator.store.listRuns({ organizationId: "org_alpha", limit: 100 })).runs.length;
}

function post(path: string, contentEncoding: string, body: string | Buffer) {
  return fetch(`${suite.baseUrl}${path}`, { method: "POST", headers: { ...suite.host.alpha, "content-type": "application/json", "content-encoding": contentEncoding }, body });
}

describe("bodies in a content coding", () => {
  it.each([
    ["gzip", gzipSync(runBody)],
    ["GZIP", gzipSync(runBody)],
    ["deflate", deflateSync(runBody)],
    ["br", brotliCompressSync(runBody)],
    ["br, sent without it", runBody],
    ["identity, gzip", gzipSync(runBody)],
    ["x-unknown", runBody],
  ])("answers 415 UNSUPPORTED_MEDIA_TYPE for Content-Encoding %s, and starts no run", async (label, body) => {
    const before = await countRuns();
    const response = await post("/v1/runs", label.replace(", sent without it", ""), body);
    expect(response.status).toBe(415);
    expect(response.headers.get("content-type")).toContain("application/problem+json");
    expect(response.headers.get("accept-encoding")).toBe("identity");
    expect(await response.json()).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE", detail: expect.stringContaining("Content-Encoding") });
    expect(await countRuns()).toBe(before);
  });

  it("answers 415 before reading the body, so a body over the limit too", async () => {
    const response = await post("/v1/runs", "gzip", JSON.stringify({ agent: "echo", input: { text: "x".repeat(2 * 1024 * 1024) } }));
    expect(response.status).toBe(415);
  });

  it("keeps no signal sent in a content coding, and the run goes on waiting", async () => {
    const run = (await suite.host.app.inject({ method: "POST", url: "/v1/runs", headers: suite.host.alpha, payload: { agent: "approval", input: { text: "raise budget" } } })).json();
    const response = await post(`/v1/runs/${run.id}/signals/approval`, "gzip", gzipSync(JSON.stringify({ payload: { approved: true } })));
    expect(response.status).toBe(415);
    expect(await suite.host.orchestrator.store.getSignal("org_alpha", run.id, "approval")).toBeNull();
    expect((await suite.host.orchestrator.getRun("org_alpha", run.id))?.status).toBe("WAITING");
  });

  it.each(["identity", "Identity"])("reads a body sent with Content-Encoding %s", async (contentEncoding) => {
    const response = await post("/v1/runs", contentEncoding, runBody);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "COMPLETED", output: { text: "hello" } });
  });

  it("does not refuse a request without a body for its header", async () => {
    const run = (await suite.host.app.inject({ method: "POST", url: "/v1/runs", headers: suite.host.alpha, payload: { agent: "approval", input: { text: "raise budget" } } })).json();
    const response = await fetch(`${suite.baseUrl}/v1/runs/${run.id}/cancel`, { method: "POST", headers: { ...suite.host.alpha, "content-encoding": "gzip" } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "CANCELLED" });
  });
});

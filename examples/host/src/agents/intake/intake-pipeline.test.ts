import { createConnectorClient } from "@neonhub/connectors";
import type { AgentRun } from "@neonhub/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTestHost, type TestHost } from "../../testing/create-test-host.js";
import { createExampleAgents } from "../example-agents.js";
import { EMBEDDING_DIMENSIONS, hashEmbedding } from "./intake-embed.js";
import { termsOf } from "./intake-normalize.js";

const channelId = `UC${"a".repeat(22)}`;

describe("the intake pipeline through the host", () => {
  let host: TestHost;
  let connectors: ReturnType<typeof createConnectorClient>;
  beforeEach(async () => {
    connectors = createConnectorClient({ mode: "mock" });
    host = await createTestHost({ agents: createExampleAgents(connectors) });
  });
  afterEach(async () => {
    await host.app.close();
    await connectors.close();
  });

  it("fetches, then normalizes and embeds each document as child runs, and shows the tree", async () => {
    const started = await host.app.inject({ method: "POST", url: "/v1/runs", headers: host.alpha, payload: { agent: "intake-pipeline", input: { channelId, maxResults: 3 } } });
    expect([200, 202]).toContain(started.statusCode);
    const runId = started.json().id as string;
    let run: (AgentRun & { children: Array<{ agentName: string; status: string; children: unknown[] }> }) | undefined;
    await vi.waitFor(async () => {
      await host.orchestrator.resumeDueRuns();
      const response = await host.app.inject({ method: "GET", url: `/v1/runs/${runId}`, headers: host.alpha });
      run = response.json();
      expect(run?.status).toBe("COMPLETED");
    });
    const documents = (run?.output as { embedded: Array<{ id: string; dimensions: number }> }).embedded;
    expect(documents).toHaveLength(3);
    expect(documents.every((document) => document.dimensions === EMBEDDING_DIMENSIONS)).toBe(true);
    expect(run?.children.map((child) => child.agentName)).toEqual(["intake-fetch", ...Array(3).fill("intake-normalize"), ...Array(3).fill("intake-embed")]);
    expect(run?.children.every((child) => child.status === "COMPLETED" && child.children.length === 0)).toBe(true);
    // The children belong to the caller's organization only.
    const other = await host.app.inject({ method: "GET", url: `/v1/runs?limit=50`, headers: host.beta });
    expect(other.json().runs).toEqual([]);
  });
});

describe("intake helpers", () => {
  it("normalizes text into lower-case terms without accents or punctuation", () => {
    expect(termsOf("Éclair — Launch Day! 2026 a")).toEqual(["eclair", "launch", "day", "2026"]);
  });

  it("embeds terms into a deterministic unit vector", () => {
    const vector = hashEmbedding(["launch", "day"]);
    expect(vector).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    expect(hashEmbedding(["launch", "day"])).toEqual(vector);
    expect(hashEmbedding([])).toEqual(new Array(EMBEDDING_DIMENSIONS).fill(0));
  });
});

import type { AgentDefinition, RunStore } from "@neonhub/core";
import { createTestHost } from "../../src/testing/create-test-host.js";
import { echoAgent, scarceAgent, waitingAgent } from "../../src/testing/test-agents.js";
import { FuzzSession, operationsOf, type OpenApiDocument, sendCorpus, sendGenerated, UNDOCUMENTED_OPERATIONS } from "./fuzz-host.js";
import { closeRawConnections, sendRawRequest } from "./send-raw-request.js";

/** Generated requests in the normal suite; `FUZZ_RUNS` asks for more (for a long run). */
export const DEFAULT_GENERATED_RUNS = 600;

/** The admission limit would answer most requests 429 before they reach the store: it is off here. */
const unlimited = (agent: AgentDefinition): AgentDefinition => ({ ...agent, policies: { ...agent.policies, admission: { enabled: false } } }) as AgentDefinition;

/** Health after the run: asked up to `attempts` times, since a busy database may miss one check's deadline. */
async function healthyWithin(baseUrl: string, attempts: number) {
  let health = await sendRawRequest(baseUrl, { method: "GET", path: "/api/health", headers: {} });
  for (let attempt = 1; attempt < attempts && health?.status !== 200; attempt += 1) health = await sendRawRequest(baseUrl, { method: "GET", path: "/api/health", headers: {} });
  return health;
}

/** What a fuzz run did. */
export interface FuzzReport {
  sent: number;
  corpus: number;
  generated: number;
  seed: number;
  findings: FuzzSession["findings"];
  healthAfter: number;
  runAfter: number;
}

/**
 * Starts the host on 127.0.0.1 (agents whose failures are the caller's: no breaker that a 503 would rightly
 * answer), reads its `/openapi.json`, sends the known-nasty corpus and generated requests, then checks that it
 * is still healthy and still runs an agent.
 */
export async function runFuzzSuite(options: { store?: RunStore; runs?: number; seed?: number } = {}): Promise<FuzzReport> {
  const runs = options.runs ?? (Number(process.env.FUZZ_RUNS) || DEFAULT_GENERATED_RUNS);
  const seed = options.seed ?? (Number(process.env.FUZZ_SEED) || Date.now() % 2 ** 31);
  const host = await createTestHost({ agents: [unlimited(echoAgent), unlimited(waitingAgent), scarceAgent], ...(options.store ? { store: options.store } : {}) });
  const baseUrl = await host.app.listen({ host: "127.0.0.1", port: 0 });
  try {
    const session = new FuzzSession(baseUrl, host.keys.alpha);
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as OpenApiDocument;
    const operations = [...operationsOf(document), ...UNDOCUMENTED_OPERATIONS];
    await sendCorpus(session, operations);
    const corpus = session.sent;
    await sendGenerated(session, operations, runs, seed);
    const health = await healthyWithin(baseUrl, 3);
    const run = await sendRawRequest(baseUrl, {
      method: "POST",
      path: "/v1/runs",
      // The other organization's key: the fuzzed one may have used up the scarce agent's admission.
      headers: { authorization: `Bearer ${host.keys.beta}`, "content-type": "application/json" },
      body: JSON.stringify({ agent: "echo", input: { text: "still here" } }),
    });
    return { sent: session.sent, corpus, generated: session.sent - corpus, seed, findings: session.findings, healthAfter: health?.status ?? 0, runAfter: run?.status ?? 0 };
  } finally {
    closeRawConnections();
    await host.app.close();
  }
}

/**
 * Cost of the connector client against baselines, in one process and one run:
 * - mock mode: `client.invoke` against calling the action's fixture with the same zod validation directly;
 * - live mode: `client.invoke` (auth, breaker, deadline, error mapping, redaction) against a bare `fetch` of the
 *   same request to the same local server;
 * - declared pacing (bottleneck, limits far above the load) against the same connector without pacing.
 * Writes bench/results/connectors.json at the repository root.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createConnectorClient, createMemoryCredentialStore, defineConnector, slackConnector } from "@neonhub/connectors";
import { startProviderServer } from "@neonhub/connectors/testing";

const MOCK_CALLS = Number(process.env.BENCH_MOCK_CALLS ?? 20_000);
const LIVE_CALLS = Number(process.env.BENCH_LIVE_CALLS ?? 2_000);
const input = { channel: "C0BENCH", text: "benchmark" };

async function perCall(calls: number, call: (index: number) => Promise<unknown>): Promise<{ meanUs: number; p50Us: number; p99Us: number }> {
  for (let index = 0; index < Math.min(200, calls); index += 1) await call(index);
  const samples = new Float64Array(calls);
  for (let index = 0; index < calls; index += 1) {
    const started = process.hrtime.bigint();
    await call(index);
    samples[index] = Number(process.hrtime.bigint() - started) / 1e3;
  }
  const mean = samples.reduce((total, value) => total + value, 0) / calls;
  samples.sort();
  const round = (value: number) => Math.round(value * 10) / 10;
  return { meanUs: round(mean), p50Us: round(samples[Math.floor(calls * 0.5)]!), p99Us: round(samples[Math.floor(calls * 0.99)]!) };
}

const action = slackConnector.actions.postMessage;
const mockBaseline = await perCall(MOCK_CALLS, async (index) => {
  const parsed = action.input.parse({ ...input, text: `benchmark ${index}` });
  const output = action.fixture(parsed, { id: () => "id", hex: () => "0", uuid: () => "u", integer: (min) => min, pick: (values) => values[0] as (typeof values)[number], now: () => new Date(0), occurrence: 0 });
  return action.output.parse(output);
});
const mockClient = createConnectorClient({ mode: "mock", environment: {} });
const mockInvoke = await perCall(MOCK_CALLS, (index) => mockClient.invoke(slackConnector, "postMessage", { ...input, text: `benchmark ${index}` }));

const server = await startProviderServer(() => ({ status: 200, json: { ok: true, channel: "C0BENCH", ts: "1700000000.000100" } }));
const credentials = createMemoryCredentialStore({ connections: [{ organizationId: "org_bench", connector: "slack", authType: "bearer", credentials: { accessToken: "xoxb-bench-token" }, expiresAt: null }] });
const bareFetch = async () => {
  const response = await fetch(`${server.url}/chat.postMessage`, {
    method: "POST",
    headers: { authorization: "Bearer xoxb-bench-token", "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(input),
  });
  return response.json();
};
const liveClient = createConnectorClient({ mode: "live", environment: {}, credentials, organizationId: "org_bench", baseUrls: { slack: server.url } });
// Alternating rounds, so that warm-up and connection reuse favour neither side; the faster round of each counts.
const fastest = (samples: Array<{ meanUs: number; p50Us: number; p99Us: number }>) => samples.sort((a, b) => a.meanUs - b.meanUs)[0]!;
const baselineRounds: Array<{ meanUs: number; p50Us: number; p99Us: number }> = [];
const clientRounds: Array<{ meanUs: number; p50Us: number; p99Us: number }> = [];
for (let round = 0; round < 3; round += 1) {
  baselineRounds.push(await perCall(LIVE_CALLS, bareFetch));
  clientRounds.push(await perCall(LIVE_CALLS, () => liveClient.invoke(slackConnector, "postMessage", input)));
}
const liveBaseline = fastest(baselineRounds);
const liveInvoke = fastest(clientRounds);
const pacedSlack = defineConnector({ ...slackConnector, id: "slack-paced", rateLimit: { maxConcurrent: 1_000 } });
const pacedClient = createConnectorClient({
  mode: "live",
  environment: {},
  connectors: [pacedSlack],
  credentials: createMemoryCredentialStore({ connections: [{ organizationId: "org_bench", connector: "slack-paced", authType: "bearer", credentials: { accessToken: "xoxb-bench-token" }, expiresAt: null }] }),
  organizationId: "org_bench",
  baseUrls: { "slack-paced": server.url },
});
const pacedInvoke = await perCall(Math.min(LIVE_CALLS, 500), () => pacedClient.invoke(pacedSlack, "postMessage", input));
await Promise.all([liveClient.close(), pacedClient.close(), mockClient.close()]);
await server.close();

const ratio = (value: number, baseline: number) => Math.round((value / baseline) * 100) / 100;
const results = {
  node: process.version,
  calls: { mock: MOCK_CALLS, live: LIVE_CALLS, paced: Math.min(LIVE_CALLS, 500) },
  mock: { baseline: mockBaseline, client: mockInvoke, ratioMean: ratio(mockInvoke.meanUs, mockBaseline.meanUs) },
  live: { baseline: liveBaseline, client: liveInvoke, ratioMean: ratio(liveInvoke.meanUs, liveBaseline.meanUs), overheadMeanUs: Math.round(liveInvoke.meanUs - liveBaseline.meanUs) },
  pacing: { unpaced: liveInvoke, paced: pacedInvoke, addedMeanUs: Math.round(pacedInvoke.meanUs - liveInvoke.meanUs) },
};
const target = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "bench", "results", "connectors.json");
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, `${JSON.stringify(results, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));

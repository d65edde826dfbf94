// The host for the soak benchmark, in its own process so that its memory is measured apart from the load generator.
// Usage: tsx bench/soak-server.ts <users>. Prints {"url"} once it listens.
import { createMemoryRunStore, createOrchestrator, defineAgent } from "@neonhub/core";
import { createPrometheusMetrics } from "@neonhub/metrics";
import { z } from "zod";
import { createHostApp } from "../src/app/create-host-app.js";
import { createCachedApiKeyStore, DEFAULT_API_KEY_CACHE_TTL_MS } from "../src/auth/cached-api-key-store.js";
import { issueApiKey } from "../src/auth/issue-api-key.js";
import { createMemoryApiKeyStore } from "../src/auth/memory-api-key-store.js";
import { soakApiKey } from "./soak-key.js";


const echo = defineAgent({
  name: "echo",
  version: "1.0.0",
  description: "Repeats its text",
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  handle: async (input) => ({ text: input.text }),
});

const users = Number(process.argv[2] ?? 100_000);
// The backing store stands for the database: it must hold every key, and a bounded map keeps between half and all
// of its size (two generations), so it is given twice the users.
const apiKeyStore = createMemoryApiKeyStore({ maxKeys: users * 2 });
for (let index = 0; index < users; index += 1) {
  await issueApiKey(apiKeyStore, { organizationId: `org_${index % 100}`, userId: `user_${index}`, name: "soak", key: soakApiKey(index) });
}
const metrics = createPrometheusMetrics();
// Defaults everywhere (the memory store's bounded size, the per-user admission limit, the key cache): the point is
// that nothing grows with the number of distinct users and keys.
const orchestrator = createOrchestrator({ agents: [echo], store: createMemoryRunStore(), metrics: metrics.sink });
const app = await createHostApp({
  orchestrator,
  apiKeyStore: createCachedApiKeyStore(apiKeyStore, { ttlMs: DEFAULT_API_KEY_CACHE_TTL_MS }),
  connectors: { list: () => [] },
  metrics,
  healthChecks: {},
  version: "soak",
});
const url = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on("SIGTERM", () => void app.close().then(() => process.exit(0)));

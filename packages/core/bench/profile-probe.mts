import { z } from "zod";
import { createMemoryRunStore, createOrchestrator, defineAgent } from "../src/index.js";
const agent = defineAgent({ name: "noop", version: "1", description: "", input: z.object({ n: z.number() }), output: z.object({ n: z.number() }), handle: async (i) => i });
const o = createOrchestrator({ agents: [agent], store: createMemoryRunStore({ maxRuns: Number(process.argv[3] ?? 10000) }), policies: { admission: { limit: 1e9 } } });
const N = Number(process.argv[2] ?? 200000);
let next = 0;
const t = Date.now();
await Promise.all(Array.from({ length: 32 }, async () => { while (next < N) { const i = next++; await o.orchestrate({ agent: "noop", input: { n: i }, context: { userId: `u${i % 1000}`, organizationId: "o" } }); } }));
console.log(N / ((Date.now() - t) / 1000), "runs/s");

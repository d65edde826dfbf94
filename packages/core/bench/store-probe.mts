import { createMemoryRunStore } from "../src/index.js";
const store = createMemoryRunStore({ maxRuns: Number(process.argv[3] ?? 10000) });
const N = Number(process.argv[2] ?? 200000);
const t = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  const id = crypto.randomUUID();
  await store.createRun({ id, agentName: "a", agentVersion: "1", organizationId: "o", userId: "u", intent: null, input: { n: i }, idempotencyKey: null, requestHash: null, status: "RUNNING", createdAt: new Date(), startedAt: new Date(), traceId: null, parentRunId: null });
  await store.finishRun({ organizationId: "o", runId: id, status: "COMPLETED", statusReason: "completed", output: { n: i }, error: null, attempts: 1, completedAt: new Date(), durationMs: 0, metrics: [] });
}
console.log(Number(process.hrtime.bigint() - t) / N / 1000, "us per run");

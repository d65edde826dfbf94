import { createMemoryRunStore } from "../src/index.js";
const store = createMemoryRunStore({ maxRuns: Number(process.argv[3] ?? 10000) });
const N = Number(process.argv[2] ?? 200000);
for (let round = 0; round < 3; round++) {
let create = 0n, finish = 0n;
for (let i = 0; i < N; i++) {
  const id = crypto.randomUUID();
  const a = process.hrtime.bigint();
  await store.createRun({ id, agentName: "a", agentVersion: "1", organizationId: "o", userId: "u", intent: null, input: { n: i }, idempotencyKey: null, requestHash: null, status: "RUNNING", createdAt: new Date(), startedAt: new Date(), traceId: null, parentRunId: null });
  const b = process.hrtime.bigint();
  await store.finishRun({ organizationId: "o", runId: id, status: "COMPLETED", statusReason: "completed", output: { n: i }, error: null, attempts: 1, completedAt: new Date(), durationMs: 0, metrics: [] });
  finish += process.hrtime.bigint() - b; create += b - a;
}
console.log("create", Number(create) / N / 1000, "finish", Number(finish) / N / 1000, "us");
}

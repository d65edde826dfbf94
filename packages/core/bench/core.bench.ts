/**
 * Orchestration overhead against baselines, all in one process and one run:
 * direct handler calls (the floor), the old router's composition (opossum inside p-retry inside bottleneck),
 * cockatiel's retry + breaker + bulkhead, and the orchestrator with every policy on.
 * Writes bench/results/core.json at the repository root.
 */
import Bottleneck from "bottleneck";
import { bulkhead, circuitBreaker, ConsecutiveBreaker, ExponentialBackoff, handleAll, retry, wrap } from "cockatiel";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import OpossumBreaker from "opossum";
import pRetry from "p-retry";
import { z } from "zod";
import { createMemoryRunStore, createOrchestrator, defineAgent } from "@neonhub/core";

const THROUGHPUT_RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const LATENCY_RUNS = 20_000;
const IN_FLIGHT = 32;
const USERS = 1_000;
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 1_000_000);
const MEMORY_USERS = 100_000;

const noopAgent = defineAgent({
  name: "noop",
  version: "1.0.0",
  description: "Does nothing",
  input: z.object({ n: z.number() }),
  output: z.object({ n: z.number() }),
  handle: async (input) => input,
});
const handler = (input: { n: number }) => noopAgent.handle(input, undefined as never);

/** Runs `call(i)` THROUGHPUT_RUNS times with IN_FLIGHT callers; returns calls per second. */
async function throughput(call: (index: number) => Promise<unknown>, runs = THROUGHPUT_RUNS): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < runs) await call(next++);
    }),
  );
  return runs / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Sequential calls; returns p50 and p99 latency in microseconds. */
async function latency(call: (index: number) => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  const samples = new Float64Array(LATENCY_RUNS);
  for (let index = 0; index < LATENCY_RUNS; index += 1) {
    const started = process.hrtime.bigint();
    await call(index);
    samples[index] = Number(process.hrtime.bigint() - started) / 1e3;
  }
  samples.sort();
  return { p50: samples[Math.floor(LATENCY_RUNS * 0.5)]!, p99: samples[Math.floor(LATENCY_RUNS * 0.99)]! };
}

function orchestratorUnderTest(extra: Parameters<typeof createOrchestrator>[0]["policies"] = {}) {
  const orchestrator = createOrchestrator({
    agents: [noopAgent],
    store: createMemoryRunStore({ maxRuns: 10_000 }),
    policies: { admission: { enabled: true, limit: 1_000_000_000, windowMs: 60_000 }, timeoutMs: 30_000, ...extra },
  });
  return (index: number, users = USERS) =>
    orchestrator.orchestrate({ agent: "noop", input: { n: index }, context: { userId: `user-${index % users}`, organizationId: "org-bench" } });
}

function naiveComposition() {
  const limiter = new Bottleneck();
  const breaker = new OpossumBreaker((input: { n: number }) => handler(input), { timeout: 30_000 });
  return (index: number) => limiter.schedule(() => pRetry(() => breaker.fire({ n: index }), { retries: 2, minTimeout: 75 }));
}

function cockatielComposition() {
  const policy = wrap(
    retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff({ initialDelay: 75 }) }),
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(3) }),
    bulkhead(1_000, 10_000),
  );
  return (index: number) => policy.execute(() => handler({ n: index }));
}

async function measureMemory(): Promise<number> {
  const run = orchestratorUnderTest();
  let next = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < MEMORY_RUNS) {
        await run(next++, MEMORY_USERS);
      }
    }),
  );
  // Several collections with pauses between them let V8 return the pages that garbage from finished runs held.
  for (let round = 0; round < 5; round += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return process.memoryUsage().rss / 1024 / 1024;
}

async function main(): Promise<void> {
  const orchestrate = orchestratorUnderTest();
  const capped = orchestratorUnderTest({ concurrency: { maxConcurrent: IN_FLIGHT, maxQueued: 1_000 } });
  const naive = naiveComposition();
  const cockatiel = cockatielComposition();
  const direct = (index: number) => handler({ n: index });

  // Warm up every path so the JIT has seen them before measuring.
  for (const call of [direct, orchestrate, naive, cockatiel, capped]) await throughput(call, 2_000);

  const directRunsPerSec = await throughput(direct);
  const orchestrateRunsPerSec = await throughput(orchestrate);
  const naiveCompositionRunsPerSec = await throughput(naive, 5_000);
  const cockatielRunsPerSec = await throughput(cockatiel);
  const concurrencyCapRunsPerSec = await throughput(capped);
  const { p50, p99 } = await latency(orchestrate);
  const rssMbAfter1MRuns = await measureMemory();

  const result = {
    orchestrateRunsPerSec: Math.round(orchestrateRunsPerSec),
    orchestrateP50Us: Number(p50.toFixed(1)),
    orchestrateP99Us: Number(p99.toFixed(1)),
    directRunsPerSec: Math.round(directRunsPerSec),
    naiveCompositionRunsPerSec: Math.round(naiveCompositionRunsPerSec),
    cockatielRunsPerSec: Math.round(cockatielRunsPerSec),
    concurrencyCapRunsPerSec: Math.round(concurrencyCapRunsPerSec),
    rssMbAfter1MRuns: Number(rssMbAfter1MRuns.toFixed(1)),
    orchestrateOverNaive: Number((orchestrateRunsPerSec / naiveCompositionRunsPerSec).toFixed(1)),
    runsForMemory: MEMORY_RUNS,
    distinctUsersForMemory: MEMORY_USERS,
    inFlight: IN_FLIGHT,
    node: process.version,
  };
  const output = join(dirname(fileURLToPath(import.meta.url)), "../../../bench/results/core.json");
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
  const targets = [result.orchestrateP50Us <= 50, result.orchestrateRunsPerSec >= 20_000, result.orchestrateRunsPerSec > result.naiveCompositionRunsPerSec, result.rssMbAfter1MRuns < 300];
  if (targets.includes(false)) console.warn("core benchmark: a target was missed", targets);
}

await main();

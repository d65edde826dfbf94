/**
 * Durable runs against DBOS Transact, in one process and one run. On PostgreSQL: runs per second of a three-step
 * durable agent (`createOrchestrator` with `createPrismaRunStore`), of the same agent calling its three functions
 * directly (nothing journaled), and of DBOS running the same three-step workflow on its own system database, 32 in
 * flight each, in alternating rounds. Then the overhead per journaled step (`ctx.step`) over a direct call of the
 * same function, on the memory store (µs of this process's CPU time, which other processes on the machine do not
 * inflate, beside the elapsed time) and on PostgreSQL (ms elapsed, one run at a time). Writes
 * bench/results/durable.json at the repository root. Every database it uses it creates and drops.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { createMemoryRunStore, createOrchestrator, type Orchestrator, type RunStore } from "@neonhub/core";
import { createPrismaRunStore, openNeonhubDatabase } from "@neonhub/persistence-prisma";
import { launchDbos, threeStepWorkflow } from "./dbos-workflow.js";
import { callsPerSecond, median, overheadPerStep, type CallTime } from "./measure.js";
// The same scratch databases as the store's own PostgreSQL tests.
import { createScratchDatabase } from "../../../packages/persistence-prisma/src/tooling/scratch-database.js";
import { directAgent, journaledAgent } from "./step-agents.js";

const SERVER_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const IN_FLIGHT = 32;
// The run store's pool size (persistence-prisma); DBOS gets the same.
const POOL_SIZE = 10;
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_DURABLE_ROUNDS ?? 4);
const DURABLE_RUNS_PER_ROUND = Number(process.env.BENCH_DURABLE_RUNS ?? 2_000);
const DBOS_WORKFLOWS_PER_ROUND = Number(process.env.BENCH_DBOS_WORKFLOWS ?? 600);
const OVERHEAD_STEPS = 10;
const MEMORY_RUNS_PER_ROUND = Number(process.env.BENCH_MEMORY_RUNS ?? 20_000);
const MEMORY_ROUNDS = 10;
const POSTGRES_RUNS_PER_ROUND = Number(process.env.BENCH_POSTGRES_RUNS ?? 80);
const POSTGRES_ROUNDS = 6;
const TARGETS = { durableOverDbos: 5, journaledStepOverheadUs: 5 };

const round = (value: number, digits: number) => Number(value.toFixed(digits));
const rounded = (digits: number) => (time: CallTime) => ({ wallUs: round(time.wallUs, digits), cpuUs: round(time.cpuUs, digits) });
const cpuOf = (time: CallTime) => time.cpuUs;
const wallOf = (time: CallTime) => time.wallUs;
const caller = (index: number) => ({ userId: `user-${index % 1_000}`, organizationId: "org-bench" });
const runOf = (orchestrator: Orchestrator, agent: string) => (index: number) => orchestrator.orchestrate({ agent, input: { n: index }, context: caller(index) });

/** Orchestrator with the journaled and direct agents of `steps` steps each, named `journaled-<steps>` and `direct-<steps>`. */
function orchestratorWith(store: RunStore, ...stepCounts: number[]): Orchestrator {
  const agents = stepCounts.flatMap((steps) => [journaledAgent(`journaled-${steps}`, steps), directAgent(`direct-${steps}`, steps)]);
  return createOrchestrator({ agents, store });
}

async function measureMemoryOverhead() {
  const orchestrator = orchestratorWith(createMemoryRunStore(), OVERHEAD_STEPS);
  const journaled = runOf(orchestrator, `journaled-${OVERHEAD_STEPS}`);
  const direct = runOf(orchestrator, `direct-${OVERHEAD_STEPS}`);
  // Warm up both paths so that the JIT has seen them.
  await overheadPerStep(journaled, direct, { steps: OVERHEAD_STEPS, runsPerRound: MEMORY_RUNS_PER_ROUND / 4, rounds: 2 });
  const measured = await overheadPerStep(journaled, direct, { steps: OVERHEAD_STEPS, runsPerRound: MEMORY_RUNS_PER_ROUND, rounds: MEMORY_ROUNDS });
  await orchestrator.drain({ deadlineMs: 1_000 });
  return measured;
}

async function main(): Promise<void> {
  const memory = await measureMemoryOverhead();

  const storeDatabase = await createScratchDatabase(SERVER_URL, "neonhub_bench_durable");
  const dbosDatabase = await createScratchDatabase(SERVER_URL, "neonhub_bench_dbos");
  let stopDbos: (() => Promise<void>) | undefined;
  let store: RunStore | undefined;
  try {
    const migrated = await openNeonhubDatabase({ url: storeDatabase.url, applyMigrations: true });
    await migrated.close();
    store = await createPrismaRunStore({ url: storeDatabase.url });
    const orchestrator = orchestratorWith(store, 3, OVERHEAD_STEPS);
    stopDbos = await launchDbos(dbosDatabase.url, POOL_SIZE);

    const sides = {
      durable: { call: runOf(orchestrator, "journaled-3"), count: DURABLE_RUNS_PER_ROUND, rounds: [] as number[] },
      unjournaled: { call: runOf(orchestrator, "direct-3"), count: DURABLE_RUNS_PER_ROUND, rounds: [] as number[] },
      dbos: { call: (index: number) => threeStepWorkflow(index), count: DBOS_WORKFLOWS_PER_ROUND, rounds: [] as number[] },
    };
    const order = [sides.durable, sides.unjournaled, sides.dbos];
    for (const side of order) await callsPerSecond(side.call, Math.ceil(side.count / 4), IN_FLIGHT);
    // Alternating rounds, the order reversed every other round, so that no side profits from a quieter moment.
    for (let round = 0; round < THROUGHPUT_ROUNDS; round += 1) {
      for (const side of round % 2 === 0 ? order : [...order].reverse()) side.rounds.push(await callsPerSecond(side.call, side.count, IN_FLIGHT));
    }

    const postgres = await overheadPerStep(runOf(orchestrator, `journaled-${OVERHEAD_STEPS}`), runOf(orchestrator, `direct-${OVERHEAD_STEPS}`), {
      steps: OVERHEAD_STEPS,
      runsPerRound: POSTGRES_RUNS_PER_ROUND,
      rounds: POSTGRES_ROUNDS,
    });
    await orchestrator.drain({ deadlineMs: 5_000 });

    const durableRunsPerSec = median(sides.durable.rounds);
    const dbosWorkflowsPerSec = median(sides.dbos.rounds);
    const journaledStepOverheadUs = median(memory.perStep.map(cpuOf));
    const result = {
      durableRunsPerSec: Math.round(durableRunsPerSec),
      dbosWorkflowsPerSec: Math.round(dbosWorkflowsPerSec),
      durableOverDbos: Number((durableRunsPerSec / dbosWorkflowsPerSec).toFixed(2)),
      unjournaledRunsPerSec: Math.round(median(sides.unjournaled.rounds)),
      journaledStepOverheadUs: round(journaledStepOverheadUs, 2),
      journaledStepOverheadWallUs: round(median(memory.perStep.map(wallOf)), 2),
      journaledStepOverheadPgMs: round(median(postgres.perStep.map(wallOf)) / 1_000, 3),
      journaledStepOverheadPgCpuUs: round(median(postgres.perStep.map(cpuOf)), 1),
      targets: TARGETS,
      met: {
        durableOverDbos: durableRunsPerSec >= TARGETS.durableOverDbos * dbosWorkflowsPerSec,
        journaledStepOverheadUs: journaledStepOverheadUs <= TARGETS.journaledStepOverheadUs,
      },
      rounds: {
        durableRunsPerSec: sides.durable.rounds.map(Math.round),
        unjournaledRunsPerSec: sides.unjournaled.rounds.map(Math.round),
        dbosWorkflowsPerSec: sides.dbos.rounds.map(Math.round),
        memoryStepOverheadUs: memory.perStep.map(rounded(2)),
        memoryJournaledRunUs: memory.journaledRun.map(rounded(1)),
        memoryDirectRunUs: memory.directRun.map(rounded(1)),
        postgresStepOverheadUs: postgres.perStep.map(rounded(0)),
        postgresJournaledRunUs: postgres.journaledRun.map(rounded(0)),
        postgresDirectRunUs: postgres.directRun.map(rounded(0)),
      },
      inFlight: IN_FLIGHT,
      poolSize: POOL_SIZE,
      durableRunsPerRound: DURABLE_RUNS_PER_ROUND,
      dbosWorkflowsPerRound: DBOS_WORKFLOWS_PER_ROUND,
      overheadSteps: OVERHEAD_STEPS,
      memoryRunsPerRound: MEMORY_RUNS_PER_ROUND,
      postgresRunsPerRound: POSTGRES_RUNS_PER_ROUND,
      node: process.version,
      loadAverage: loadavg().map((value) => round(value, 2)),
    };
    const resultsDir = new URL("../../results/", import.meta.url);
    await mkdir(resultsDir, { recursive: true });
    await writeFile(new URL("durable.json", resultsDir), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result, null, 2));
    if (!result.met.durableOverDbos || !result.met.journaledStepOverheadUs) console.warn("durable benchmark: a target was missed", result.met);
  } finally {
    await stopDbos?.();
    await (store as { close?: () => Promise<void> } | undefined)?.close?.();
    await storeDatabase.drop();
    await dbosDatabase.drop();
  }
}

await main();

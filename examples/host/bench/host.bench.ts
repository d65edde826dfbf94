// Throughput of POST /v1/runs (no-op agent) against a bare Fastify route, and with the PostgreSQL store.
// Writes <repo root>/bench/results/host.json. Run with `pnpm bench` (or `pnpm --filter @neonhub/example-host bench`).
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = 16;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const hostDirectory = fileURLToPath(new URL("..", import.meta.url));
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));
const body = JSON.stringify({ agent: "noop", input: { n: 1 } });
const headers = { "content-type": "application/json", authorization: "Bearer nh_benchmark_key_0123456789abcdef" };

interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function withServer<T>(variant: string, extra: string[], use: (url: string) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/bench-server.ts", variant, ...extra], { cwd: hostDirectory, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on("exit", (code) => reject(new Error(`bench server ${variant} exited with ${code}`)));
  });
  try {
    return await use(url);
  } finally {
    const exited = new Promise((resolve) => child.on("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

async function measure(url: string): Promise<Measured> {
  // A short warm-up lets the JIT settle before the measured run.
  await autocannon({ url, method: "POST", headers, body, connections: CONNECTIONS, duration: 1 });
  const result = await autocannon({ url, method: "POST", headers, body, connections: CONNECTIONS, duration: DURATION_SECONDS });
  return { requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function withFreshDatabase<T>(baseUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `neonhub_bench_${randomUUID().replaceAll("-", "")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

// The machine's speed drifts by tens of percent over a minute (other tenants), so each round measures the two
// servers back to back and the figures are the medians over the rounds: a round's ratio compares like with like.
const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const helloRounds: Measured[] = [];
const runsRounds: Measured[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  helloRounds.push(await withServer("hello", [], measure));
  runsRounds.push(await withServer("runs-memory", [], measure));
}
const roundRatios = runsRounds.map((runs, round) => runs.requestsPerSecond / (helloRounds[round] as Measured).requestsPerSecond);
const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const postgres = await withFreshDatabase(databaseUrl, (url) => withServer("runs-postgres", [url], measure));

for (const [name, measured] of Object.entries({ hello: helloRounds, runs: runsRounds, postgres: [postgres] }).flatMap(([name, rounds]) => rounds.map((round) => [name, round] as const))) {
  if (measured.non2xx > 0 || measured.errors > 0) throw new Error(`${name}: ${measured.non2xx} non-2xx answers and ${measured.errors} errors; the benchmark is not valid.`);
}

const roundTo = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
const result = {
  runsReqPerSec: Math.round(median(runsRounds.map((round) => round.requestsPerSecond))),
  helloReqPerSec: Math.round(median(helloRounds.map((round) => round.requestsPerSecond))),
  ratio: roundTo(median(roundRatios), 3),
  roundRatios: roundRatios.map((ratio) => roundTo(ratio, 3)),
  runsP99Ms: median(runsRounds.map((round) => round.p99Ms)),
  pgRunsReqPerSec: Math.round(postgres.requestsPerSecond),
  pgRunsP99Ms: postgres.p99Ms,
  durationSeconds: DURATION_SECONDS,
  rounds: ROUNDS,
  connections: CONNECTIONS,
  cpus: availableParallelism(),
  node: process.version,
};
await mkdir(resultsDirectory, { recursive: true });
await writeFile(`${resultsDirectory}host.json`, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

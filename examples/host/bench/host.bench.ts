// Throughput of POST /v1/runs (no-op agent) against a bare Fastify route, and with the PostgreSQL store.
// Writes <repo root>/bench/results/host.json. Run with `pnpm bench` (or `pnpm --filter @neonhub/example-host bench`).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { HOST_NODE_FLAGS } from "../src/runtime/host-node-flags.js";
import { createScratchDatabase } from "../test/scratch-database.js";
import { placeOnSeparateCpus } from "./cpu-placement.js";
import { keepEventLoopPolling } from "./event-loop-polling.js";

// Short windows: the machine's speed drifts over seconds, so the two windows a ratio compares should be close in
// time, and more of them give a steadier median (see docs/performance.md, "Short windows").
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 0.5);
// autocannon ends a run at its first sample after the duration; sampling every 100 ms keeps a window near its length.
const SAMPLE_INTERVAL_MS = 100;
// Nine servers take turns on one CPU, so each starts its window with caches the others filled, and the first
// 200 to 300 ms run up to 28% slower (docs/performance.md, "Short windows"). A deployed host under steady
// load has no such start, so a window is counted from this point on.
const SETTLE_MS = 300;
const PG_DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const CONNECTIONS = 16;
// Every route runs on several server processes: two processes of the same server differ by up to a third in CPU
// per request (where the JIT's warm-up left Node's stream code), so one process per route measures its luck.
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 16);
// More rounds with the load generator sleeping between answers, as it did before it polled, for comparison.
const SLEEPING_ROUNDS = Number(process.env.BENCH_SLEEPING_ROUNDS ?? 4);
const hostDirectory = fileURLToPath(new URL("..", import.meta.url));
// The build configuration has no source paths, so the servers import the packages as they ship: their built
// `dist`, not their sources through tsx (whose transform names every function it creates, on every call).
const buildTsconfig = fileURLToPath(new URL("../../../tsconfig.build.json", import.meta.url));
const builtPackages = ["core", "connectors", "metrics", "persistence-prisma"].map((name) => fileURLToPath(new URL(`../../../packages/${name}/dist/index.js`, import.meta.url)));
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));
const body = JSON.stringify({ agent: "noop", input: { n: 1 } });
const headers = { "content-type": "application/json", authorization: "Bearer nh_benchmark_key_0123456789abcdef" };
const placement = placeOnSeparateCpus();
if (!placement.pinned) process.stderr.write(`The load generator and the servers share the CPUs: ${placement.notPinnedBecause}. Figures vary more.\n`);
// Polling takes the load generator's whole CPU, so it polls only on a CPU of its own (see event-loop-polling.ts).
const POLLS = placement.pinned && process.env.BENCH_POLL !== "0";
if (!POLLS) process.stderr.write(`The load generator sleeps between answers (${placement.pinned ? "BENCH_POLL=0" : "not pinned"}): waking it costs the server more on slower routes.\n`);

interface Measured {
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  /** Server CPU time per request, all threads (kernel time included); null where /proc is missing. */
  serverCpuUs: number | null;
  /** The kernel's part of {@link serverCpuUs}. */
  serverKernelUs: number | null;
  /** Share of one core the load generator (this process) used: near 1, it and not the server set the pace. */
  loadGeneratorBusy: number;
}

/** How the load generator waits for answers: polling its event loop, or blocked in the kernel until woken. */
type Waiting = "polls" | "sleeps";
/** How it waits in the windows that give `ratio`. */
const HEADLINE_WAITING: Waiting = POLLS ? "polls" : "sleeps";

interface BenchServer {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

async function startServer(variant: string, extra: string[]): Promise<BenchServer> {
  // Every server, the bare route's too, runs with the host's production Node flags.
  const [command, args] = placement.command([...HOST_NODE_FLAGS, "--import", "tsx", "bench/bench-server.ts", variant, ...extra]);
  const child = spawn(command, args, {
    cwd: hostDirectory,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, TSX_TSCONFIG_PATH: buildTsconfig },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.on("exit", (code) => reject(new Error(`bench server ${variant} exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  return {
    url,
    pid: child.pid as number,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function withServer<T>(variant: string, extra: string[], use: (server: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(variant, extra);
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

interface CpuSeconds {
  user: number;
  kernel: number;
}

/** CPU seconds the server process has used (all its threads), where Linux's /proc tells; null elsewhere. */
async function cpuSecondsOf(pid: number): Promise<CpuSeconds | null> {
  try {
    const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]?.split(" ") ?? [];
    return { user: Number(fields[11]) / 100, kernel: Number(fields[12]) / 100 };
  } catch {
    return null;
  }
}

/** What was read when a window's counting began. */
interface Settled {
  at: number;
  cpu: CpuSeconds | null;
  own: NodeJS.CpuUsage;
}

/** A window's autocannon result, with the answers counted from its settle point to its end. */
interface LoadedWindow {
  result: autocannon.Result;
  settled: Settled;
  counted: number;
  endedAt: number;
}

/** Runs autocannon for the window and counts the answers that arrive after {@link SETTLE_MS}. */
function loadWindow(server: BenchServer, seconds: number): Promise<LoadedWindow> {
  return new Promise((resolve, reject) => {
    let settled: Settled | null = null;
    let counted = 0;
    const instance = autocannon(
      { url: server.url, method: "POST", headers, body, connections: CONNECTIONS, duration: SETTLE_MS / 1000 + seconds, sampleInt: SAMPLE_INTERVAL_MS },
      (error, result) => {
        const endedAt = performance.now();
        if (error) reject(error);
        else if (settled === null) reject(new Error("The window ended before it settled."));
        else resolve({ result, settled, counted, endedAt });
      },
    );
    instance.on("response", () => {
      if (settled !== null) counted += 1;
    });
    const settle = async (): Promise<void> => {
      const cpu = await cpuSecondsOf(server.pid);
      settled = { cpu, own: process.cpuUsage(), at: performance.now() };
    };
    setTimeout(() => void settle().catch(reject), SETTLE_MS);
  });
}

/** Measures one window at full load, from {@link SETTLE_MS} after its start to its end. */
async function measure(server: BenchServer, seconds: number, waiting: Waiting): Promise<Measured> {
  const stopPolling = waiting === "polls" ? keepEventLoopPolling() : () => undefined;
  let window: LoadedWindow;
  try {
    window = await loadWindow(server, seconds);
  } finally {
    stopPolling();
  }
  const { result, settled, counted, endedAt } = window;
  const own = process.cpuUsage(settled.own);
  const loadGeneratorBusy = (own.user + own.system) / 1e3 / (endedAt - settled.at);
  const cpuAfter = await cpuSecondsOf(server.pid);
  const cpuBefore = settled.cpu;
  const perRequestUs = (secondsUsed: number) => (secondsUsed * 1e6) / counted;
  const measured = cpuBefore !== null && cpuAfter !== null;
  return {
    requestsPerSecond: (counted * 1000) / (endedAt - settled.at),
    p99Ms: result.latency.p99,
    // Over the whole window, its first moments included: any failed answer invalidates the benchmark.
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpuUs: measured ? perRequestUs(cpuAfter.user + cpuAfter.kernel - cpuBefore.user - cpuBefore.kernel) : null,
    serverKernelUs: measured ? perRequestUs(cpuAfter.kernel - cpuBefore.kernel) : null,
    loadGeneratorBusy,
  };
}

// A short warm-up lets the JIT settle before anything is measured.
const warmUp = (server: BenchServer, waiting: Waiting) => measure(server, 2, waiting);

async function withFreshDatabase<T>(baseUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  // The bench server applies the migrations itself.
  const scratch = await createScratchDatabase(baseUrl, "bench", { migrate: false });
  try {
    return await use(scratch.url);
  } finally {
    await scratch.drop();
  }
}

// The machine's speed drifts by tens of percent within a minute (other tenants), so every server stays up and they
// are measured in short alternating windows, and every figure is a median over the rounds: a round's ratio
// compares routes measured seconds apart.
const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const missing = builtPackages.filter((file) => !existsSync(file));
if (missing.length > 0) throw new Error(`The benchmark measures the built packages; build them first (\`pnpm build\`; \`pnpm bench\` does). Missing: ${missing.join(", ")}`);
const medianRequestsPerSecond = (windows: Measured[]) => median(windows.map((window) => window.requestsPerSecond));

/**
 * The routes measured in turn, each on its own server. In this order, the two windows that `ratio` compares (hello
 * and runs) are next to each other in every round, either way round.
 */
const ROUTES = {
  hello: "hello",
  runs: "runs-memory",
  // The run route with `orchestrate` answering a fixed run: the host's own share of the gap, measured in the same run.
  constant: "runs-constant",
} as const;
type Route = keyof typeof ROUTES;
/** Each route's windows, in the order (round, process): the same index in two routes is one slot of one round. */
type Windows = Record<Route, Measured[]>;
type Servers = Record<Route, BenchServer[]>;
const routes = Object.keys(ROUTES) as Route[];

/**
 * One window of every server per round. Within a round, each process slot measures the routes in turn; the order
 * is hello, runs, constant for each slot, then reversed in the next round (last slot first), so that a steady drift
 * cancels out.
 */
async function alternate(servers: Servers, rounds: number, waiting: Waiting): Promise<Windows> {
  const windows: Windows = { hello: [], constant: [], runs: [] };
  const slots = Array.from({ length: PROCESSES }, (_, slot) => slot);
  for (let round = 0; round < rounds; round += 1) {
    const measured: Record<Route, Measured[]> = { hello: [], constant: [], runs: [] };
    for (const slot of round % 2 === 0 ? slots : [...slots].reverse()) {
      for (const route of round % 2 === 0 ? routes : [...routes].reverse()) measured[route][slot] = await measure(servers[route][slot] as BenchServer, WINDOW_SECONDS, waiting);
    }
    for (const route of routes) windows[route].push(...measured[route]);
  }
  return windows;
}

/** Starts every route's servers, measures them with the load generator polling and then sleeping, and stops them. */
async function measureRoutes(): Promise<{ full: Windows; sleeping: Windows }> {
  const started: BenchServer[] = [];
  try {
    const servers: Servers = { hello: [], constant: [], runs: [] };
    for (let slot = 0; slot < PROCESSES; slot += 1) {
      for (const route of routes) {
        const server = await startServer(ROUTES[route], []);
        servers[route].push(server);
        started.push(server);
      }
    }
    for (const server of started) await warmUp(server, HEADLINE_WAITING);
    const full = await alternate(servers, ROUNDS, HEADLINE_WAITING);
    return { full, sleeping: await alternate(servers, POLLS ? SLEEPING_ROUNDS : 0, "sleeps") };
  } finally {
    await Promise.all(started.map((server) => server.stop()));
  }
}
const { full, sleeping } = await measureRoutes();
/** Each slot's throughput of a route over the bare route's in the same slot of the same round. */
const roundRatios = (windows: Measured[], hello = full.hello) => windows.map((measured, index) => measured.requestsPerSecond / (hello[index] as Measured).requestsPerSecond);
/** The median throughput of each of a route's processes: how far apart identical servers land. */
const perProcess = (windows: Measured[]) =>
  Array.from({ length: PROCESSES }, (_, slot) => Math.round(medianRequestsPerSecond(windows.filter((_, index) => index % PROCESSES === slot))));
const runsRatios = roundRatios(full.runs);
const constantRatios = roundRatios(full.constant);
const databaseUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const postgres = await withFreshDatabase(databaseUrl, (url) =>
  withServer("runs-postgres", [url], async (server) => {
    // PostgreSQL needs CPU time too, which a polling load generator would take from it.
    await warmUp(server, "sleeps");
    return measure(server, PG_DURATION_SECONDS, "sleeps");
  }),
);

for (const [name, measured] of Object.entries({ ...full, sleepingHello: sleeping.hello, sleepingConstant: sleeping.constant, sleepingRuns: sleeping.runs, postgres: [postgres] }).flatMap(([name, windows]) => windows.map((window) => [name, window] as const))) {
  if (measured.non2xx > 0 || measured.errors > 0) throw new Error(`${name}: ${measured.non2xx} non-2xx answers and ${measured.errors} errors; the benchmark is not valid.`);
}

const roundTo = (value: number, places: number) => Math.round(value * 10 ** places) / 10 ** places;
/** Median of one per-window figure, rounded; null when a window could not read it. */
const medianOf = (windows: Measured[], figure: (window: Measured) => number | null, places: number) => {
  const values = windows.map(figure);
  return values.every((value) => value !== null) ? roundTo(median(values as number[]), places) : null;
};
/** A route's costs per request, each a median over its windows, under field names that start with the route's. */
const costsOf = (route: string, windows: Measured[], withLoadGenerator: boolean) => ({
  [`${route}ServerCpuUs`]: medianOf(windows, (window) => window.serverCpuUs, 1),
  [`${route}ServerKernelUs`]: medianOf(windows, (window) => window.serverKernelUs, 1),
  ...(withLoadGenerator ? { [`${route}LoadGeneratorBusy`]: medianOf(windows, (window) => window.loadGeneratorBusy, 2) } : {}),
});
const measuredSleeping = sleeping.runs.length > 0;
const result = {
  runsReqPerSec: Math.round(medianRequestsPerSecond(full.runs)),
  helloReqPerSec: Math.round(medianRequestsPerSecond(full.hello)),
  ratio: roundTo(median(runsRatios), 3),
  roundRatios: runsRatios.map((ratio) => roundTo(ratio, 3)),
  runsP99Ms: median(full.runs.map((window) => window.p99Ms)),
  processReqPerSec: { hello: perProcess(full.hello), constant: perProcess(full.constant), runs: perProcess(full.runs) },
  // The same route answering a fixed run: the ratio no orchestrator could beat on this machine in this run.
  constantReqPerSec: Math.round(medianRequestsPerSecond(full.constant)),
  constantRatio: roundTo(median(constantRatios), 3),
  // Server CPU per request: the cost of each route. A polling load generator is always busy, so its share is left out.
  ...costsOf("hello", full.hello, !POLLS),
  ...costsOf("constant", full.constant, !POLLS),
  ...costsOf("runs", full.runs, !POLLS),
  loadGeneratorPolls: POLLS,
  // The same routes with the load generator sleeping between answers: the difference is what waking it costs the
  // servers, which grows as answers take longer (null without these rounds).
  sleepingRatio: measuredSleeping ? roundTo(median(roundRatios(sleeping.runs, sleeping.hello)), 3) : null,
  sleepingConstantRatio: measuredSleeping ? roundTo(median(roundRatios(sleeping.constant, sleeping.hello)), 3) : null,
  ...(measuredSleeping
    ? { ...costsOf("sleepingHello", sleeping.hello, true), ...costsOf("sleepingConstant", sleeping.constant, true), ...costsOf("sleepingRuns", sleeping.runs, true) }
    : {}),
  pgRunsReqPerSec: Math.round(postgres.requestsPerSecond),
  pgRunsP99Ms: postgres.p99Ms,
  windowSeconds: WINDOW_SECONDS,
  processes: PROCESSES,
  rounds: ROUNDS,
  sleepingRounds: sleeping.runs.length / PROCESSES,
  connections: CONNECTIONS,
  cpus: availableParallelism(),
  nodeFlags: HOST_NODE_FLAGS,
  pinned: placement.pinned,
  loadGeneratorCpus: placement.loadGeneratorCpus,
  serverCpus: placement.serverCpus,
  node: process.version,
};
await mkdir(resultsDirectory, { recursive: true });
await writeFile(`${resultsDirectory}host.json`, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

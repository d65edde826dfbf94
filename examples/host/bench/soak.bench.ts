// Soak: POST /v1/runs under steady load for several minutes, each request from one of 100,000 users with an
// idempotency key never used before, to show that memory stays flat and latency does not grow. Writes
// <repo root>/bench/results/soak.json. Run with `pnpm bench` (or `pnpm --filter @neonhub/example-host bench:soak`).
import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { HOST_NODE_FLAGS } from "../src/runtime/host-node-flags.js";
import { soakApiKey } from "./soak-key.js";

const USERS = Number(process.env.SOAK_USERS ?? 100_000);
const WARM_UP_SECONDS = Number(process.env.SOAK_WARM_UP_SECONDS ?? 30);
const MINUTES = Number(process.env.SOAK_MINUTES ?? 4);
const CONNECTIONS = Number(process.env.SOAK_CONNECTIONS ?? 16);
// Each measured window is a minute; shorter ones only to try the benchmark out.
const WINDOW_SECONDS = Number(process.env.SOAK_WINDOW_SECONDS ?? 60);
const hostDirectory = fileURLToPath(new URL("..", import.meta.url));
// As host.bench.ts: the server imports the packages as they ship (their built `dist`).
const buildTsconfig = fileURLToPath(new URL("../../../tsconfig.build.json", import.meta.url));
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

const child = spawn(process.execPath, [...HOST_NODE_FLAGS, "--import", "tsx", "bench/soak-server.ts", String(USERS)], {
  cwd: hostDirectory,
  stdio: ["ignore", "pipe", "inherit"],
  env: { ...process.env, TSX_TSCONFIG_PATH: buildTsconfig },
});
const exited = new Promise((resolve) => child.on("exit", resolve));
const url = await new Promise<string>((resolve, reject) => {
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    const line = output.split("\n").find((candidate) => candidate.startsWith("{"));
    if (line) resolve((JSON.parse(line) as { url: string }).url);
  });
  child.on("exit", (code) => reject(new Error(`soak server exited with ${code}`)));
});

/** Resident memory of the server process in MB, from Linux's /proc. */
async function rssMb(): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, "utf8");
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kilobytes / 1024) * 10) / 10;
}

// One counter across every window: request n comes from user n mod USERS with key "soak-n", used once.
let sent = 0;
const body = (n: number) => JSON.stringify({ agent: "echo", input: { text: `request ${n}` }, idempotencyKey: `soak-${n}` });

async function window(seconds: number): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}/v1/runs`,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const n = sent;
          sent += 1;
          return { ...request, headers: { "content-type": "application/json", authorization: `Bearer ${soakApiKey(n % USERS)}` }, body: body(n) };
        },
      },
    ],
  });
}

const minutes: Array<{ requests: number; p99Ms: number; non2xx: number; statusCodes: Record<string, number>; rssMb: number }> = [];
/** How many answers of each status a window got. */
const statusCodes = (result: autocannon.Result): Record<string, number> =>
  Object.fromEntries(Object.entries((result as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count]));
let result: Record<string, unknown>;
try {
  const rssBeforeLoadMb = await rssMb();
  const warmUp = await window(WARM_UP_SECONDS);
  const rssStartMb = await rssMb();
  for (let minute = 0; minute < MINUTES; minute += 1) {
    const measured = await window(WINDOW_SECONDS);
    minutes.push({ requests: measured.requests.total, p99Ms: measured.latency.p99, non2xx: measured.non2xx + measured.errors, statusCodes: statusCodes(measured), rssMb: await rssMb() });
    process.stdout.write(`minute ${minute + 1}: ${JSON.stringify(minutes.at(-1))}\n`);
  }
  const first = minutes[0];
  const last = minutes.at(-1);
  result = {
    requests: minutes.reduce((total, minute) => total + minute.requests, 0),
    rssStartMb,
    rssEndMb: last?.rssMb ?? null,
    p99FirstMinuteMs: first?.p99Ms ?? null,
    p99LastMinuteMs: last?.p99Ms ?? null,
    rssGrowth: last ? Math.round((last.rssMb / rssStartMb - 1) * 1000) / 1000 : null,
    failedRequests: minutes.reduce((total, minute) => total + minute.non2xx, 0) + warmUp.non2xx + warmUp.errors,
    warmUpRequests: warmUp.requests.total,
    warmUpStatusCodes: statusCodes(warmUp),
    rssBeforeLoadMb,
    minutes,
    users: USERS,
    distinctIdempotencyKeys: sent,
    warmUpSeconds: WARM_UP_SECONDS,
    connections: CONNECTIONS,
    store: "memory",
    node: process.version,
  };
} finally {
  child.kill("SIGTERM");
  await exited;
}
await mkdir(resultsDirectory, { recursive: true });
await writeFile(`${resultsDirectory}soak.json`, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

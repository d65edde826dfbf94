// The inspector's reads on a large table and the cost of live streams to the run route. With 100,000 runs in
// PostgreSQL (one organization), times the first page of the run list and a run with 50 tool executions, and
// compares POST /v1/runs throughput with 100 open event streams against none. Needs PostgreSQL: BENCH_DATABASE_URL
// or TEST_DATABASE_URL (a database of its own is created and dropped). Writes <repo root>/bench/results/inspector.json.
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";
import { spawn, type ChildProcess } from "node:child_process";
import { createScratchDatabase } from "../test/scratch-database.js";

const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const RUNS = Number(process.env.BENCH_INSPECTOR_RUNS ?? 100_000);
const TOOL_EXECUTIONS = 50;
const STREAMS = 100;
const READ_SAMPLES = 40;
const WINDOW_SECONDS = Number(process.env.BENCH_WINDOW_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_INSPECTOR_ROUNDS ?? 4);
const CONNECTIONS = 16;
// The key bench-server.ts issues (importing it would start that server here).
const KEY = "nh_benchmark_key_0123456789abcdef";
const ORGANIZATION = "org_bench";
const hostDirectory = fileURLToPath(new URL("..", import.meta.url));
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

if (!baseUrl) {
  console.error("The inspector benchmark needs PostgreSQL: set BENCH_DATABASE_URL or TEST_DATABASE_URL.");
  process.exit(1);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** Fills the tables with one statement each: runs over the last day, and one run with its tool executions. */
async function seed(client: pg.Client): Promise<string> {
  await client.query(`
    INSERT INTO "AgentRun" ("id", "agentName", "agentVersion", "organizationId", "userId", "intent", "status", "statusReason",
      "input", "output", "attempts", "createdAt", "startedAt", "completedAt", "durationMs")
    SELECT 'bench-' || lpad(g::text, 7, '0'), (ARRAY['seo-analyst', 'campaign-launcher', 'budget-guard'])[1 + g % 3], '1.0.0', $1,
      'user_' || (g % 50), 'weekly report ' || g, (CASE WHEN g % 10 = 0 THEN 'FAILED' ELSE 'COMPLETED' END)::"RunStatus", 'completed',
      jsonb_build_object('siteUrl', 'sc-domain:example.com', 'n', g), jsonb_build_object('ok', true), 1,
      now() - make_interval(secs => g * 0.86), now() - make_interval(secs => g * 0.86),
      now() - make_interval(secs => g * 0.86) + make_interval(secs => 0.1 + (g % 900) / 1000.0), 100 + g % 900
    FROM generate_series(1, $2::integer) AS g`,
    [ORGANIZATION, RUNS],
  );
  const runId = "bench-0000001";
  await client.query(
    `
    INSERT INTO "ToolExecution" ("id", "runId", "organizationId", "connector", "action", "status", "input", "output", "attempt", "startedAt", "completedAt", "durationMs")
    SELECT $1 || '-tool-' || g, $1, $2, 'google-search-console', 'querySearchAnalytics', 'SUCCEEDED',
      jsonb_build_object('siteUrl', 'sc-domain:example.com', 'page', g), jsonb_build_object('rows', g), 1,
      now() - make_interval(secs => 60 - g), now() - make_interval(secs => 60 - g) + interval '20 milliseconds', 20
    FROM generate_series(1, $3::integer) AS g`,
    [runId, ORGANIZATION, TOOL_EXECUTIONS],
  );
  await client.query(`ANALYZE "AgentRun"; ANALYZE "ToolExecution"`);
  return runId;
}

/** Median wall time of a GET answered by the host on this machine (loopback, keep-alive). */
async function timeReads(url: string): Promise<number> {
  const times: number[] = [];
  for (let sample = 0; sample < READ_SAMPLES + 5; sample += 1) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${KEY}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    if (sample >= 5) times.push(performance.now() - started);
  }
  return median(times);
}

/** Opens the streams in a process of their own (they read what they get); resolves once all are open. */
function openStreams(url: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/open-event-streams.ts", url, KEY, String(STREAMS)], { cwd: hostDirectory, stdio: ["ignore", "pipe", "inherit"] });
    child.stdout?.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes(`open ${STREAMS}`)) resolve(child);
    });
    child.on("exit", (code) => reject(new Error(`the stream holder exited with ${code}`)));
  });
}

async function closeStreams(child: ChildProcess): Promise<void> {
  child.removeAllListeners("exit");
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function postRunsPerSecond(url: string): Promise<number> {
  const result = await autocannon({
    url: `${url}/v1/runs`,
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ agent: "noop", input: { n: 1 } }),
    connections: CONNECTIONS,
    duration: WINDOW_SECONDS,
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`POST /v1/runs: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

/** The bench server (the host's app on PostgreSQL with live run events and a no-op agent) in a process of its own. */
function startBenchServer(databaseUrl: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "bench/bench-server.ts", "runs-postgres-events", databaseUrl], { cwd: hostDirectory, stdio: ["ignore", "pipe", "inherit"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = /\{"url":"([^"]+)"\}/.exec(output);
      if (line?.[1]) resolve({ child, url: line[1].replace(/\/v1\/runs$/, "") });
    });
    child.on("exit", (code) => reject(new Error(`the bench server exited with ${code}: ${output}`)));
  });
}

const scratch = await createScratchDatabase(baseUrl, "inspector_bench");
let server: ChildProcess | null = null;
try {
  const databaseUrl = scratch.url;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const seededAt = performance.now();
  const detailRunId = await seed(client);
  await client.end();
  console.log(`seeded ${RUNS} runs and ${TOOL_EXECUTIONS} tool executions in ${((performance.now() - seededAt) / 1000).toFixed(1)} s`);

  const started = await startBenchServer(databaseUrl);
  server = started.child;
  const host = { url: started.url };
  const runListFirstPageMs = await timeReads(`${host.url}/v1/runs?limit=25`);
  const runListFilteredMs = await timeReads(`${host.url}/v1/runs?limit=25&user=user_7&status=FAILED`);
  const runListIntentSearchMs = await timeReads(`${host.url}/v1/runs?limit=25&intent=report%2099`);
  const runDetailMs = await timeReads(`${host.url}/v1/runs/${detailRunId}`);
  const summaryLastHourMs = await timeReads(`${host.url}/v1/runs/summary?windowMinutes=60`);
  console.log({ runListFirstPageMs, runListFilteredMs, runListIntentSearchMs, runDetailMs, summaryLastHourMs });

  // Alternating windows without and with the streams, so that drift of the machine's speed hits both alike.
  await postRunsPerSecond(host.url);
  const without: number[] = [];
  const withStreams: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    without.push(await postRunsPerSecond(host.url));
    const streams = await openStreams(host.url);
    withStreams.push(await postRunsPerSecond(host.url));
    await closeStreams(streams);
    console.log(`round ${round + 1}: ${without.at(-1)?.toFixed(0)} runs/s without streams, ${withStreams.at(-1)?.toFixed(0)} with ${STREAMS}`);
  }
  const ratios = without.map((rate, index) => (withStreams[index] ?? Number.NaN) / rate);
  const result = {
    runs: RUNS,
    toolExecutionsInDetail: TOOL_EXECUTIONS,
    readSamples: READ_SAMPLES,
    note: "Read times are medians of loopback round trips (keep-alive) to a host process on PostgreSQL; the ratio is the median of per-round ratios of POST /v1/runs requests per second with 100 open event streams (held and read by another process) over none.",
    runListFirstPageMs: Number(runListFirstPageMs.toFixed(2)),
    runListFilteredMs: Number(runListFilteredMs.toFixed(2)),
    runListIntentSearchMs: Number(runListIntentSearchMs.toFixed(2)),
    runDetailMs: Number(runDetailMs.toFixed(2)),
    summaryLastHourMs: Number(summaryLastHourMs.toFixed(2)),
    postRunsPerSecondWithoutStreams: without.map((rate) => Math.round(rate)),
    postRunsPerSecondWith100Streams: withStreams.map((rate) => Math.round(rate)),
    postRunsRatioWith100Streams: Number(median(ratios).toFixed(3)),
    measuredAt: new Date().toISOString(),
  };
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(`${resultsDirectory}inspector.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(result);
} finally {
  server?.kill("SIGTERM");
  await scratch.drop();
}

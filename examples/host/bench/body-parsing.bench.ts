// What refusing repeated keys adds to reading a JSON body: JSON.parse alone against JSON.parse followed by the
// host's duplicate-key scan (src/http/find-duplicate-key.ts), on bodies from a small run request to a 100 KB input.
// In process, no server: a difference of microseconds would drown in an HTTP round trip. The host's parser is
// secure-json-parse, which is JSON.parse plus a substring test for prototype keys, so JSON.parse stands for it.
// Writes <repo root>/bench/results/body-parsing.json. Reports a cost; it has no target.
import { mkdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { findDuplicateKey } from "../src/http/find-duplicate-key.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
/** Time each side gets per round: long enough to time, short enough that both sides of a round see the same machine. */
const ROUND_MS = 40;
const resultsDirectory = fileURLToPath(new URL("../../../bench/results/", import.meta.url));

const recipients = (count: number) => Array.from({ length: count }, (_, index) => ({ email: `customer${index}@example.com`, name: `Customer ${index}`, tags: ["spring", "vip"], score: index % 97 }));
const BODIES: Array<{ name: string; text: string }> = [
  { name: "benchmark run request", text: JSON.stringify({ agent: "noop", input: { n: 1 } }) },
  {
    name: "quick-start run request",
    text: JSON.stringify({ agent: "campaign-launcher", intent: "launch the spring sale", input: { campaign: "Spring sale", product: "NeonHub Pro", recipients: ["ada@example.com"] } }),
  },
  { name: "campaign of 100 recipients", text: JSON.stringify({ agent: "campaign-launcher", input: { campaign: "Spring sale", recipients: recipients(100) } }) },
  { name: "campaign of 1,000 recipients", text: JSON.stringify({ agent: "campaign-launcher", input: { campaign: "Spring sale", recipients: recipients(1_000) } }) },
];

let sink = 0;
const parseOnly = (text: string): void => {
  sink += (JSON.parse(text) as object) === null ? 1 : 0;
};
const parseAndScan = (text: string): void => {
  sink += (JSON.parse(text) as object) === null ? 1 : 0;
  sink += findDuplicateKey(text) === null ? 0 : 1;
};

/** Nanoseconds per body of `side`, over as many calls as fit in ROUND_MS. */
function timeSide(side: (text: string) => void, text: string, calls: number): number {
  const started = process.hrtime.bigint();
  for (let call = 0; call < calls; call += 1) side(text);
  return Number(process.hrtime.bigint() - started) / calls;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

async function main() {
  const results = [];
  for (const body of BODIES) {
    // Calibrated on the slower side, so that both run the same number of calls.
    for (let warm = 0; warm < 3; warm += 1) timeSide(parseAndScan, body.text, 200);
    const calls = Math.max(10, Math.round((ROUND_MS * 1e6) / timeSide(parseAndScan, body.text, 200)));
    const parse: number[] = [];
    const scanned: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // The sides take turns at going first, so that neither always meets the machine as the other left it.
      if (round % 2 === 0) {
        parse.push(timeSide(parseOnly, body.text, calls));
        scanned.push(timeSide(parseAndScan, body.text, calls));
      } else {
        scanned.push(timeSide(parseAndScan, body.text, calls));
        parse.push(timeSide(parseOnly, body.text, calls));
      }
    }
    const parseNs = median(parse);
    const scannedNs = median(scanned);
    results.push({
      body: body.name,
      bytes: Buffer.byteLength(body.text),
      parseNsPerBody: Math.round(parseNs),
      parseAndScanNsPerBody: Math.round(scannedNs),
      scanNsPerKilobyte: Math.round(((scannedNs - parseNs) * 1024) / Buffer.byteLength(body.text)),
      ratio: Number((scannedNs / parseNs).toFixed(2)),
    });
  }
  const report = { rounds: ROUNDS, roundMs: ROUND_MS, bodies: results, cores: availableParallelism(), node: process.version, sink };
  await mkdir(resultsDirectory, { recursive: true });
  await writeFile(new URL("body-parsing.json", `file://${resultsDirectory}`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

await main();

import { parseArgs } from "node:util";
import { formatSmokeReport, runSmokeChecks } from "./run-smoke-checks.js";

const USAGE = "Usage: pnpm smoke --url <base url> --key <api key> [--agent <name> --input <json>]\n";

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((argument) => argument !== "--"),
    options: { url: { type: "string" }, key: { type: "string" }, agent: { type: "string" }, input: { type: "string" }, help: { type: "boolean" } },
  });
  const url = values.url ?? process.env.NEONHUB_URL;
  const key = values.key ?? process.env.NEONHUB_API_KEY;
  if (values.help || !url || !key) {
    process.stderr.write(USAGE);
    return values.help ? 0 : 2;
  }
  const results = await runSmokeChecks({
    baseUrl: url,
    apiKey: key,
    ...(values.agent === undefined ? {} : { agent: values.agent }),
    ...(values.input === undefined ? {} : { input: JSON.parse(values.input) as unknown }),
  });
  process.stdout.write(formatSmokeReport(results));
  return results.every((result) => result.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

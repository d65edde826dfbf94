// `pnpm db:plans`: loads 500,000 runs (and schedules, connections, keys, settings) into a throwaway database on
// PLANS_DATABASE_URL or TEST_DATABASE_URL, explains every statement the stores send, prints one line per statement
// and drops the database. About three minutes on a 2-core machine; not part of the test suite.
// --keep keeps the loaded database (its URL is printed); --loaded <url> measures such a database again, after
// applying the migrations it lacks, and keeps it (drop it by hand when done).
import { parseArgs } from "node:util";
import { measureProductionSizePlans } from "../../packages/persistence-prisma/src/tooling/production-size-plans.js";

const { values } = parseArgs({ options: { keep: { type: "boolean" }, loaded: { type: "string" } } });
const serverUrl = process.env.PLANS_DATABASE_URL || process.env.TEST_DATABASE_URL;
if (!serverUrl) {
  console.error("Set PLANS_DATABASE_URL or TEST_DATABASE_URL to a server where a throwaway database may be created.");
  process.exit(1);
}
const figures = await measureProductionSizePlans(serverUrl, {
  log: (line) => console.error(line),
  keep: values.keep === true,
  ...(values.loaded === undefined ? {} : { loadedUrl: values.loaded }),
});
console.log("| query | plan | rows read | rows returned | ms |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const figure of figures) {
  console.log(`| ${figure.query} | ${figure.scans} | ${figure.rowsRead} | ${figure.rowsReturned} | ${figure.milliseconds.toFixed(2)} |`);
}

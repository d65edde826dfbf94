// A process that opens an embedded database and holds it: prints "open", closes it on a "close" line on stdin.
import { createInterface } from "node:readline";
import { openNeonhubDatabase } from "../index.js";

const dataDir = process.argv[2] as string;
const database = await openNeonhubDatabase({ embedded: { dataDir } });
process.stdout.write("open\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "close") break;
}
await database.close();
process.stdout.write("closed\n");

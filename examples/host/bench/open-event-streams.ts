// Holds live run streams open and reads them, as browser tabs would, in a process apart from the load generator.
// Usage: tsx bench/open-event-streams.ts <host url> <api key> <count>; prints "open" once every stream answered.
import { request } from "node:http";

const [url, key, count] = process.argv.slice(2);
const streams = await Promise.all(
  Array.from(
    { length: Number(count) },
    () =>
      new Promise<void>((resolve, reject) => {
        const opened = request(`${url}/v1/runs/events`, { headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" } }, (response) => {
          response.resume();
          resolve();
        });
        opened.on("error", reject);
        opened.end();
      }),
  ),
);
process.stdout.write(`open ${streams.length}\n`);
process.on("SIGTERM", () => process.exit(0));
setInterval(() => undefined, 60_000);

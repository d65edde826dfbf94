import { runProcess } from "../src/runtime/run-process.js";

// A process whose stop never ends, as one held by a connection that does not close. The interval keeps it alive as
// its server and that connection would; the shutdown's time limit ends it.
runProcess("stuck-stop", async (_config, logger) => {
  setInterval(() => undefined, 1_000);
  logger.info({}, "stuck-stop started");
  return { stop: () => new Promise<void>(() => undefined) };
});

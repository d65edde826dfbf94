import { runProcess } from "./runtime/run-process.js";
import { startHost } from "./runtime/start-host.js";
import { startWorker } from "./runtime/start-worker.js";

// NEONHUB_ROLE=worker makes this entry a worker too, so that one image serves both roles.
runProcess("host", (config, logger) => (config.role === "worker" ? startWorker(config, logger) : startHost(config, logger)));

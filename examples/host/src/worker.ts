import { ConfigurationError } from "@neonhub/core";
import { runProcess } from "./runtime/run-process.js";
import { startWorker } from "./runtime/start-worker.js";

// The worker entry: queued runs, takeovers, reconciliation and schedules, no API. NEONHUB_ROLE may be left unset.
runProcess(
  "worker",
  async (config, logger) => {
    if (config.role !== "worker") throw new ConfigurationError(`NEONHUB_ROLE=${config.role} contradicts the worker entry; leave it unset or set it to worker.`);
    return startWorker(config, logger);
  },
  { ...process.env, NEONHUB_ROLE: process.env.NEONHUB_ROLE?.trim() || "worker" },
);

import type { RunStore } from "@neonhub/core";
import type { RunEventHub } from "./run-event-hub.js";

/**
 * The store, publishing every run it creates, starts or finishes to the hub. Runs started by the routes, by the
 * in-process queue and by recovery all pass through the store, so wrapping it sees them all without the
 * orchestrator knowing about streams. Runs executed by other processes are not seen: see docs/inspector.md.
 */
export function withRunEvents(store: RunStore, hub: RunEventHub): RunStore {
  return {
    ...store,
    createRun: async (input) => {
      const result = await store.createRun(input);
      if (result.created) hub.publish(result.run.organizationId, result.run);
      return result;
    },
    startRun: async (input) => {
      const run = await store.startRun(input);
      if (run) hub.publish(run.organizationId, run);
      return run;
    },
    finishRun: async (input) => {
      const run = await store.finishRun(input);
      hub.publish(run.organizationId, run);
      return run;
    },
  };
}

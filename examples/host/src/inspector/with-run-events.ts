import type { AgentRun, RunStore } from "@neonhub/core";

/** Where a process's run events go: its hub, or a channel every process's hub listens to. */
export interface RunEventSink {
  publish(organizationId: string, run: AgentRun): void;
}

/**
 * The store, publishing every run it creates, starts or finishes to the sink. Runs started by the routes, by the
 * queues and by recovery all pass through the store, so wrapping it sees them all without the orchestrator knowing
 * about streams. With Redis the sink is a channel, so runs executed by other processes are seen too.
 */
export function withRunEvents(store: RunStore, sink: RunEventSink): RunStore {
  return {
    ...store,
    createRun: async (input) => {
      const result = await store.createRun(input);
      if (result.created) sink.publish(result.run.organizationId, result.run);
      return result;
    },
    startRun: async (input) => {
      const run = await store.startRun(input);
      if (run) sink.publish(run.organizationId, run);
      return run;
    },
    finishRun: async (input) => {
      const run = await store.finishRun(input);
      sink.publish(run.organizationId, run);
      return run;
    },
  };
}

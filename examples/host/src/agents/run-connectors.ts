import type { RunContext } from "@neonhub/core";

/** What the example agents need from the connector client: calls recorded as tool executions of the run. */
export interface RunConnectors {
  forRun(context: RunContext): { invoke(connector: string, action: string, input: unknown): Promise<unknown> };
}

import type { RunContext } from "@neonhub/core";
import type { ConnectorInvoker } from "@neonhub/connectors";

/**
 * What the example agents need from the connector client: calls recorded as tool executions of the run, typed by
 * the built-in connectors' definitions (a call's output needs no parsing of its own).
 */
export interface RunConnectors {
  forRun(context: RunContext): ConnectorInvoker;
}

/** Calls to the host's API from the page, with the session cookie and, for changes, the CSRF token. */

import type { z } from "zod";
import type { RunEvent as HubRunEvent } from "../../src/inspector/run-event-hub";
import type { agentSchema, connectorSchema } from "../../src/schemas/catalog-schemas";
import type { connectionSchema, connectionTestSchema } from "../../src/schemas/connection-schemas";
import type { childRunSchema, runPageSchema, runSchema, runStepSchema, runWithToolsSchema, toolExecutionSchema } from "../../src/schemas/run-schemas";
import type { runSummarySchema } from "../../src/schemas/run-summary-schemas";
import type { sessionSchema } from "../../src/schemas/session-schemas";

// The page reads what the API's own response schemas describe (types only: nothing of them reaches the bundle),
// so a change to a response that the page does not follow fails the typecheck instead of the page.

export type Run = z.output<typeof runSchema>;
export type RunStatus = Run["status"];
export type RunError = NonNullable<Run["error"]>;
export type ToolExecution = z.output<typeof toolExecutionSchema>;
/** A journaled step of a durable run. */
export type RunStep = z.output<typeof runStepSchema>;
/** A run started by another run, with its own children (`GET /v1/runs/{id}` answers the tree). */
export type ChildRun = z.output<typeof childRunSchema>;
export type RunDetail = z.output<typeof runWithToolsSchema>;
export type RunPage = z.output<typeof runPageSchema>;
/** What a `runs` server-sent event carries about each run. */
export type RunEvent = HubRunEvent;
export type Agent = z.output<typeof agentSchema>;
export type RunSummary = z.output<typeof runSummarySchema>;
/** A connection of the organization (never its credentials). */
export type Connection = z.output<typeof connectionSchema>;
/** A connector of the catalog with what its connect form needs. */
export type Connector = z.output<typeof connectorSchema>;
/** Answer of a connection test. */
export type ConnectionTest = z.output<typeof connectionTestSchema>;
export type Session = z.output<typeof sessionSchema>;

/** A refused request, with the problem document's code and detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken = "";

/** Remembers the CSRF token of the signed-in session (kept in memory only). */
export function rememberSession(session: Session | null): void {
  csrfToken = session?.csrfToken ?? "";
}

/** JSON from the API; throws {@link ApiError} with the problem's detail. */
export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET") headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  if (response.status === 204) return undefined as T;
  const body = (await response.json().catch(() => null)) as (T & { code?: string; detail?: string }) | null;
  if (!response.ok) throw new ApiError(response.status, body?.code ?? `HTTP_${response.status}`, body?.detail ?? response.statusText);
  return body as T;
}

/** The query string of the non-empty values. */
export function query(values: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : "";
}

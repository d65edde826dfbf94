/** Calls to the host's API from the page, with the session cookie and, for changes, the CSRF token. */

export type RunStatus = "QUEUED" | "RUNNING" | "WAITING" | "COMPLETED" | "FAILED" | "CANCELLED" | "TIMED_OUT";

export interface RunError {
  code: string;
  message: string;
}

export interface Run {
  id: string;
  agentName: string;
  agentVersion: string;
  organizationId: string;
  userId: string;
  intent: string | null;
  status: RunStatus;
  statusReason: string | null;
  input: unknown;
  output: unknown;
  error: RunError | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  parentRunId: string | null;
}

export interface ToolExecution {
  id: string;
  connector: string;
  action: string;
  status: string;
  input: unknown;
  output: unknown;
  error: RunError | null;
  attempt: number;
  startedAt: string;
  completedAt: string | null;
  durationMs: number | null;
  /** The journal step that made the call, for calls made in a durable run. */
  stepKey?: string | null;
}

/** A journaled step of a durable run (present once the host records steps). */
export interface RunStep {
  position: number;
  key: string;
  kind: "TOOL" | "STEP" | "SLEEP" | "SIGNAL" | "CHILD";
  status: "STARTED" | "SUCCEEDED" | "FAILED" | "WAITING";
  attempts: number;
  startedAt: string | null;
  completedAt: string | null;
  wakeAt?: string | null;
  error?: RunError | null;
}

/** A run started by another run, with its own children (`GET /v1/runs/{id}` answers the tree). */
export interface ChildRun {
  id: string;
  agentName: string;
  status: RunStatus;
  statusReason: string | null;
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  /** True when this run's children did not fit in the tree: its own page lists them. */
  truncated: boolean;
  children: ChildRun[];
}

export interface RunDetail extends Run {
  toolExecutions: ToolExecution[];
  steps?: RunStep[];
  children?: ChildRun[];
}

export interface RunPage {
  runs: Run[];
  nextCursor: string | null;
}

export interface Agent {
  name: string;
  version: string;
  description: string;
  breakerState: "closed" | "open" | "half_open";
  admission?: { limit: number; windowMs: number } | null;
}

export interface RunSummary {
  since: string;
  until: string;
  agents: Array<{ agentName: string; total: number; completed: number; failed: number; p95DurationMs: number | null }>;
  minutes: Array<{ minute: string; status: RunStatus; count: number; p95DurationMs: number | null }>;
}

/** A connection of the organization (never its credentials). */
export interface Connection {
  connector: string;
  authType: string;
  status: "ACTIVE" | "EXPIRED" | "REVOKED" | "ERROR";
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastError: string | null;
}

/** A connector of the catalog with what its connect form needs. */
export interface Connector {
  id: string;
  displayName: string;
  mode: string;
  implemented: boolean;
  auth: { type: "none" | "api_key" | "bearer" | "basic" | "oauth2"; fields: string[]; optionalFields: string[]; authorize: boolean; test: boolean; revoke: boolean };
}

/** Answer of a connection test. */
export interface ConnectionTest {
  ok: boolean;
  durationMs: number;
  error: RunError | null;
}

export interface Session {
  organizationId: string;
  userId: string;
  csrfToken: string;
}

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

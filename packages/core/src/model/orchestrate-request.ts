/** Who is asking: every run belongs to one organization and one user. */
export interface CallerContext {
  userId: string;
  organizationId: string;
}

/** A request to run an agent. */
export interface OrchestrateRequest {
  /** Name of a registered agent. */
  agent: string;
  /** What the caller wants, in words (stored on the run for the audit trail). */
  intent?: string;
  /** Validated against the agent's input schema. */
  input: unknown;
  context: CallerContext;
  /** Same key and same request: the same run is returned without a second execution. */
  idempotencyKey?: string;
  /**
   * Bound on each execution of the run, in milliseconds: its start, and each resume after a durable wait or a
   * takeover (it is stored with the run). Defaults to the agent's `timeoutMs` policy.
   */
  timeoutMs?: number;
  /** Aborting it cancels the run. */
  signal?: AbortSignal;
  /** The run that started this one, when agents call agents; it must be a run of the caller's organization. */
  parentRunId?: string;
}

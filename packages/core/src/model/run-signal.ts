/** A signal sent to a run (`orchestrator.signal`), kept until a `ctx.waitForSignal` of that name takes it. */
export interface RunSignal {
  runId: string;
  name: string;
  payload: unknown;
  /** Who sent it (a user id), when known. */
  sentBy: string | null;
  sentAt: Date;
}

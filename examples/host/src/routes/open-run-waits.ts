/** Requests waiting for a run's end at once on one host, and of one organization (a tenth, as for live streams). */
export const MAX_OPEN_RUN_WAITS = 1_000;
export const MAX_OPEN_RUN_WAITS_PER_ORGANIZATION = 100;

/** A request's claim on a wait: its signal aborts at `stop` or when the host closes; `release` frees the slot once. */
export interface RunWaitSlot {
  readonly signal: AbortSignal;
  /** Ends the wait early (the client left). */
  stop(): void;
  release(): void;
}

/**
 * The `GET /v1/runs/:id?waitMs=` requests waiting at once. Each holds a connection and reads the store about once a
 * second while its run executes elsewhere, so they are bounded per host and per organization; closing the host
 * ends them all, so that a shutdown does not wait for their deadlines.
 */
export class OpenRunWaits {
  // Both bounded by MAX_OPEN_RUN_WAITS: a slot is in them from `open` to `release`.
  readonly #waits = new Set<AbortController>();
  readonly #byOrganization = new Map<string, number>();
  #closed = false;

  /** A slot for a wait of the organization, or null when the host or the organization has as many as it may. */
  open(organizationId: string): RunWaitSlot | null {
    const ofOrganization = this.#byOrganization.get(organizationId) ?? 0;
    if (this.#waits.size >= MAX_OPEN_RUN_WAITS || ofOrganization >= MAX_OPEN_RUN_WAITS_PER_ORGANIZATION) return null;
    const wait = new AbortController();
    // A request that got past the closing check as the host began to close answers at once.
    if (this.#closed) wait.abort();
    this.#waits.add(wait);
    this.#byOrganization.set(organizationId, ofOrganization + 1);
    let released = false;
    return {
      signal: wait.signal,
      stop: () => wait.abort(),
      release: () => {
        if (released) return;
        released = true;
        this.#waits.delete(wait);
        const left = (this.#byOrganization.get(organizationId) ?? 1) - 1;
        if (left === 0) this.#byOrganization.delete(organizationId);
        else this.#byOrganization.set(organizationId, left);
      },
    };
  }

  /** Ends every wait: each request answers with its run as it is. */
  close(): void {
    this.#closed = true;
    for (const wait of this.#waits) wait.abort();
  }
}

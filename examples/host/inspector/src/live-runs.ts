import type { RunEvent } from "./api";

/**
 * Opens the organization's live run stream. `onRuns` gets each batch; `onResync` is called when events were lost
 * (or the stream reconnected), so the caller reads the list again. Returns the function that closes it.
 */
export function subscribeToRuns(onRuns: (runs: RunEvent[]) => void, onResync: () => void): () => void {
  const source = new EventSource("/v1/runs/events");
  let opened = false;
  source.addEventListener("runs", (event) => onRuns(JSON.parse((event as MessageEvent<string>).data) as RunEvent[]));
  source.addEventListener("resync", onResync);
  source.addEventListener("open", () => {
    // A reconnection may have missed events.
    if (opened) onResync();
    opened = true;
  });
  return () => source.close();
}

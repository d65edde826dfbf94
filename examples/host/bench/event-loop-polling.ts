// Keeps the load generator's event loop polling instead of sleeping while it measures.
//
// On loopback the server's write runs the receiving socket's TCP path itself, and when the load generator is
// blocked waiting for I/O, that write also wakes it. On a virtual machine, waking a sleeping CPU is an
// inter-processor interrupt that traps to the hypervisor, and the kernel charges it to the server: `perf` put it at
// 2 µs per request on the bare route and 5 to 10 µs on the run route, whose slower answers leave the load
// generator asleep more often. A load generator on its own machine is woken by its network card, not by the
// server's CPU. While the loop polls, nothing waits in the kernel, and the wake costs the server 0.3 to 0.4 µs.

/** Stops the polling started by {@link keepEventLoopPolling}. */
export type StopPolling = () => void;

/**
 * Queues one `setImmediate` after another, so that the event loop polls for I/O without blocking, until the
 * returned function is called. I/O callbacks still run on every turn of the loop.
 */
export function keepEventLoopPolling(): StopPolling {
  let polling = true;
  const turn = (): void => {
    if (polling) setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    polling = false;
  };
}

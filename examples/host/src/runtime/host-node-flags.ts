/**
 * The Node flags the host runs with in production; `npm start` passes them, and the host benchmark starts its
 * servers with them.
 *
 * `--max-semi-space-size=32` doubles V8's young generation (16 MB per semi-space by default on 64-bit). A run request
 * leaves about 20 KB of garbage, so with the default young generation the recent runs that the run store or
 * a cache still holds outlive a collection and are copied, then promoted; with 32 MB most of them die young. It
 * costs up to 32 MB more memory and cut the run route's CPU per request by about a seventh in the host
 * benchmark's setting (see docs/performance.md).
 */
export const HOST_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=32"];

// Gives the load generator (the benchmark's own process) and the servers separate CPUs. Left alone, Linux's
// scheduler moves a server between the CPUs and now and then onto the load generator's, and identical servers then
// differ by up to a factor of two: the figures measure where the scheduler put them as much as the route.
import { execFileSync } from "node:child_process";

/** Where the benchmark runs its processes. */
export interface CpuPlacement {
  /** True when the load generator and the servers run on separate CPUs. */
  pinned: boolean;
  /** The CPU list (as `taskset` writes it) of the load generator, or null when not pinned. */
  loadGeneratorCpus: string | null;
  /** The CPU list of the servers, or null when not pinned. */
  serverCpus: string | null;
  /** Why the processes are not pinned; null when they are. */
  notPinnedBecause: string | null;
  /** The command and arguments that start `node <nodeArgs>` on the servers' CPUs. */
  command(nodeArgs: string[]): [string, string[]];
}

/** Expands a CPU list such as `0-3,8` into its CPU numbers. */
export function parseCpuList(list: string): number[] {
  return list
    .trim()
    .split(",")
    .filter((part) => part !== "")
    .flatMap((part) => {
      const [first, last = first] = part.split("-").map(Number) as [number, number?];
      return Array.from({ length: last - first + 1 }, (_, offset) => first + offset);
    });
}

function unpinned(reason: string): CpuPlacement {
  return { pinned: false, loadGeneratorCpus: null, serverCpus: null, notPinnedBecause: reason, command: (nodeArgs) => [process.execPath, nodeArgs] };
}

/**
 * Pins this process (every thread) to the first CPU it may use and starts servers on the others, with util-linux's
 * `taskset`. Falls back to no pinning, and says why, off Linux, with one CPU, without `taskset`, or with `BENCH_PIN=0`.
 */
export function placeOnSeparateCpus(): CpuPlacement {
  if (process.env.BENCH_PIN === "0") return unpinned("BENCH_PIN=0");
  if (process.platform !== "linux") return unpinned(`taskset is Linux only (this is ${process.platform})`);
  let allowed: number[];
  try {
    const answer = execFileSync("taskset", ["-c", "-p", String(process.pid)], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    allowed = parseCpuList(answer.slice(answer.lastIndexOf(":") + 1));
  } catch {
    return unpinned("taskset (util-linux) is not installed");
  }
  const [loadGenerator, ...servers] = allowed;
  if (loadGenerator === undefined || servers.length === 0) return unpinned("this process may use only one CPU");
  const serverCpus = servers.join(",");
  try {
    execFileSync("taskset", ["-a", "-c", "-p", String(loadGenerator), String(process.pid)], { stdio: "ignore" });
  } catch {
    // A container may forbid changing affinity; the benchmark still runs, unpinned.
    return unpinned("taskset could not pin this process");
  }
  return {
    pinned: true,
    loadGeneratorCpus: String(loadGenerator),
    serverCpus,
    notPinnedBecause: null,
    command: (nodeArgs) => ["taskset", ["-c", serverCpus, process.execPath, ...nodeArgs]],
  };
}

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { WorkerCommand, WorkerConfig, WorkerMessage } from "./worker-protocol.js";

const WORKER_SCRIPT = fileURLToPath(new URL("./queue-worker.ts", import.meta.url));
const POLL_MS = 2;

/** A worker process started by the benchmark, with what it reported last. */
export interface WorkerProcess {
  finished: number;
  failed: number;
  lastFinishedAt: number;
  /** CPU time used since it was ready, µs. */
  cpuUs: number;
  /** Asks it to drain and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts a worker process (with this process's flags, so `tsx` too) and waits until it is ready. */
export async function startWorker(config: WorkerConfig): Promise<WorkerProcess> {
  const child = fork(WORKER_SCRIPT, [JSON.stringify(config)], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const worker: WorkerProcess = {
    finished: 0,
    failed: 0,
    lastFinishedAt: 0,
    cpuUs: 0,
    async stop() {
      if (child.connected) child.send({ type: "stop" } satisfies WorkerCommand);
      await exited;
    },
  };
  await new Promise<void>((resolve, reject) => {
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") resolve();
      else Object.assign(worker, { finished: message.finished, failed: message.failed, lastFinishedAt: message.lastFinishedAt, cpuUs: message.cpuUs });
    });
    void exited.then((code) => reject(new Error(`a worker process exited (${code}) before it was ready`)));
  });
  return worker;
}

/** Runs (or jobs) the workers finished or failed so far. */
export const ended = (workers: readonly WorkerProcess[]): number => workers.reduce((sum, worker) => sum + worker.finished + worker.failed, 0);

/** Waits until the workers have ended `count` runs (or jobs) more than `from`. */
export async function waitForEnded(workers: readonly WorkerProcess[], from: number, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (ended(workers) - from < count) {
    if (Date.now() > deadline) throw new Error(`the workers ended ${ended(workers) - from} of ${count} runs within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

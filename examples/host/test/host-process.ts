import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The host's package folder: processes start there, as `pnpm dev` does. */
export const HOST_DIRECTORY = fileURLToPath(new URL("..", import.meta.url));

/** A host started as a real process from its sources. */
export interface HostProcess {
  child: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  /** Sends SIGTERM and resolves with the exit code. */
  terminate(): Promise<number | null>;
}

const START_TIMEOUT_MS = 60_000;

/** Tests that start processes several times (each start opens a database) get this long on a busy machine. */
export const PROCESS_TEST_TIMEOUT_MS = 120_000;

/** Runs a TypeScript entry of the host with tsx; resolves when the process exits. */
export function runTsx(entry: string, args: string[], environment: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry, ...args], { cwd: HOST_DIRECTORY, env: { ...process.env, ...environment } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Starts `entry` (the host's `src/main.ts` unless another entry that runs the host is named) on 127.0.0.1 and a free
 * port; resolves once it listens, rejects if it exits first.
 */
export async function startHostProcess(environment: Record<string, string>, entry = "src/main.ts"): Promise<HostProcess> {
  const started = await startEntryProcess(entry, "the host", /"url":"(http:\/\/127\.0\.0\.1:\d+)".*"msg":"NeonHub host listening"/, { PORT: "0", ...environment });
  return { ...started, url: started.url as string };
}

/** A worker started as a real process from its sources; `url` is its health and metrics server, if it has one. */
export type WorkerProcess = Omit<HostProcess, "url"> & { url: string | null };

/** Starts `src/worker.ts`; resolves once it consumes queued runs, rejects if it exits first. */
export function startWorkerProcess(environment: Record<string, string>): Promise<WorkerProcess> {
  return startEntryProcess("src/worker.ts", "the worker", /"url":(?:"(http:\/\/127\.0\.0\.1:\d+)"|null).*"msg":"NeonHub worker started"/, environment);
}

/** Kills a process with SIGKILL (nothing drained, nothing closed) and resolves once it is gone. */
export async function killProcess(process: { child: ChildProcess }): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  const exited = new Promise((resolve) => process.child.once("exit", resolve));
  process.child.kill("SIGKILL");
  await exited;
}

function startEntryProcess(entry: string, label: string, ready: RegExp, environment: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", entry], {
    cwd: HOST_DIRECTORY,
    env: { ...process.env, HOST: "127.0.0.1", LOG_LEVEL: "info", ...environment },
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${label} did not start within ${START_TIMEOUT_MS} ms:\n${stdout}\n${stderr}`));
    }, START_TIMEOUT_MS);
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const started = ready.exec(stdout);
      if (!started) return;
      clearTimeout(timer);
      resolve({
        child,
        url: started[1] ?? null,
        stdout: () => stdout,
        stderr: () => stderr,
        terminate: () => {
          child.kill("SIGTERM");
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited with ${code} before it started:\n${stdout}\n${stderr}`));
    });
  });
}

/** The development key printed by the first start, if any. */
export function printedDevelopmentKey(stdout: string): string | null {
  return /Development API key \(shown once, stored hashed\): (nh_[A-Za-z0-9_-]+)/.exec(stdout)?.[1] ?? null;
}

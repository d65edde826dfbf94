import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "./free-port.js";

/** A Redis server of the test's own, which it may flush, kill and start again without touching a shared one. */
export interface PrivateRedis {
  url: string;
  /** Kills the server (SIGKILL: nothing is saved) and starts a new, empty one on the same port. */
  restart(): Promise<void>;
  flushAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Whether a `redis-server` binary is on the PATH. */
export const hasRedisServer = (): boolean => spawnSync("redis-server", ["--version"]).status === 0;

const cli = (port: number, ...args: string[]) => spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8" });

/** Starts `redis-server` on 127.0.0.1 and a free port, keeping nothing on disk (as a cache-only Redis would). */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if (cli(port, "ping").stdout.trim() === "PONG") return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer on port ${port}`);
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    restart: async () => {
      await stop();
      await start();
    },
    flushAll: async () => void cli(port, "flushall"),
    stop,
  };
}

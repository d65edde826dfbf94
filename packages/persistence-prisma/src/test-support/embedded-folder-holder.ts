import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const HOLDER = fileURLToPath(new URL("./hold-embedded-folder.ts", import.meta.url));

/** Another process holding an embedded database open, started from its sources with tsx. */
export interface EmbeddedFolderHolder {
  child: ChildProcess;
  /** Asks it to close the database; resolves once it has exited. */
  close(): Promise<void>;
  /** Kills it with SIGKILL, leaving its claim on the folder behind; resolves once it has exited. */
  kill(): Promise<void>;
}

/** Starts a process that opens the embedded database in `dataDir`; resolves once it has opened it. */
export function holdEmbeddedFolder(dataDir: string): Promise<EmbeddedFolderHolder> {
  const child = spawn(process.execPath, ["--import", "tsx", HOLDER, dataDir], { stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`The holder exited (${code}) before opening the database: ${stderr}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      if (!chunk.toString().includes("open")) return;
      resolve({
        child,
        close: async () => {
          child.stdin?.end("close\n");
          await exited;
        },
        kill: async () => {
          child.kill("SIGKILL");
          await exited;
        },
      });
    });
  });
}

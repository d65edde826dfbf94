#!/usr/bin/env node
// Starts the built example host as a new user would (embedded PGlite, mock connectors), runs the post-deploy
// smoke test against it, then stops it with SIGTERM and checks that it shut down cleanly.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const STARTUP_DEADLINE_MS = 90_000;

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), "neonhub-ci-host-"));
const key = `nh_ci_${randomBytes(24).toString("hex")}`;
const baseUrl = `http://127.0.0.1:${port}`;
// The host starts as `npm start` starts it, with the Node flags of its start script.
const startScript = JSON.parse(readFileSync(join(root, "examples/host/package.json"), "utf8")).scripts.start.split(" ");
const nodeFlags = startScript.slice(1, startScript.indexOf("dist/main.js"));
const host = spawn(process.execPath, [...nodeFlags, "examples/host/dist/main.js"], {
  cwd: root,
  stdio: ["ignore", "inherit", "inherit"],
  env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", NEONHUB_DATA_DIR: dataDir, NEONHUB_DEV_API_KEY: key, LOG_LEVEL: "warn", DATABASE_URL: "", REDIS_URL: "" },
});
const exited = new Promise((resolve) => host.once("exit", (code, signal) => resolve({ code, signal })));

let failure = null;
try {
  const started = Date.now();
  for (;;) {
    if (Date.now() - started > STARTUP_DEADLINE_MS) throw new Error(`the host did not answer ${baseUrl}/api/health within ${STARTUP_DEADLINE_MS} ms`);
    if (host.exitCode !== null) throw new Error(`the host exited during start-up with code ${host.exitCode}`);
    const healthy = await fetch(`${baseUrl}/api/health`).then((response) => response.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const smoke = spawnSync("pnpm", ["run", "smoke", "--url", baseUrl, "--key", key], { cwd: root, stdio: "inherit" });
  if (smoke.status !== 0) throw new Error(`the smoke test failed (exit ${smoke.status})`);
} catch (error) {
  failure = error;
} finally {
  host.kill("SIGTERM");
  const { code, signal } = await exited;
  rmSync(dataDir, { recursive: true, force: true });
  if (!failure && code !== 0) failure = new Error(`the host did not shut down cleanly on SIGTERM (code ${code}, signal ${signal})`);
}

if (failure) {
  console.error(`host smoke: ${failure.message}`);
  process.exit(1);
}
console.log("host smoke: started, passed the smoke test, and shut down cleanly");

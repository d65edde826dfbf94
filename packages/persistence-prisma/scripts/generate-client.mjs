#!/usr/bin/env node
// Generates the Prisma client into src/generated (never committed). Runs on `pnpm install` in the repository (the root
// postinstall) and
// from `pnpm db:generate`. The published package ships the client bundled in dist, so it has no install script.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const config = join(packageDir, "..", "..", "prisma", "prisma.config.ts");
if (!existsSync(config)) process.exit(0);

const require = createRequire(join(packageDir, "package.json"));
const cli = require.resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, "generate", "--config", config], {
  cwd: packageDir,
  stdio: "inherit",
  env: {
    ...process.env,
    // `prisma generate` only needs the WASM query compiler; pointing the schema engine at any existing file
    // stops the CLI from downloading a native engine it would not use.
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? fileURLToPath(import.meta.url),
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
process.exit(result.status ?? 1);

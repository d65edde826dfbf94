import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConfigurationError } from "@neonhub/core";

const require = createRequire(import.meta.url);

/**
 * The SQL that creates `schema.prisma` from nothing, as `prisma migrate diff --from-empty --to-schema-datamodel
 * --script` prints it. Prisma 6.19's CLI is used for this because its schema engine is WASM (Prisma 7's is a native
 * binary that is downloaded on first use). Its driver adapter needs a database to connect to: PostgreSQL when
 * `databaseUrl` is given, otherwise an in-memory PGlite (slower to start).
 */
export async function renderSchemaSql(schemaPath: string, databaseUrl: string | undefined): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "neonhub-schema-"));
  try {
    // Prisma 6 wants the URL in the datasource block, which Prisma 7 moved to prisma.config.ts.
    const schema = (await readFile(schemaPath, "utf8")).replace(/datasource\s+\w+\s*\{/, (block) => `${block}\n  url = env("NEONHUB_RENDER_URL")`);
    await writeFile(join(folder, "schema.prisma"), schema);
    await writeFile(join(folder, "prisma.config.mjs"), configSource(databaseUrl));
    const cli = require.resolve("prisma-legacy-cli/build/index.js");
    const placeholder = fileURLToPath(import.meta.url);
    const args = ["migrate", "diff", "--config", "prisma.config.mjs", "--from-empty", "--to-schema-datamodel", "schema.prisma", "--script"];
    return await runNode(cli, args, folder, {
      PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
      PRISMA_QUERY_ENGINE_LIBRARY: placeholder,
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      NEONHUB_RENDER_URL: databaseUrl ?? "postgresql://localhost/unused",
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function configSource(databaseUrl: string | undefined): string {
  const url = (specifier: string) => JSON.stringify(pathToFileURL(require.resolve(specifier)).href);
  const adapter = databaseUrl
    ? `const { PrismaPg } = await import(${url("@prisma/adapter-pg")});\n` +
      `const adapter = async () => new PrismaPg({ connectionString: ${JSON.stringify(databaseUrl)}, allowExitOnIdle: true });`
    : `const { PGlite } = await import(${url("@electric-sql/pglite")});\n` +
      `const { pg_trgm } = await import(${url("@electric-sql/pglite/contrib/pg_trgm")});\n` +
      `const { PrismaPGlite } = await import(${url("pglite-prisma-adapter")});\n` +
      // The same extensions as every other embedded database (database/embedded-extensions.ts).
      "const adapter = async () => new PrismaPGlite(new PGlite({ extensions: { pg_trgm } }));";
  return `${adapter}\nexport default { experimental: { adapter: true }, engine: "js", schema: "./schema.prisma", adapter };\n`;
}

function runNode(script: string, args: string[], cwd: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else reject(new ConfigurationError(`prisma migrate diff failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

#!/usr/bin/env node
// Builds the inspector (examples/host/inspector) into dist/inspector/ with esbuild: one minified ES module and one
// style sheet, no source maps, nothing loaded from elsewhere at run time. Fails when the script grows past its
// budget, measured gzipped as a browser receives it.
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const hostDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Largest accepted gzipped size of the page's JavaScript. */
export const SCRIPT_BUDGET_BYTES = 150 * 1024;

/** Builds into `outputDirectory`; resolves with the gzipped sizes of the script and the style sheet. */
export async function buildInspector(outputDirectory = join(hostDirectory, "dist", "inspector")) {
  mkdirSync(outputDirectory, { recursive: true });
  await build({
    entryPoints: { app: join(hostDirectory, "inspector", "src", "main.tsx") },
    outdir: outputDirectory,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    jsx: "automatic",
    jsxImportSource: "preact",
    legalComments: "none",
    logLevel: "warning",
  });
  const gzipped = (file) => gzipSync(readFileSync(join(outputDirectory, file)), { level: 9 }).length;
  const sizes = { scriptGzipBytes: gzipped("app.js"), stylesGzipBytes: gzipped("app.css") };
  if (sizes.scriptGzipBytes > SCRIPT_BUDGET_BYTES) {
    throw new Error(`The inspector's script is ${sizes.scriptGzipBytes} bytes gzipped, over its budget of ${SCRIPT_BUDGET_BYTES}.`);
  }
  return sizes;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const sizes = await buildInspector();
  console.log(`inspector: app.js ${(sizes.scriptGzipBytes / 1024).toFixed(1)} KB gzipped, app.css ${(sizes.stylesGzipBytes / 1024).toFixed(1)} KB gzipped`);
}

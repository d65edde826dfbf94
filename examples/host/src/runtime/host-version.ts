import { readFileSync } from "node:fs";

const PACKAGE_NAME = "@neonhub/example-host";

/** The host's version from its package.json, found from the sources (`src/runtime`) and from the build (`dist`). */
export function readHostVersion(): string {
  for (const relative of ["../package.json", "../../package.json"]) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(relative, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME) return manifest.version ?? "0.0.0";
    } catch {
      // Not at this level; try the next one.
    }
  }
  return "0.0.0";
}

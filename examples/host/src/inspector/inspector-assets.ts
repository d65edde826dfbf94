import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The built inspector: its script and style sheet, read once at start. */
export interface InspectorAssets {
  script: string;
  styles: string;
}

/** Files the inspector build writes (see scripts/build-inspector.mjs). */
export const INSPECTOR_FILES = { script: "app.js", styles: "app.css" } as const;

/**
 * The folder of the built inspector: the given one, `inspector/` beside the built host, or the host package's
 * `dist/inspector` when running from sources after a build. Null when it was never built.
 */
export function locateInspectorAssets(configured: string | null = null): string | null {
  if (configured !== null) return configured;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, "inspector"), join(here, "..", "..", "dist", "inspector")];
  return candidates.find((folder) => existsSync(join(folder, INSPECTOR_FILES.script))) ?? null;
}

/** Reads the built files; null when the folder is missing or incomplete. */
export function readInspectorAssets(folder: string | null): InspectorAssets | null {
  if (folder === null) return null;
  try {
    return { script: readFileSync(join(folder, INSPECTOR_FILES.script), "utf8"), styles: readFileSync(join(folder, INSPECTOR_FILES.styles), "utf8") };
  } catch {
    return null;
  }
}

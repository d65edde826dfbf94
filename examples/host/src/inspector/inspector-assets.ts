import { ConfigurationError } from "@neonhub/core";
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
 * The folder of the built inspector: `inspector/` beside the built host, or the host package's `dist/inspector` when
 * running from sources after a build. Null when it was never built.
 */
export function locateInspectorAssets(): string | null {
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

/**
 * The inspector a host serves: the build in the folder `NEONHUB_INSPECTOR_ASSETS_DIR` names, or else the one the
 * build wrote, if any. A named folder without a build is refused rather than served as "not built", which would send
 * the operator to `pnpm build` instead of to the variable.
 * @throws ConfigurationError naming the variable and each file the folder lacks.
 */
export function loadInspectorAssets(configured: string | null): InspectorAssets | null {
  if (configured === null) return readInspectorAssets(locateInspectorAssets());
  const assets = readInspectorAssets(configured);
  if (assets !== null) return assets;
  const lacking = Object.values(INSPECTOR_FILES).filter((file) => !existsSync(join(configured, file)));
  const problem = lacking.length > 0 ? `lacks ${lacking.join(" and ")}` : `has ${INSPECTOR_FILES.script} and ${INSPECTOR_FILES.styles}, which cannot be read`;
  throw new ConfigurationError(
    `NEONHUB_INSPECTOR_ASSETS_DIR=${configured} ${problem}, the files of a built inspector: name the folder of another build, or leave it unset to serve the one \`pnpm build\` writes.`,
  );
}


import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "@neonhub/core";

/**
 * The folder of committed migrations: `migrations/` beside the built module (copied there by the build), or
 * `prisma/migrations` of the repository when running from sources.
 */
export function locateMigrations(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const bundled = join(here, "migrations");
  if (existsSync(bundled)) return bundled;
  for (let folder = here, depth = 0; depth < 6; folder = dirname(folder), depth += 1) {
    const candidate = join(folder, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigurationError("The NeonHub migrations folder was not found next to the package; reinstall @neonhub/persistence-prisma.");
}

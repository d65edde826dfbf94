import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigurationError } from "@neonhub/core";

/**
 * The folder of committed migrations: `dist/migrations` of the installed package (copied there by the build; the
 * bin's module sits one folder below it), or `prisma/migrations` of the repository when running from sources.
 */
export function locateMigrations(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const bundled of [join(here, "migrations"), join(here, "..", "migrations")]) {
    if (existsSync(join(bundled, "migration_lock.toml"))) return bundled;
  }
  for (let folder = here, depth = 0; depth < 6; folder = dirname(folder), depth += 1) {
    const candidate = join(folder, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
  }
  throw new ConfigurationError("The NeonHub migrations folder was not found next to the package; reinstall @neonhub/persistence-prisma.");
}

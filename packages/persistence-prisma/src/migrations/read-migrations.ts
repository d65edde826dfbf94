import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigurationError } from "@neonhub/core";

/** One committed migration folder (`prisma/migrations/<name>/migration.sql`). */
export interface MigrationFile {
  name: string;
  script: string;
  /** SHA-256 of the file, hex: the value Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** The migrations of a folder in the order Prisma applies them (by folder name). */
export function readMigrations(directory: string): MigrationFile[] {
  if (!existsSync(directory)) {
    throw new ConfigurationError(`The migrations folder ${directory} does not exist.`);
  }
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(join(directory, name, "migration.sql"));
      return { name, script: bytes.toString("utf8"), checksum: createHash("sha256").update(bytes).digest("hex") };
    });
}

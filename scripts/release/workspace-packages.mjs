// The packages this repository publishes: every packages/* folder whose package.json is not private.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** @returns {{ name: string, directory: string, manifest: Record<string, any> }[]} */
export function publishedPackages(root = repositoryRoot) {
  const folder = join(root, "packages");
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(folder, entry.name, "package.json")))
    .map((entry) => {
      const directory = join(folder, entry.name);
      const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"));
      return { name: manifest.name, directory, manifest };
    })
    .filter((entry) => entry.manifest.private !== true)
    .sort((left, right) => left.name.localeCompare(right.name));
}

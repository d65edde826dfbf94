// Reads an unpacked package into the map checkPackedPackage takes (contents only for JavaScript files).
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/** @returns {Map<string, string>} */
export function readPackageFiles(directory) {
  const files = new Map();
  const walk = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(relative(directory, path).split(sep).join("/"), /\.(c|m)?js$/.test(entry.name) ? readFileSync(path, "utf8") : "");
    }
  };
  walk(directory);
  return files;
}

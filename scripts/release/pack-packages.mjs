// Packs every published package with `pnpm pack` (which rewrites workspace: ranges as publishing does) and unpacks
// each tarball beside it, so that checks read exactly what the registry would receive.
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { publishedPackages } from "./workspace-packages.mjs";

/**
 * @param {string} destination an empty folder
 * @returns {{ name: string, directory: string, tarball: string, unpacked: string, manifest: Record<string, any> }[]}
 */
export function packPackages(destination) {
  return publishedPackages().map(({ name, directory }) => {
    const before = new Set(readdirSync(destination));
    execFileSync("pnpm", ["pack", "--pack-destination", destination], { cwd: directory, stdio: ["ignore", "ignore", "inherit"] });
    const created = readdirSync(destination).find((file) => file.endsWith(".tgz") && !before.has(file));
    if (!created) throw new Error(`pnpm pack produced no tarball for ${name}`);
    const tarball = join(destination, created);
    const unpacked = join(destination, created.replace(/\.tgz$/, ""));
    mkdirSync(unpacked, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", unpacked, "--strip-components=1"]);
    const manifest = JSON.parse(readFileSync(join(unpacked, "package.json"), "utf8"));
    return { name, directory, tarball, unpacked, manifest };
  });
}

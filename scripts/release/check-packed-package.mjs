// Checks one packed package as the registry would receive it: dependency ranges a consumer can resolve, no install
// scripts, the metadata a registry page shows, every exported file present, and every package its built code
// imports declared as a dependency.
import { builtinModules } from "node:module";

const UNRESOLVABLE_RANGE = /^(workspace|link|file|portal|catalog):/;
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall"];
const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"];
// `from "x"`, `import "x"`, `import("x")`, `require("x")` with a bare specifier.
const BARE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"'./\s][^"'\s]*)["']/g;
const BUILTINS = new Set(builtinModules);

/** The package a bare specifier names: `@scope/name` or `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Every file path an `exports` value (or `main`, `module`, `types`, `bin`) points at, without patterns. */
export function exportTargets(manifest) {
  const targets = new Set();
  const visit = (value) => {
    if (typeof value === "string") {
      if (!value.includes("*")) targets.add(value.replace(/^\.\//, ""));
    } else if (value && typeof value === "object") {
      for (const nested of Object.values(value)) visit(nested);
    }
  };
  visit(manifest.exports);
  for (const field of ["main", "module", "types"]) visit(manifest[field]);
  visit(typeof manifest.bin === "string" ? manifest.bin : manifest.bin ?? {});
  return [...targets];
}

/**
 * @param {Record<string, any>} manifest the package.json inside the tarball
 * @param {Map<string, string>} files path inside the package → content (content matters only for .js, .cjs, .mjs)
 * @returns {string[]} problems, empty when the package is fit to publish
 */
export function checkPackedPackage(manifest, files) {
  const problems = [];
  const declared = new Set([manifest.name]);
  for (const field of DEPENDENCY_FIELDS) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      declared.add(dependency);
      if (UNRESOLVABLE_RANGE.test(String(range))) problems.push(`${field}.${dependency} is "${range}", which no consumer can resolve`);
    }
  }
  for (const script of INSTALL_SCRIPTS) {
    if (manifest.scripts?.[script]) problems.push(`scripts.${script} runs on every consumer's install ("${manifest.scripts[script]}")`);
  }
  if (manifest.private === true) problems.push("private is true: the package cannot be published");
  if (!manifest.license) problems.push("license is missing");
  if (!manifest.repository?.url) problems.push("repository.url is missing");
  if (!manifest.homepage) problems.push("homepage is missing");
  if (!manifest.bugs?.url) problems.push("bugs.url is missing");
  if (!files.has("README.md")) problems.push("README.md is not in the tarball");
  for (const target of exportTargets(manifest)) {
    if (target !== "package.json" && !files.has(target)) problems.push(`"${target}" is exported but not in the tarball`);
  }
  const undeclared = new Map();
  for (const [path, content] of files) {
    if (!/\.(c|m)?js$/.test(path)) continue;
    for (const match of content.matchAll(BARE_IMPORT)) {
      const specifier = match[1];
      if (specifier.startsWith("node:") || BUILTINS.has(specifier) || BUILTINS.has(specifier.split("/")[0])) continue;
      const name = packageNameOf(specifier);
      if (!declared.has(name) && !undeclared.has(name)) undeclared.set(name, path);
    }
  }
  for (const [name, path] of undeclared) problems.push(`${path} imports "${name}", which is not a dependency`);
  return problems;
}

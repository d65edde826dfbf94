import { defineConfig, type Options } from "tsup";

/**
 * Build settings every package shares: ES modules, CommonJS and type declarations for Node 20, from the
 * package's own `tsconfig.build.json`. Packages add their entries and anything particular to them.
 */
export function packageBuild(options: Options) {
  return defineConfig({
    format: ["esm", "cjs"],
    dts: true,
    tsconfig: "tsconfig.build.json",
    clean: true,
    sourcemap: true,
    target: "node20",
    ...options,
  });
}

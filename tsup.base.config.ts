import { join } from "node:path";
import { defineConfig, type Options } from "tsup";

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * In the CommonJS build, `testing/vitest-api.js` becomes `testing/vitest-api-commonjs.ts`: vitest cannot be loaded
 * with require(), and the rest of a testing subpath (clocks, recorders, mock clients) must still load from CommonJS.
 */
const vitestApiForCommonJs: EsbuildPlugin = {
  name: "vitest-api-for-commonjs",
  setup(build) {
    if (build.initialOptions.format !== "cjs") return;
    build.onResolve({ filter: /^\.\/vitest-api\.js$/ }, (args) => ({ path: join(args.resolveDir, "vitest-api-commonjs.ts") }));
  },
};

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
    esbuildPlugins: [vitestApiForCommonJs],
    ...options,
  });
}

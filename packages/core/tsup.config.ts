import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  tsconfig: "tsconfig.build.json",
  clean: true,
  sourcemap: true,
  target: "node20",
  // p-retry is ESM-only; bundling it keeps the CommonJS build loadable everywhere.
  noExternal: ["p-retry", "is-network-error"],
});

import { defineConfig } from "tsup";

export default defineConfig({
  entry: { main: "src/main.ts", keys: "src/cli/keys.ts", smoke: "src/smoke/smoke.ts" },
  format: ["esm"],
  tsconfig: "tsconfig.build.json",
  clean: true,
  sourcemap: true,
  target: "node20",
});

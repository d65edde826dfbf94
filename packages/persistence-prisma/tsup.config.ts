import { cp } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  tsconfig: "tsconfig.build.json",
  clean: true,
  sourcemap: true,
  target: "node20",
  // The generated Prisma client and the migrations folder are located through import.meta.url, also in CommonJS.
  shims: true,
  // The committed migrations ship inside the package, where openNeonhubDatabase looks for them first.
  onSuccess: async () => {
    await cp("../../prisma/migrations", "dist/migrations", { recursive: true });
  },
});

import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Workspace packages resolve to their sources, so tests never depend on a previous build.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@neonhub\/core\/testing$/, replacement: fromRoot("./packages/core/src/testing/index.ts") },
      { find: /^@neonhub\/core$/, replacement: fromRoot("./packages/core/src/index.ts") },
      { find: /^@neonhub\/connectors\/testing$/, replacement: fromRoot("./packages/connectors/src/testing/index.ts") },
      { find: /^@neonhub\/connectors$/, replacement: fromRoot("./packages/connectors/src/index.ts") },
      { find: /^@neonhub\/persistence-prisma$/, replacement: fromRoot("./packages/persistence-prisma/src/index.ts") },
      { find: /^@neonhub\/metrics$/, replacement: fromRoot("./packages/metrics/src/index.ts") },
      { find: /^@neonhub\/redis$/, replacement: fromRoot("./packages/redis/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/src/**/*.test.ts", "examples/*/test/**/*.test.ts", "examples/*/bench/**/*.test.ts", "scripts/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});

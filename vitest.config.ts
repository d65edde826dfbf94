import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Tests that kill host and worker processes or cut their databases under load, with leases of 1.5 s. They run one at
 * a time once the rest of the suite has finished: sharing two cores with other test processes, a host can fall
 * seconds behind, which those tests would read as a fault of the code under test.
 */
const TESTS = ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/src/**/*.test.ts", "examples/*/test/**/*.test.ts", "examples/*/bench/**/*.test.ts", "scripts/**/*.test.ts", "prisma/scripts/**/*.test.ts"];
const FAULT_TESTS = ["examples/host/test/chaos.int.test.ts", "examples/host/test/durable-runs-kill.int.test.ts", "examples/host/test/separate-workers.int.test.ts"];

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
    pool: "forks",
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: "suite", include: TESTS, exclude: ["**/node_modules/**", "**/dist/**", ...FAULT_TESTS], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "faults", include: FAULT_TESTS, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
    coverage: {
      // On in CI (`CI=true`, as .ci/run and the GitHub workflow set it) or with `vitest run --coverage`.
      enabled: process.env.CI === "true",
      provider: "v8",
      include: ["packages/*/src/**/*.ts", "examples/*/src/**/*.ts"],
      // Tests and the generated Prisma client are not code of ours to cover.
      exclude: ["**/*.test.ts", "**/__fixtures__/**", "**/generated/**"],
      reporter: ["text-summary", "json-summary"],
      reportsDirectory: "coverage",
      // The figures are worth seeing when a test fails too.
      reportOnFailure: true,
      thresholds: {
        "packages/core/src/**": { lines: 90, branches: 85 },
        "packages/connectors/src/**": { lines: 80 },
        "packages/persistence-prisma/src/**": { lines: 80 },
        "packages/metrics/src/**": { lines: 80 },
        "packages/redis/src/**": { lines: 80 },
        // The example host too, although its entry points (main, start-host, worker) run only inside the host
        // processes that its process tests start, where the test runner's coverage cannot see.
        "examples/host/src/**": { lines: 80 },
      },
    },
  },
});

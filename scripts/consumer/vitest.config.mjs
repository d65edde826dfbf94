import { defineConfig } from "vitest/config";

// As the docs tell a consumer: the whole suite in mock mode, so no client can reach a provider.
export default defineConfig({ test: { include: ["agent.spec.ts"], env: { NEONHUB_CONNECTORS_MODE: "mock" } } });

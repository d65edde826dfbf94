import { runApiKeyStoreConformanceSuite } from "@neonhub/core/testing";
import { createMemoryApiKeyStore } from "./memory-api-key-store.js";

runApiKeyStoreConformanceSuite({ name: "memory", createStore: async () => createMemoryApiKeyStore() });

export { createPrismaRunStore } from "./database/create-prisma-run-store.js";
export { openNeonhubDatabase } from "./database/open-neonhub-database.js";
export type { NeonhubDatabase } from "./database/open-neonhub-database.js";
export type { DatabaseConnectionOptions, OpenNeonhubDatabaseOptions } from "./database/connection-options.js";

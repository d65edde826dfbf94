export { createPrismaRunStore } from "./database/create-prisma-run-store.js";
export { openNeonhubDatabase } from "./database/open-neonhub-database.js";
export type { NeonhubDatabase } from "./database/open-neonhub-database.js";
export type { DatabaseConnectionOptions, OpenNeonhubDatabaseOptions } from "./database/connection-options.js";
export type { PrismaCredentialStore, ReencryptionResult } from "./credentials/prisma-credential-store.js";
export type { OAuthReencryptionResult, OAuthStaleCounts, PrismaOAuthStateStore } from "./credentials/prisma-oauth-state-store.js";
export type { PendingReencryption } from "./credentials/reseal-pending-rows.js";
export { encryptionKeyId } from "./credentials/credential-cipher.js";
export type { CredentialKeyring } from "./credentials/credential-cipher.js";

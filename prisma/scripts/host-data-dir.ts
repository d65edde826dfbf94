import { fileURLToPath } from "node:url";

/**
 * The embedded database the example host opens by default: its `./.neonhub` is taken from the folder it runs in,
 * `examples/host` (where `pnpm start` and `pnpm keys` run it). The root's db:* scripts run in the repository root, where
 * the same default would name another, empty, database.
 */
export const HOST_DATA_DIR = fileURLToPath(new URL("../../examples/host/.neonhub", import.meta.url));

/** `environment` with NEONHUB_DATA_DIR set to {@link HOST_DATA_DIR} when it names no folder. */
export function withHostDataDir(environment: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return environment.NEONHUB_DATA_DIR ? environment : { ...environment, NEONHUB_DATA_DIR: HOST_DATA_DIR };
}

import { realpath } from "node:fs/promises";
import { ConfigurationError } from "@neonhub/core";
import { lockEmbeddedFolder } from "./embedded-folder-lock.js";

/** Data folders of embedded databases open in this process, by their real path. */
const openFolders = new Set<string>();

/**
 * Claims an embedded database's folder for one open database, in this process and against other processes; returns
 * its release. PGlite does not refuse a second open of a folder: each instance would see only its own writes, and
 * the last to close would overwrite what the other wrote.
 * @param waitMs how long to wait for another process's claim to be released or to lapse.
 * @throws ConfigurationError when the folder is already open in this process, or still in another one after `waitMs`.
 */
export async function claimEmbeddedFolder(dataDir: string, waitMs: number): Promise<() => Promise<void>> {
  const folder = await realpath(dataDir);
  if (openFolders.has(folder)) {
    throw new ConfigurationError(
      `The embedded database in ${dataDir} is already open in this process: share that database (its runStore and other stores), or close it before opening the folder again.`,
    );
  }
  openFolders.add(folder);
  let unlock: () => Promise<void>;
  try {
    unlock = await lockEmbeddedFolder(folder, dataDir, waitMs);
  } catch (error) {
    openFolders.delete(folder);
    throw error;
  }
  let released: Promise<void> | undefined;
  return () =>
    (released ??= unlock().finally(() => {
      openFolders.delete(folder);
    }));
}

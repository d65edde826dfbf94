import { realpath } from "node:fs/promises";
import { ConfigurationError } from "@neonhub/core";

/** Data folders of embedded databases open in this process, by their real path. */
const openFolders = new Set<string>();

/**
 * Claims an embedded database's folder for one open database of this process; returns its release. PGlite does not
 * refuse a second open of a folder: each instance would see only its own writes, and the last to close would
 * overwrite what the other wrote.
 * @throws ConfigurationError when the folder is already open in this process.
 */
export async function claimEmbeddedFolder(dataDir: string): Promise<() => void> {
  const folder = await realpath(dataDir);
  if (openFolders.has(folder)) {
    throw new ConfigurationError(
      `The embedded database in ${dataDir} is already open in this process: share that database (its runStore and other stores), or close it before opening the folder again.`,
    );
  }
  openFolders.add(folder);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    openFolders.delete(folder);
  };
}

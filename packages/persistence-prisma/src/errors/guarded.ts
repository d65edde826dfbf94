import { toStoreError } from "./to-store-error.js";

/** Runs a database call so that only NeonHub errors leave it (see {@link toStoreError}). */
export async function guarded<T>(action: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error, action);
  }
}

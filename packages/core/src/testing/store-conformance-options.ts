import { afterAll, beforeAll } from "./vitest-api.js";

/** Options of a store port's conformance suite: how to open the adapter's store and how to close it. */
export interface StoreConformanceOptions<Store> {
  /** Label of the adapter in test names. */
  name: string;
  /** Opens a store on an empty database (called once for the suite). */
  createStore: () => Promise<Store>;
  /** Closes the store and removes what it created. */
  destroyStore?: (store: Store) => Promise<void>;
}

/**
 * Opens the adapter's store before a suite's tests and closes it after them; `opened` receives the store, which the
 * suite's tests read once it has been set.
 */
export function openStoreAroundSuite<Store>(options: StoreConformanceOptions<Store>, opened: (store: Store) => void): void {
  let store: Store | undefined;
  beforeAll(async () => {
    store = await options.createStore();
    opened(store);
  });
  afterAll(async () => {
    if (store !== undefined && options.destroyStore) await options.destroyStore(store);
  });
}

import { isConnectionFailure } from "../errors/to-store-error.js";

/** How a {@link createWriteBatcher} groups and writes items. */
export interface WriteBatcherOptions<Item, Result> {
  /** Largest number of items written by one statement. */
  maxBatchSize: number;
  /** Batches written at the same time (keep below the connection pool size). */
  maxConcurrentBatches: number;
  /** False when `item` must wait for a later batch (for example, a second write to the same row). */
  canJoin(batch: Item[], item: Item): boolean;
  /** Writes several items in one statement; returns each item's result (or its own error), in order. */
  writeBatch(items: Item[]): Promise<Array<Result | Error>>;
  /** Writes one item alone. */
  writeOne(item: Item): Promise<Result>;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/**
 * Group commit: writes that arrive while earlier ones are in flight are written together in one statement, so
 * concurrent runs share round trips. Each caller still waits for its own write to be committed. When a batch
 * fails for any reason but a lost connection, its items are written one by one, so that one bad item cannot fail
 * the others.
 */
export function createWriteBatcher<Item, Result>(options: WriteBatcherOptions<Item, Result>): (item: Item) => Promise<Result> {
  const queue: Pending<Item, Result>[] = [];
  let active = 0;
  let scheduled = false;

  const settleAlone = (pending: Pending<Item, Result>) => options.writeOne(pending.item).then(pending.resolve, pending.reject);

  const write = async (batch: Pending<Item, Result>[]) => {
    if (batch.length === 1) return settleAlone(batch[0]!);
    try {
      const results = await options.writeBatch(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => {
        const result = results[index];
        if (result instanceof Error) pending.reject(result);
        else pending.resolve(result as Result);
      });
    } catch (error) {
      if (isConnectionFailure(error)) for (const pending of batch) pending.reject(error);
      else await Promise.all(batch.map(settleAlone));
    }
  };

  const flush = () => {
    scheduled = false;
    while (active < options.maxConcurrentBatches && queue.length > 0) {
      const batch: Pending<Item, Result>[] = [];
      const items: Item[] = [];
      for (let index = 0; index < queue.length && batch.length < options.maxBatchSize; ) {
        const candidate = queue[index]!;
        if (options.canJoin(items, candidate.item)) {
          batch.push(candidate);
          items.push(candidate.item);
          queue.splice(index, 1);
        } else {
          index += 1;
        }
      }
      active += 1;
      void write(batch).finally(() => {
        active -= 1;
        flush();
      });
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      // Callers of the same tick join one batch.
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    });
}

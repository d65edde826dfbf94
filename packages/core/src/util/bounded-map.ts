import { ConfigurationError } from "../errors/errors.js";

/**
 * A Map that keeps at most `maxSize` entries, evicting the least recently used ones. Every keyed structure of the
 * SDK (breakers, limiters, in-flight idempotency entries) uses it, so no key space can grow without bound.
 *
 * Entries live in two generations of `maxSize / 2`: reads promote to the young one, and when it is full the old
 * one is dropped whole. This evicts in amortized O(1); deleting single oldest entries from a Map instead makes
 * V8 skip ever more holes at its front.
 */
export class BoundedMap<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly generationSize: number;

  constructor(
    readonly maxSize: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new ConfigurationError(`BoundedMap maxSize must be a positive integer, got ${maxSize}.`);
    this.generationSize = Math.max(1, Math.floor(maxSize / 2));
  }

  get size(): number {
    return this.young.size + this.old.size;
  }

  /** The value, marked as recently used. */
  get(key: K): V | undefined {
    const value = this.young.get(key);
    if (value !== undefined) return value;
    const aged = this.old.get(key);
    if (aged === undefined) return undefined;
    this.old.delete(key);
    this.insertYoung(key, aged);
    return aged;
  }

  /** The value without changing its recency. */
  peek(key: K): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  has(key: K): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: K, value: V): this {
    if (this.young.has(key)) this.young.set(key, value);
    else {
      this.old.delete(key);
      this.insertYoung(key, value);
    }
    return this;
  }

  delete(key: K): boolean {
    return this.young.delete(key) || this.old.delete(key);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }

  *values(): IterableIterator<V> {
    yield* this.old.values();
    yield* this.young.values();
  }

  private insertYoung(key: K, value: V): void {
    if (this.young.size >= this.generationSize) {
      if (this.onEvict) for (const [evictedKey, evictedValue] of this.old) this.onEvict(evictedKey, evictedValue);
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}

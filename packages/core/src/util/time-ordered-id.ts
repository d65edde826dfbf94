import { randomFillSync } from "node:crypto";

// Random bytes are drawn in batches: one system call serves hundreds of ids.
const RANDOM_BYTES_PER_ID = 10;
const pool = Buffer.allocUnsafe(RANDOM_BYTES_PER_ID * 256);
let poolOffset = pool.length;
const HEX_DIGITS = "0123456789abcdef";
const HEX_PAIRS = Array.from({ length: 256 }, (_, byte) => [HEX_DIGITS.charCodeAt(byte >> 4), HEX_DIGITS.charCodeAt(byte & 15)] as const);
// Byte positions of the 16 id bytes in the 36 characters of the text form (dashes at 8, 13, 18 and 23).
const TEXT_POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
const DASH = "-".charCodeAt(0);
const text = Buffer.alloc(36, DASH);
const bytes = new Uint8Array(16);
// The 12 bits after the version count the ids of one millisecond, from a random start below 2048 so that a
// millisecond has room for at least 2048 ids before it borrows the next one.
const COUNTER_LIMIT = 0xfff;

const takeRandom = (): number => {
  if (poolOffset + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const offset = poolOffset;
  poolOffset += RANDOM_BYTES_PER_ID;
  return offset;
};

/** A new millisecond's counter, from the id's random bytes. */
const seedCounter = (offset: number): number => (((pool[offset] as number) << 8) | (pool[offset + 1] as number)) & 0x7ff;

/**
 * Makes version 7 UUIDs (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter, then 62 random bits. Ids made
 * close in time sort and sit close together in a database's primary-key index, which random (version 4) ids
 * scatter; ids of one generator also sort in the order they were made, even within one millisecond or when the
 * clock steps back (the method of RFC 9562, section 6.2, with a counter seeded at random each millisecond).
 * The text is written into one buffer and read out as a single flat string, without the chain of concatenations
 * that `randomUUID` builds.
 * @returns a function of the creation time (the caller's clock, so that ids follow it) to a new id.
 */
export function createTimeOrderedIds(): (unixMs: number) => string {
  let lastTime = -1;
  let counter = 0;
  return (unixMs) => {
    const offset = takeRandom();
    const now = Math.max(0, Math.floor(unixMs));
    if (now > lastTime) {
      lastTime = now;
      counter = seedCounter(offset);
    } else if (counter < COUNTER_LIMIT) {
      counter += 1;
    } else {
      lastTime += 1;
      counter = seedCounter(offset);
    }
    const high = Math.floor(lastTime / 0x1_0000_0000);
    const low = lastTime >>> 0;
    bytes[0] = (high >>> 8) & 0xff;
    bytes[1] = high & 0xff;
    bytes[2] = low >>> 24;
    bytes[3] = (low >>> 16) & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | (counter >>> 8);
    bytes[7] = counter & 0xff;
    for (let index = 8; index < 16; index += 1) bytes[index] = pool[offset + index - 6] as number;
    bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
    for (let index = 0; index < 16; index += 1) {
      const [first, second] = HEX_PAIRS[bytes[index] as number] as readonly [number, number];
      const position = TEXT_POSITIONS[index] as number;
      text[position] = first;
      text[position + 1] = second;
    }
    return text.toString("latin1", 0, 36);
  };
}

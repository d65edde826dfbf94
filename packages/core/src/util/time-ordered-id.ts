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

/**
 * A version 7 UUID (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids made close in time sort
 * and sit close together in a database's primary-key index, which random (version 4) ids scatter. The text is
 * written into one buffer and read out as a single flat string, without the chain of concatenations that
 * `randomUUID` builds.
 * @param unixMs the creation time; the caller's clock, so that ids follow it.
 */
export function timeOrderedId(unixMs: number): string {
  if (poolOffset + RANDOM_BYTES_PER_ID > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const time = Math.max(0, Math.floor(unixMs));
  const high = Math.floor(time / 0x1_0000_0000);
  const low = time >>> 0;
  bytes[0] = (high >>> 8) & 0xff;
  bytes[1] = high & 0xff;
  bytes[2] = low >>> 24;
  bytes[3] = (low >>> 16) & 0xff;
  bytes[4] = (low >>> 8) & 0xff;
  bytes[5] = low & 0xff;
  for (let index = 6; index < 16; index += 1) bytes[index] = pool[poolOffset + index - 6] as number;
  poolOffset += RANDOM_BYTES_PER_ID;
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f);
  for (let index = 0; index < 16; index += 1) {
    const [first, second] = HEX_PAIRS[bytes[index] as number] as readonly [number, number];
    const position = TEXT_POSITIONS[index] as number;
    text[position] = first;
    text[position + 1] = second;
  }
  return text.toString("latin1", 0, 36);
}

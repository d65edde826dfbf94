const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;

/** An open object or array, with what leads into the value being read. */
interface Frame {
  isObject: boolean;
  expectsKey: boolean;
  key: string;
  index: number;
  // Most objects on a deep path hold one key: the set is made at the second.
  firstKey: string | undefined;
  keys: Set<string> | undefined;
}

/**
 * The path of the first key that repeats within one object of a JSON text (`["input", "a"]`), or null. Keys are
 * compared decoded, so `"a"` and `"\u0061"` are the same key. `JSON.parse` keeps the last of repeated keys while
 * another reader (a proxy, an audit log) may keep the first; refusing them leaves one meaning.
 *
 * The text must be valid JSON (parse it first): one pass, no recursion, linear in its length.
 */
export function findDuplicateKey(json: string): string[] | null {
  const frames: Frame[] = [];
  let position = 0;
  while (position < json.length) {
    const code = json.charCodeAt(position);
    if (code === QUOTE) {
      const end = closingQuote(json, position);
      const top = frames[frames.length - 1];
      if (top?.isObject && top.expectsKey) {
        const key = decodeKey(json, position, end);
        if (repeats(top, key)) return [...frames.slice(0, -1).map(segment), key];
        top.key = key;
        top.expectsKey = false;
      }
      position = end + 1;
      continue;
    }
    if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      const isObject = code === OPEN_OBJECT;
      frames.push({ isObject, expectsKey: isObject, key: "", index: 0, firstKey: undefined, keys: undefined });
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) {
      frames.pop();
    } else if (code === COMMA) {
      const top = frames[frames.length - 1];
      if (top?.isObject) top.expectsKey = true;
      else if (top) top.index += 1;
    }
    position += 1;
  }
  return null;
}

const segment = (frame: Frame): string => (frame.isObject ? frame.key : String(frame.index));

/** Position of the quote that closes the string opened at `start`: the first not escaped by an odd run of backslashes. */
function closingQuote(json: string, start: number): number {
  let quote = json.indexOf('"', start + 1);
  for (;;) {
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
    quote = json.indexOf('"', quote + 1);
  }
}

function decodeKey(json: string, start: number, end: number): string {
  const raw = json.slice(start + 1, end);
  return raw.includes("\\") ? (JSON.parse(json.slice(start, end + 1)) as string) : raw;
}

function repeats(frame: Frame, key: string): boolean {
  if (frame.firstKey === undefined) {
    frame.firstKey = key;
    return false;
  }
  if (frame.keys === undefined) {
    if (key === frame.firstKey) return true;
    frame.keys = new Set([frame.firstKey, key]);
    return false;
  }
  if (frame.keys.has(key)) return true;
  frame.keys.add(key);
  return false;
}

import { ValidationError } from "../errors/errors.js";
import { isStorableDate, isStorableText } from "./storable-value.js";

/** Position after the last run of a page (runs are ordered by `createdAt` desc, then `id` desc). */
export interface RunCursor {
  createdAt: Date;
  id: string;
}

/** Encodes a cursor as an opaque URL-safe string. */
export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.getTime(), cursor.id]), "utf8").toString("base64url");
}

/**
 * Decodes a cursor made by {@link encodeCursor}.
 * @throws ValidationError when the cursor was not made by `encodeCursor`.
 */
export function decodeCursor(value: string): RunCursor {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    if (Array.isArray(decoded) && decoded.length === 2 && Number.isFinite(decoded[0]) && typeof decoded[1] === "string" && isStorableText(decoded[1])) {
      const createdAt = new Date(decoded[0] as number);
      // A forged cursor must not carry a time or text the database cannot compare with.
      if (isStorableDate(createdAt)) return { createdAt, id: decoded[1] };
    }
  } catch {
    // Falls through to the typed error below.
  }
  throw new ValidationError("The cursor is not valid; pass the nextCursor of a previous page.", [{ path: "cursor", message: "Invalid cursor" }]);
}

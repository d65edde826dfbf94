import type { FastifyRequest } from "fastify";
import { HOST_ERROR_CODES } from "./problem-details.js";

/** A body declared in a character set the host does not read; answered 415 `UNSUPPORTED_MEDIA_TYPE`. */
export class UnsupportedCharsetError extends Error {
  readonly statusCode = 415;
  readonly code = HOST_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE;
  override readonly name = "UnsupportedCharsetError";
}

const CHARSET_PARAMETER = /^\s*charset\s*=\s*"?([^";\s]*)"?\s*$/i;

/** Every `charset` a `Content-Type` header names, in lower case. */
export function declaredCharsets(contentType: string): string[] {
  return contentType
    .split(";")
    .slice(1)
    .flatMap((parameter) => {
      const match = CHARSET_PARAMETER.exec(parameter);
      return match ? [(match[1] ?? "").toLowerCase()] : [];
    });
}

/**
 * A `preParsing` hook that refuses a body declared in any charset but UTF-8: the JSON parser reads every body as
 * UTF-8, so `charset=latin1` or `charset=utf-16` would be read as other text than the client sent. It runs before
 * the body is read.
 */
export async function refuseForeignCharset(request: FastifyRequest): Promise<void> {
  const contentType = request.headers["content-type"];
  if (contentType === undefined || !contentType.includes(";")) return;
  const foreign = declaredCharsets(contentType).find((charset) => charset !== "utf-8");
  if (foreign !== undefined) throw new UnsupportedCharsetError(`Bodies are read as UTF-8 only; charset=${foreign} is not supported.`);
}

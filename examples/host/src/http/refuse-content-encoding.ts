import type { FastifyReply, FastifyRequest } from "fastify";
import { HOST_ERROR_CODES } from "./problem-details.js";

/** A body in a content coding the host does not decode (`gzip`, `br`, ...); answered 415 `UNSUPPORTED_MEDIA_TYPE`. */
export class UnsupportedContentEncodingError extends Error {
  readonly statusCode = 415;
  readonly code = HOST_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE;
  override readonly name = "UnsupportedContentEncodingError";
}

/** Every content coding a `Content-Encoding` header names, in lower case, leaving out `identity` (no coding). */
export function declaredContentCodings(contentEncoding: string): string[] {
  return contentEncoding
    .split(",")
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding.length > 0 && coding !== "identity");
}

function carriesBody(request: FastifyRequest): boolean {
  const { "content-length": contentLength, "transfer-encoding": transferEncoding } = request.headers;
  return transferEncoding !== undefined || (contentLength !== undefined && contentLength !== "0");
}

/**
 * A `preParsing` hook that refuses a body sent in any content coding: the host decodes none, so a gzip body would
 * be read as broken JSON, and a plain body labelled `br` as something else than its sender says it is. It runs
 * before the body is read, so before any route acts on it; the answer names `identity` in `Accept-Encoding`
 * (RFC 9110, section 12.5.3). A request without a body is not refused for its header.
 */
export async function refuseContentEncoding(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const contentEncoding = request.headers["content-encoding"];
  if (contentEncoding === undefined || !carriesBody(request)) return;
  const [coding] = declaredContentCodings(contentEncoding);
  if (coding === undefined) return;
  reply.header("accept-encoding", "identity");
  throw new UnsupportedContentEncodingError(`Bodies are read as sent, without a content coding; Content-Encoding: ${coding} is not supported.`);
}

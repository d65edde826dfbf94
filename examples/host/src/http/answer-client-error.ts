import type { Socket } from "node:net";
import { createProblem, HOST_ERROR_CODES } from "./problem-details.js";

/**
 * Answers a request that Node's HTTP parser refused before Fastify saw it (headers too large, malformed HTTP, a
 * request that timed out) with a problem document like every other error, then closes the connection: after a
 * parse error the rest of its bytes cannot be trusted. Registered as Fastify's `clientErrorHandler`.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const problem =
    error.code === "HPE_HEADER_OVERFLOW"
      ? createProblem(431, HOST_ERROR_CODES.HEADERS_TOO_LARGE, "The request line and headers are larger than the server accepts.")
      : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? createProblem(408, HOST_ERROR_CODES.REQUEST_TIMEOUT, "The request did not arrive in time.")
        : createProblem(400, HOST_ERROR_CODES.MALFORMED_REQUEST, "The request is not well-formed HTTP.");
  const body = JSON.stringify(problem);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

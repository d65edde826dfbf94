import { connect } from "node:net";

/** A response read off a raw connection. */
export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Splits what a connection received into its responses' status lines, headers and bodies. */
export function readResponses(raw: string): RawResponse[] {
  const responses = [];
  let rest = raw;
  while (rest.startsWith("HTTP/1.1 ")) {
    const headEnd = rest.indexOf("\r\n\r\n");
    const [statusLine = "", ...headerLines] = rest.slice(0, headEnd).split("\r\n");
    const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(":")).toLowerCase(), line.slice(line.indexOf(":") + 1).trim()]));
    const length = Number(headers["content-length"]);
    responses.push({ status: Number(statusLine.split(" ")[1]), headers, body: rest.slice(headEnd + 4, headEnd + 4 + length) });
    rest = rest.slice(headEnd + 4 + length);
  }
  return responses;
}

/**
 * Opens a connection to a server on 127.0.0.1 and writes `head`, so that a test can send the rest of a request
 * later (a connection that has begun a request is not idle, and a closing server leaves it open).
 */
export function openRawConnection(port: number, head: string) {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
  const ended = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  socket.write(head);
  return { socket, ended };
}

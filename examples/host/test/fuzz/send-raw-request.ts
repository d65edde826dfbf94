import { Agent, request as httpRequest } from "node:http";

/** One request as the fuzz suite sends it: the path is sent byte for byte as given (already encoded). */
export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

/** What came back. */
export interface RawResponse {
  status: number;
  contentType: string;
  body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * Percent-encodes every UTF-16 code unit that is not unreserved; a lone surrogate is written as the three bytes
 * UTF-8 would give it (invalid UTF-8, which is the point), instead of throwing as `encodeURIComponent` does.
 */
export function percentEncode(text: string): string {
  let encoded = "";
  for (let index = 0; index < text.length; index += 1) {
    const unit = text.charCodeAt(index);
    const pair = unit >= 0xd800 && unit <= 0xdbff ? text.charCodeAt(index + 1) : Number.NaN;
    if (pair >= 0xdc00 && pair <= 0xdfff) {
      encoded += encodeURIComponent(text.slice(index, index + 2));
      index += 1;
    } else if (unit >= 0xd800 && unit <= 0xdfff) {
      encoded += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)].map((byte) => `%${byte.toString(16).toUpperCase()}`).join("");
    } else {
      encoded += encodeURIComponent(text[index] as string);
    }
  }
  return encoded;
}

/** Sends a request over a kept-alive connection; null when Node refuses to send it (an invalid header, say). */
export function sendRawRequest(baseUrl: string, raw: RawRequest): Promise<RawResponse | null> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let client;
    try {
      client = httpRequest({ host: url.hostname, port: url.port, method: raw.method, path: raw.path, headers: raw.headers, agent }, (response) => {
        const contentType = String(response.headers["content-type"] ?? "");
        // A live event stream never ends by itself: its status and headers are the answer.
        if (contentType.startsWith("text/event-stream")) {
          resolve({ status: response.statusCode ?? 0, contentType, body: "" });
          response.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, contentType: String(response.headers["content-type"] ?? ""), body: Buffer.concat(chunks).toString("utf8") }));
        response.on("error", reject);
      });
    } catch {
      // Node validates methods, paths and header values before sending: such a request cannot reach a server.
      resolve(null);
      return;
    }
    client.on("error", reject);
    client.end(raw.body);
  });
}

/** Closes the kept-alive connections. */
export function closeRawConnections(): void {
  agent.destroy();
}

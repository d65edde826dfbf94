import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { createTestHost } from "../testing/create-test-host.js";

/** Splits what a connection received into its responses' status lines, headers and bodies. */
function readResponses(raw: string): Array<{ status: number; headers: Record<string, string>; body: string }> {
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

describe("a request that arrives while the host is closing", () => {
  it("is answered 503 STORE_UNAVAILABLE as a problem document with Retry-After, on a connection that was open", async () => {
    let releaseList: () => void = () => undefined;
    const listing = new Promise<void>((resolve) => (releaseList = resolve));
    let listed = false;
    const listRuns = async () => {
      listed = true;
      await listing;
      return { runs: [], nextCursor: null };
    };
    const host = await createTestHost({ orchestratorOverrides: { listRuns } });
    const address = new URL(await host.app.listen({ host: "127.0.0.1", port: 0 }));
    const authorization = host.alpha.authorization;
    const open = (head: string) => {
      const socket = connect(Number(address.port), "127.0.0.1");
      let received = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => (received += chunk));
      const ended = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
      socket.write(head);
      return { socket, ended };
    };
    // A connection that has begun its request is not idle, so closing the host leaves it open; its request arrives
    // whole once the host is closing. Another request, held in its handler, keeps the host closing meanwhile.
    const late = open("GET /v1/agents HTTP/1.1\r\nHost: h\r\n");
    const held = open(`GET /v1/runs HTTP/1.1\r\nHost: h\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`);
    await expect.poll(() => listed).toBe(true);
    const closed = host.app.close();
    late.socket.write(`Authorization: ${authorization}\r\nConnection: close\r\n\r\n`);
    const answeredLate = await late.ended;
    releaseList();
    const answeredHeld = await held.ended;
    await closed;

    const [first] = readResponses(answeredHeld);
    const [second] = readResponses(answeredLate);
    expect(first?.status).toBe(200);
    expect(second?.status).toBe(503);
    expect(second?.headers["content-type"]).toContain("application/problem+json");
    expect(second?.headers["retry-after"]).toBe("1");
    expect(second?.headers.connection).toBe("close");
    expect(JSON.parse(second?.body ?? "{}")).toMatchObject({ status: 503, code: "STORE_UNAVAILABLE", retryAfterSeconds: 1, detail: "The host is shutting down; retry on another instance." });
  });
});

import type { Orchestrator } from "@neonhub/core";
import { describe, expect, it } from "vitest";
import { createTestHost } from "../testing/create-test-host.js";
import { createWorkerApp } from "./create-worker-app.js";
import { openRawConnection, readResponses } from "../testing/raw-http.js";

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
    const open = (head: string) => openRawConnection(Number(address.port), head);
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

describe("a request whose body is still arriving when the host begins closing", () => {
  it("is answered 503 STORE_UNAVAILABLE with Retry-After once its body is in, and closes its connection, without starting a run", async () => {
    const orchestrated: unknown[] = [];
    const orchestrate: Orchestrator["orchestrate"] = async (request) => {
      orchestrated.push(request);
      throw new Error("a run was started");
    };
    const closing = await createTestHost({ orchestratorOverrides: { orchestrate } });
    const address = new URL(await closing.app.listen({ host: "127.0.0.1", port: 0 }));
    const body = JSON.stringify({ agent: "echo", input: { text: "hi" } });
    const head = `POST /v1/runs HTTP/1.1\r\nHost: h\r\nAuthorization: ${closing.alpha.authorization}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`;
    const arriving = openRawConnection(Number(address.port), head);
    let received = "";
    arriving.socket.on("data", (chunk: string) => (received += chunk));
    // Answered 100 Continue: the host has taken the request's head, and waits for its body.
    await expect.poll(() => received).toContain("HTTP/1.1 100 Continue\r\n\r\n");
    arriving.socket.write(body.slice(0, 5));
    const closed = closing.app.close();
    arriving.socket.write(body.slice(5));
    const answers = () => readResponses(received.replace("HTTP/1.1 100 Continue\r\n\r\n", ""));
    try {
      await expect.poll(() => answers().length).toBe(1);
      const [answer] = answers();
      expect(answer?.status).toBe(503);
      expect(answer?.headers["content-type"]).toContain("application/problem+json");
      expect(answer?.headers["retry-after"]).toBe("1");
      expect(answer?.headers.connection).toBe("close");
      expect(JSON.parse(answer?.body ?? "{}")).toMatchObject({ status: 503, code: "STORE_UNAVAILABLE", detail: "The host is shutting down; retry on another instance." });
      // The host closes the connection itself.
      await arriving.ended;
    } finally {
      arriving.socket.destroy();
      await closed;
    }
    expect(orchestrated).toEqual([]);
  });
});

describe("a request that arrives while a worker's server is closing", () => {
  it("is answered 503 STORE_UNAVAILABLE as a problem document with Retry-After, as the host answers", async () => {
    let releaseCheck: () => void = () => undefined;
    const checking = new Promise<void>((resolve) => (releaseCheck = resolve));
    let checked = false;
    const app = await createWorkerApp({
      version: "1.2.3",
      healthChecks: {
        database: async () => {
          checked = true;
          await checking;
        },
      },
      metrics: { contentType: "text/plain; version=0.0.4", render: async () => "" },
    });
    const address = new URL(await app.listen({ host: "127.0.0.1", port: 0 }));
    const late = openRawConnection(Number(address.port), "GET /metrics HTTP/1.1\r\nHost: h\r\n");
    const held = openRawConnection(Number(address.port), "GET /api/health HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    await expect.poll(() => checked).toBe(true);
    const closed = app.close();
    late.socket.write("Connection: close\r\n\r\n");
    const answeredLate = await late.ended;
    releaseCheck();
    await held.ended;
    await closed;

    const [answer] = readResponses(answeredLate);
    expect(answer?.status).toBe(503);
    expect(answer?.headers["content-type"]).toContain("application/problem+json");
    expect(answer?.headers["retry-after"]).toBe("1");
    expect(JSON.parse(answer?.body ?? "{}")).toMatchObject({ status: 503, code: "STORE_UNAVAILABLE", retryAfterSeconds: 1 });
  });
});

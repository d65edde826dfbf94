import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One side effect as the provider saw it. */
export interface LedgerEntry {
  /** The request's idempotency key (Resend's `Idempotency-Key` header, Discord's `nonce`). */
  key: string;
  /** Requests that carried the key; more than one is a retry or a resumed step. */
  requests: number;
  /** Times the provider acted on it: 1, or a duplicate side effect. */
  deliveries: number;
  /** SHA-256 of the request body, to catch the same content sent under two keys. */
  bodyHash: string;
  /** The answer replayed for later requests with the key, as the providers document. */
  answer: Record<string, unknown>;
}

/**
 * A stand-in for Resend (`POST /emails`) and Discord (`POST /api/v10/channels/{id}/messages`) that keeps a ledger
 * of side effects by idempotency key, deduplicating as those providers do. It also answers YouTube's
 * `GET /youtube/v3/search` (a read, not in the ledger) with videos derived from the channel id. `holdDelivery(n)` makes it act on the
 * n-th new side effect and then never answer, so a test can kill its caller at an exact step.
 */
export class ProviderLedger {
  readonly entries = new Map<string, LedgerEntry>();
  /** The keys of the side effects held without an answer, in order. */
  readonly heldKeys: string[] = [];
  /** Reads answered (YouTube searches). */
  reads = 0;
  /** Time each answer takes, as a provider's would, so that runs spend time in flight. */
  latencyMs = 0;
  readonly #held = new Set<ServerResponse>();
  #server: Server | undefined;
  #holdAt: number | null = null;
  #deliveries = 0;
  #onHeld: (() => void) | undefined;
  url = "";

  async start(): Promise<void> {
    // A caller killed in the middle of its request leaves it aborted: nothing to answer.
    this.#server = createServer((request, response) => void this.#handle(request, response).catch(() => response.destroy()));
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** Acts on the `count`-th new side effect from now and never answers it; resolves once that happened. */
  holdDelivery(count: number): Promise<void> {
    this.#holdAt = this.#deliveries + count;
    return new Promise((resolve) => (this.#onHeld = resolve));
  }

  /** Side effects delivered more than once, or the same body delivered under two keys. */
  duplicates(): string[] {
    const problems: string[] = [];
    const bodies = new Map<string, string>();
    for (const entry of this.entries.values()) {
      if (entry.deliveries !== 1) problems.push(`${entry.key} delivered ${entry.deliveries} times`);
      const other = bodies.get(entry.bodyHash);
      if (other !== undefined) problems.push(`the same body went out under ${other} and ${entry.key}`);
      bodies.set(entry.bodyHash, entry.key);
    }
    return problems;
  }

  async close(): Promise<void> {
    for (const response of this.#held) response.destroy();
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    const search = request.method === "GET" ? new URL(request.url ?? "/", "http://ledger").searchParams : null;
    if (search && request.url?.startsWith("/youtube/v3/search?")) {
      this.reads += 1;
      const channelId = search.get("channelId") ?? "";
      const count = Math.min(Number(search.get("maxResults") ?? 5), 3);
      const items = Array.from({ length: count }, (_, index) => ({
        id: { videoId: `${channelId.slice(-8)}-${index}` },
        snippet: { title: `Video ${index} of ${channelId}`, publishedAt: new Date(Date.UTC(2026, 11, 1 - index)).toISOString() },
      }));
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ items }));
      return;
    }
    let body = "";
    for await (const chunk of request) body += String(chunk);
    const json = JSON.parse(body || "{}") as Record<string, unknown>;
    const isEmail = request.method === "POST" && request.url === "/emails";
    const channel = /^\/api\/v10\/channels\/(\d+)\/messages$/.exec(request.url ?? "")?.[1];
    const key = isEmail ? request.headers["idempotency-key"] : typeof json.nonce === "string" ? json.nonce : undefined;
    if ((!isEmail && channel === undefined) || typeof key !== "string") {
      response.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ message: "missing idempotency key" }));
      return;
    }
    // The content of a side effect, without the key itself, so that two keys for one message show up.
    const { nonce: _nonce, ...content } = json;
    const bodyHash = createHash("sha256").update(JSON.stringify(content)).digest("hex");
    let entry = this.entries.get(key);
    if (entry === undefined) {
      this.#deliveries += 1;
      const id = `${isEmail ? "email" : "message"}-${this.#deliveries}`;
      const answer = isEmail ? { id } : { id: String(1_300_000_000_000_000_000n + BigInt(this.#deliveries)), channel_id: channel, content: json.content, timestamp: "2026-12-04T12:00:00.000000+00:00" };
      entry = { key, requests: 0, deliveries: 1, bodyHash, answer };
      this.entries.set(key, entry);
      if (this.#deliveries === this.#holdAt) {
        entry.requests += 1;
        this.#held.add(response);
        this.heldKeys.push(key);
        this.#holdAt = null;
        this.#onHeld?.();
        return;
      }
    }
    entry.requests += 1;
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(entry.answer));
  }
}

import { UpstreamFailedError } from "@neonhub/core";

/** Largest response body read from a provider by default (10 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

function tooLarge(providerName: string, status: number, maxResponseBytes: number): UpstreamFailedError {
  return new UpstreamFailedError(`${providerName} answered HTTP ${status} with a body larger than ${maxResponseBytes} bytes; it was not read.`, {
    isRetryable: false,
    details: { status, reason: "response_too_large", maxResponseBytes },
  });
}

/**
 * The response body as text, read up to `maxResponseBytes`: a longer body (by its `Content-Length` or as it
 * streams) is cancelled and fails with a non-retryable `UPSTREAM_FAILED`, so that no host can fill the memory.
 */
export async function readResponseText(response: Response, providerName: string, maxResponseBytes: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxResponseBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(providerName, response.status, maxResponseBytes);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxResponseBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(providerName, response.status, maxResponseBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks, length));
}

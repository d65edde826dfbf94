import { ConfigurationError, isNeonhubError, UpstreamFailedError } from "@neonhub/core";
import type { HttpRequest, HttpResponse, ParameterValue } from "./http-types.js";
import { DEFAULT_MAX_RESPONSE_BYTES, readResponseText } from "./read-response-text.js";

/** Network error codes that mean the request never reached the provider (no connection, no address). */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "ERR_INVALID_URL", "UND_ERR_CONNECT_TIMEOUT"]);

/** Whether fetch accepts a header value: Latin-1 characters only, and no NUL, CR or LF (RFC 9110 field-value). */
function isSendableHeaderValue(value: string): boolean {
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code === 0x00 || code === 0x0a || code === 0x0d || code > 0xff) return false;
  }
  return true;
}

/**
 * A request that cannot be sent as built, usually because a credential holds a character HTTP forbids: nothing
 * reached the provider, and trying again cannot help. The message never quotes the value.
 */
function unsendable(providerName: string, problem: string, details: Record<string, unknown>): ConfigurationError {
  return new ConfigurationError(`The request to ${providerName} was not sent: ${problem}. Check the connection's credentials.`, {
    isRetryable: false,
    details: { ...details, outcome: "not_acted" },
  });
}

/** A request ready to send: absolute URL, final headers and encoded body. */
export interface PreparedRequest {
  method: HttpRequest["method"];
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

function appendParameters(target: URLSearchParams, parameters: Record<string, ParameterValue> | undefined): void {
  for (const [name, value] of Object.entries(parameters ?? {})) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) target.append(name, String(item));
  }
}

/** Joins the base URL and the request's path, query and body into a {@link PreparedRequest}. */
export function prepareRequest(baseUrl: string, request: HttpRequest, headers: Record<string, string>): PreparedRequest {
  const url = new URL(baseUrl.replace(/\/+$/, "") + request.path);
  appendParameters(url.searchParams, request.query);
  const contentType = request.json !== undefined ? "application/json" : request.form !== undefined ? "application/x-www-form-urlencoded" : undefined;
  const extra = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const prepared: PreparedRequest = {
    method: request.method,
    url,
    headers: { accept: "application/json", ...(contentType === undefined ? {} : { "content-type": contentType }), ...extra, ...headers },
  };
  if (request.json !== undefined) prepared.body = JSON.stringify(request.json);
  else if (request.form !== undefined) {
    const form = new URLSearchParams();
    appendParameters(form, request.form);
    prepared.body = form.toString();
  }
  return prepared;
}

async function readBody(response: Response, providerName: string, maxResponseBytes: number): Promise<unknown> {
  const text = await readResponseText(response, providerName, maxResponseBytes);
  if (text === "") return null;
  if ((response.headers.get("content-type") ?? "").includes("json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/** Options of {@link sendRequest}. */
export interface SendRequestOptions {
  /** Largest response body read. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

/**
 * Sends a prepared request with the global fetch. An aborted signal rethrows its reason (a timeout or a
 * cancellation); a network failure becomes a retryable error that names the provider, never the URL (it may
 * carry a query-string key); a body over `maxResponseBytes` is not read.
 */
export async function sendRequest(request: PreparedRequest, signal: AbortSignal, providerName: string, options: SendRequestOptions = {}): Promise<HttpResponse> {
  const badHeader = Object.entries(request.headers).find(([, value]) => !isSendableHeaderValue(value))?.[0];
  if (badHeader !== undefined) throw unsendable(providerName, `its "${badHeader}" header has a line break or a character outside Latin-1`, { header: badHeader });
  let response: Response;
  try {
    response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: "manual" });
  } catch (error) {
    if (signal.aborted) throw isNeonhubError(signal.reason) ? signal.reason : error;
    // fetch's own network failures carry a cause; a TypeError without one was thrown building the request.
    if (error instanceof TypeError && error.cause === undefined) throw unsendable(providerName, "fetch refused to build it", {});
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    // Refused connections and failed lookups happen before the request leaves; anything else may follow it.
    const outcome = typeof code === "string" && NOT_SENT_CODES.has(code) ? "not_acted" : "unknown";
    throw new UpstreamFailedError(`Could not reach ${providerName}${typeof code === "string" ? ` (${code})` : ""}.`, { isRetryable: true, details: { outcome } });
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  try {
    return { status: response.status, headers, body: await readBody(response, providerName, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES) };
  } catch (error) {
    if (signal.aborted && isNeonhubError(signal.reason)) throw signal.reason;
    if (isNeonhubError(error)) throw error;
    throw new UpstreamFailedError(`${providerName} closed the response before it was read.`, { isRetryable: true, cause: error, details: { outcome: "unknown" } });
  }
}

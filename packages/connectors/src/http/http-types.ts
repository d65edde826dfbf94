/** Values allowed in a query string or form body; arrays repeat the key, undefined leaves it out. */
export type ParameterValue = string | number | boolean | undefined | readonly (string | number | boolean)[];

/** One request made by an action, relative to the connection's base URL. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path appended to the base URL, already encoded (`/chat.postMessage`). */
  path: string;
  query?: Record<string, ParameterValue>;
  /** JSON body (`Content-Type: application/json`). */
  json?: unknown;
  /** Form body (`Content-Type: application/x-www-form-urlencoded`). */
  form?: Record<string, ParameterValue>;
  headers?: Record<string, string>;
}

/** The provider's answer; `body` is parsed JSON when the response says so, text otherwise, null when empty. */
export interface HttpResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: unknown;
}

/**
 * HTTP client bound to one connection: it adds the credentials, the deadline and the abort signal, refreshes
 * OAuth2 tokens, and turns failed responses into NeonHub errors (so `request` resolves only for 2xx answers
 * that the connector's `mapResponse` accepted).
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

import fc from "fast-check";
import { deeplyNestedJson, NASTY_JSON_NUMBERS, NASTY_NUMBERS, NASTY_STRINGS, POLLUTING_KEYS, wideObjectJson } from "./nasty-values.js";
import { percentEncode, sendRawRequest, type RawRequest, type RawResponse } from "./send-raw-request.js";

/** One operation of the OpenAPI document, reduced to what the generators need. */
export interface FuzzOperation {
  method: string;
  /** With `{name}` placeholders. */
  path: string;
  pathParameters: string[];
  queryParameters: Array<{ name: string; schema: JsonSchema }>;
  bodySchema: JsonSchema | null;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  minimum?: number;
  maximum?: number;
}

/** A response that broke a rule, with the request that caused it. */
export interface FuzzFinding {
  request: { method: string; path: string; body: string };
  status: number;
  problem: string;
}

/** The parts of an OpenAPI 3 document the generators read. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string; schema: JsonSchema }>; requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

/** Reads every operation of the document, with `$ref` body schemas resolved. */
export function operationsOf(document: OpenApiDocument): FuzzOperation[] {
  const resolve = (schema: JsonSchema | undefined): JsonSchema | null => {
    if (!schema) return null;
    if (schema.$ref) return document.components?.schemas?.[schema.$ref.split("/").pop() as string] ?? null;
    return schema;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      pathParameters: (operation.parameters ?? []).filter((parameter) => parameter.in === "path").map((parameter) => parameter.name),
      queryParameters: (operation.parameters ?? []).filter((parameter) => parameter.in === "query").map((parameter) => ({ name: parameter.name, schema: parameter.schema })),
      bodySchema: resolve(operation.requestBody?.content?.["application/json"]?.schema),
    })),
  );
}

/** Routes the document leaves out (they are not part of the API contract) but that answer anyone. */
export const UNDOCUMENTED_OPERATIONS: FuzzOperation[] = ["/api/health", "/openapi.json", "/docs", "/"].map((path) => ({ method: "GET", path, pathParameters: [], queryParameters: [], bodySchema: null }));

const PROBLEM_CODE = /^[A-Z][A-Z0-9_]*$/;

/** Checks one answer against the rules: no 5xx, and every 4xx a problem document with a stable code. */
export function checkResponse(request: RawRequest, response: RawResponse | null): string | null {
  if (response === null) return null;
  // Health reports a slow dependency with 503 by design (on a busy machine the database may take seconds); that
  // answer is a report, not a failed request. The suite checks health on its own once the requests are done.
  if (response.status === 503 && request.path.startsWith("/api/health") && /"status":"unavailable"/.test(response.body)) return null;
  if (response.status >= 500) return `answered ${response.status}: ${response.body.slice(0, 200)}`;
  if (response.status < 400) return null;
  if (!response.contentType.startsWith("application/problem+json")) return `answered ${response.status} as ${response.contentType || "no content type"}: ${response.body.slice(0, 120)}`;
  try {
    const problem = JSON.parse(response.body) as { code?: unknown; status?: unknown };
    if (typeof problem.code !== "string" || !PROBLEM_CODE.test(problem.code)) return `answered ${response.status} without a stable code: ${response.body.slice(0, 120)}`;
    if (problem.status !== response.status) return `answered ${response.status} with a problem of status ${String(problem.status)}`;
  } catch {
    return `answered ${response.status} with a body that is not JSON: ${response.body.slice(0, 120)}`;
  }
  return null;
}

/** Runs requests and records what broke a rule; counts every request sent. */
export class FuzzSession {
  sent = 0;
  readonly findings: FuzzFinding[] = [];
  constructor(
    readonly baseUrl: string,
    readonly apiKey: string,
  ) {}

  async send(request: RawRequest): Promise<RawResponse | null> {
    let response: RawResponse | null;
    try {
      response = await sendRawRequest(this.baseUrl, request);
    } catch (error) {
      // The server dropped the connection without an answer.
      this.record(request, 0, `no answer: ${(error as Error).message}`);
      return null;
    }
    if (response !== null) this.sent += 1;
    const problem = checkResponse(request, response);
    if (problem !== null) this.record(request, response?.status ?? 0, problem);
    return response;
  }

  private record(request: RawRequest, status: number, problem: string): void {
    // The first findings say enough; the list stays small however many requests fail.
    if (this.findings.length >= 50) return;
    const body = request.body === undefined ? "" : String(request.body).slice(0, 200);
    this.findings.push({ request: { method: request.method, path: request.path.slice(0, 200), body }, status, problem });
  }

  /** Headers of an authenticated JSON request. */
  jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}`, "content-type": "application/json", ...extra };
  }
}

const fillPath = (operation: FuzzOperation, value: string): string => operation.path.replace(/\{[^}]+\}/g, percentEncode(value));
const ordinaryValue = (schema: JsonSchema): unknown => (schema.enum ? schema.enum[0] : schema.type === "integer" || schema.type === "number" ? 1 : schema.type === "boolean" ? false : "echo");

/** A body that the schema accepts in shape, with `value` put in `field`. */
function bodyWith(schema: JsonSchema, field: string | null, value: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { agent: "echo", input: { text: "fuzz" } };
  for (const name of schema.required ?? []) if (!(name in body)) body[name] = ordinaryValue(schema.properties?.[name] ?? {});
  if (field !== null) body[field] = value;
  return body;
}

/** The known-nasty corpus: every nasty value in every slot of every operation, and the malformed requests. */
export async function sendCorpus(session: FuzzSession, operations: FuzzOperation[]): Promise<void> {
  for (const operation of operations) {
    const base = fillPath(operation, "run_1");
    for (const value of NASTY_STRINGS) {
      if (operation.pathParameters.length > 0) await session.send({ method: operation.method, path: fillPath(operation, value), headers: session.jsonHeaders() });
      for (const parameter of operation.queryParameters) {
        await session.send({ method: operation.method, path: `${base}?${parameter.name}=${percentEncode(value)}`, headers: session.jsonHeaders() });
      }
      await session.send({ method: operation.method, path: `${base}?${percentEncode(value)}=1`, headers: session.jsonHeaders() });
      if (operation.bodySchema) {
        for (const field of Object.keys(operation.bodySchema.properties ?? {})) {
          await session.send({ method: operation.method, path: base, headers: session.jsonHeaders(), body: JSON.stringify(bodyWith(operation.bodySchema, field, value)) });
        }
        await session.send({ method: operation.method, path: base, headers: session.jsonHeaders(), body: JSON.stringify(bodyWith(operation.bodySchema, "input", { text: value, [value]: value })) });
      }
    }
    if (!operation.bodySchema) continue;
    for (const number of NASTY_NUMBERS) {
      for (const field of Object.keys(operation.bodySchema.properties ?? {})) {
        await session.send({ method: operation.method, path: base, headers: session.jsonHeaders(), body: JSON.stringify(bodyWith(operation.bodySchema, field, number)) });
      }
    }
    const template = JSON.stringify(bodyWith(operation.bodySchema, "idempotencyKey", "fuzz-key"));
    const malformedBodies = [
      ...NASTY_JSON_NUMBERS.map((number) => template.replace('"fuzz"', number)),
      ...NASTY_JSON_NUMBERS.map((number) => template.replace('{"agent"', `{"timeoutMs":${number},"agent"`)),
      ...POLLUTING_KEYS.map((key) => template.replace('{"text"', `{"${key}":{"polluted":true},"text"`)),
      ...POLLUTING_KEYS.map((key) => template.replace('{"agent"', `{"${key}":{"polluted":true},"agent"`)),
      template.replace('"fuzz"', deeplyNestedJson(5_000)),
      template.replace('"fuzz"', deeplyNestedJson(65)),
      template.replace('"fuzz"', deeplyNestedJson(64)),
      template.replace('"fuzz"', wideObjectJson(1_001)),
      template.replace('"fuzz"', `[${"0,".repeat(150_000)}0]`),
      template.replace('"fuzz"', '"\\u0000"'),
      template.replace('"fuzz"', '"\\ud800"'),
      template.replace('"fuzz-key"', '"\\udfff"'),
      template.replace('"echo"', '"ec\\u0000ho"'),
      "{not json",
      "",
      "null",
      "[]",
      '"text"',
      "12",
      "{}",
      `${template} trailing`,
      template.slice(0, -1),
      `\uFEFF${template}`,
    ];
    for (const body of malformedBodies) await session.send({ method: operation.method, path: base, headers: session.jsonHeaders(), body });
    const contentTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/json; charset=utf-16", "application/json; charset=latin1", "application/problem+json", "APPLICATION/JSON", "application/jsonx", ""];
    for (const contentType of contentTypes) {
      await session.send({ method: operation.method, path: base, headers: { ...session.jsonHeaders(), "content-type": contentType }, body: template });
    }
    await session.send({ method: operation.method, path: base, headers: session.jsonHeaders(), body: template.replace('"fuzz"', JSON.stringify("x".repeat(2 * 1024 * 1024))) });
  }
  const anyRoute = "/v1/runs";
  const headerCases: Array<Record<string, string>> = [
    { authorization: "Bearer" },
    { authorization: "Bearer " },
    { authorization: `bearer ${session.apiKey}` },
    { authorization: `BEARER   ${session.apiKey}` },
    { authorization: `Bearer ${"k".repeat(8_000)}` },
    { authorization: "Basic Zm9vOmJhcg==" },
    { "x-large": "v".repeat(20_000), authorization: `Bearer ${session.apiKey}` },
    { authorization: `Bearer ${session.apiKey}`, accept: "text/html" },
  ];
  for (const headers of headerCases) await session.send({ method: "GET", path: anyRoute, headers });
  for (const method of ["PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "PROPFIND"]) await session.send({ method, path: anyRoute, headers: session.jsonHeaders() });
  for (const path of ["/v1/runs/../../etc/passwd", "/v1/runs/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/v1//runs", "/v1/runs/", "//v1/runs", `/v1/runs/${"a".repeat(9_000)}`, "/v1/runs?limit=1&limit=2", "/v1/runs?%", "/%", "/v1/runs/%E0%A4%A", "/v1/runs?agent[]=x", "/v1/runs?agent[$ne]=x", "/v1/runs?__proto__[x]=1", "/v1/runs?constructor[prototype][x]=1"]) {
    await session.send({ method: "GET", path, headers: session.jsonHeaders() });
  }
}

/** Arbitrary text: ordinary, nasty, or random code units (lone surrogates included). */
const anyText = fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 40 }), fc.string({ unit: "binary", maxLength: 20 }), fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 12 }));

/** Arbitrary JSON-like values, nasty text and numbers included, keys too. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    anyText,
    fc.double(),
    fc.integer(),
    fc.constantFrom(...NASTY_NUMBERS),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(anyText, fc.constantFrom(...POLLUTING_KEYS)), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/** Sends `runs` generated requests, one operation and one mutation of its inputs each. */
export async function sendGenerated(session: FuzzSession, operations: FuzzOperation[], runs: number, seed: number): Promise<void> {
  const requestArbitrary = fc
    .record({
      operation: fc.constantFrom(...operations),
      pathValue: fc.oneof(anyText, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/)),
      query: fc.array(fc.tuple(fc.oneof(fc.constantFrom("agent", "status", "createdAfter", "createdBefore", "limit", "cursor"), anyText), fc.oneof(anyText, fc.integer().map(String), fc.date({ noInvalidDate: false }).map((date) => (Number.isNaN(date.getTime()) ? "Invalid Date" : date.toISOString())))), { maxLength: 3 }),
      body: fc.record(
        {
          agent: fc.oneof(fc.constantFrom("echo", "broken", "waiting", "scarce"), anyText),
          intent: anyText,
          input: fc.oneof(fc.record({ text: anyText }), anyJson),
          idempotencyKey: anyText,
          async: fc.oneof(fc.boolean(), anyJson),
          timeoutMs: fc.oneof(fc.integer(), fc.double(), fc.constantFrom(...NASTY_NUMBERS)),
          extra: anyJson,
        },
        { requiredKeys: ["agent", "input"] },
      ),
      authorized: fc.integer({ min: 0, max: 9 }).map((draw) => draw < 8),
    })
    .map(({ operation, pathValue, query, body, authorized }) => {
      const queryText = query.map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`).join("&");
      const path = `${fillPath(operation, pathValue)}${queryText ? `?${queryText}` : ""}`;
      const headers: Record<string, string> = authorized ? { authorization: `Bearer ${session.apiKey}`, "content-type": "application/json" } : { "content-type": "application/json" };
      // waiting runs hold the host for their full time: keep generated ones short.
      const sentBody = operation.bodySchema ? JSON.stringify(body.agent === "waiting" ? { ...body, timeoutMs: 50 } : body) : undefined;
      return { method: operation.method, path, headers, ...(sentBody === undefined ? {} : { body: sentBody }) } satisfies RawRequest;
    });
  await fc.assert(
    fc.asyncProperty(requestArbitrary, async (request) => {
      await session.send(request);
      return true;
    }),
    { numRuns: runs, seed, endOnFailure: true },
  );
}

import { z } from "zod";

/** RFC 9457 problem document of every error response. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    fieldErrors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    runId: z.string().optional(),
    retryAfterSeconds: z.number().int().optional(),
  })
  .meta({ id: "Problem", description: "An error (RFC 9457 problem details), sent as application/problem+json." });

/** A response entry for an error status, documented with the problem media type. */
function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: problemSchema } } };
}

/** Error responses every authenticated route can give. */
export const authenticatedErrorResponses = {
  400: problemResponse("The request is invalid (a field outside its limits, an integer query parameter not in plain decimal digits, a key repeated within one JSON object); `fieldErrors` says which fields."),
  401: problemResponse("No API key, or an unknown or revoked one."),
  403: problemResponse("The API key lacks the scope the route needs (see the route's description), or a session request lacks its CSRF token."),
  500: problemResponse("Unexpected failure; details are logged, never sent."),
} as const;

/** Error responses of every route that reads a JSON body: the body is refused before the route's handler sees it. */
export const bodyErrorResponses = {
  400: problemResponse("The body is not valid JSON, repeats a key within one object, or breaks the route's rules; `fieldErrors` says which fields."),
  413: problemResponse("The body is larger than the limit."),
  415: problemResponse("The body is not JSON, is declared in a charset other than UTF-8, or is sent in a content coding (`Content-Encoding: gzip`; the answer names `identity` in `Accept-Encoding`)."),
} as const;

/** Builds the problem responses of a route for more statuses. */
export function problemResponses<Status extends number>(descriptions: Record<Status, string>) {
  return Object.fromEntries(Object.entries(descriptions).map(([status, description]) => [status, problemResponse(description as string)])) as Record<
    Status,
    ReturnType<typeof problemResponse>
  >;
}

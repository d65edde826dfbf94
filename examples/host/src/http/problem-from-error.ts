import { ERROR_CODES, type FieldError } from "@neonhub/core";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ConnectionApiError } from "./host-error.js";
import { createProblem, HOST_ERROR_CODES, problemFromNeonhubError, type ProblemDetails } from "./problem-details.js";

const CODE_BY_CLIENT_STATUS: Readonly<Record<number, string>> = Object.freeze({
  400: ERROR_CODES.VALIDATION_FAILED,
  401: ERROR_CODES.UNAUTHORIZED,
  403: HOST_ERROR_CODES.FORBIDDEN,
  404: HOST_ERROR_CODES.NOT_FOUND,
  413: HOST_ERROR_CODES.PAYLOAD_TOO_LARGE,
  415: HOST_ERROR_CODES.UNSUPPORTED_MEDIA_TYPE,
});

interface FastifyLikeError {
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  validation?: unknown;
  validationContext?: unknown;
}

/**
 * Normalises anything thrown while handling a request into a problem document. Client mistakes keep their
 * status with a safe message; anything unexpected becomes a 500 without details (the caller logs the error).
 */
export function problemFromError(error: unknown): ProblemDetails {
  const fromCore = problemFromNeonhubError(error);
  if (fromCore) return fromCore;
  if (error instanceof ConnectionApiError) return createProblem(error.status, error.code, error.message, error.status === 400 ? { fieldErrors: [] } : {});
  if (typeof error !== "object" || error === null) return internalProblem();
  const candidate = error as FastifyLikeError;

  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = typeof candidate.validationContext === "string" ? candidate.validationContext : "request";
    const fieldErrors: FieldError[] = error.validation.map((issue) => ({
      path: [where, ...issue.instancePath.split("/").filter((segment) => segment.length > 0)].join("."),
      message: issue.message ?? "is invalid",
    }));
    return createProblem(400, ERROR_CODES.VALIDATION_FAILED, `The ${where} is invalid.`, { fieldErrors });
  }

  const status = typeof candidate.statusCode === "number" ? candidate.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code = CODE_BY_CLIENT_STATUS[status] ?? `HTTP_${status}`;
    const detail = typeof candidate.message === "string" && candidate.message.length > 0 ? candidate.message : "The request is invalid.";
    return createProblem(status, code, detail, status === 400 ? { fieldErrors: [] } : {});
  }
  return internalProblem();
}

function internalProblem(): ProblemDetails {
  return createProblem(500, HOST_ERROR_CODES.INTERNAL_ERROR, "The server could not handle the request.");
}

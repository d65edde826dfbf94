import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fastifyPlugin from "fastify-plugin";
import { bearerChallenge } from "../http/bearer-challenge.js";
import { createProblem, HOST_ERROR_CODES, type ProblemDetails } from "../http/problem-details.js";
import { locateFieldErrors, type RouteSchemas } from "../http/locate-field-errors.js";
import { problemFromError } from "../http/problem-from-error.js";

/** Media type of every error response (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** Sends a problem document with its status, its `Retry-After` header and, on a 401, the bearer challenge. */
export function sendProblem(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  if (problem.retryAfterSeconds !== undefined) reply.header("retry-after", String(problem.retryAfterSeconds));
  if (problem.status === 401) reply.header("www-authenticate", bearerChallenge(reply.request.headers.authorization));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

/** Answers any error, logging what is not the caller's fault with its stack (never sent to the caller). */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = problemFromError(error);
  if (problem.fieldErrors && problem.fieldErrors.length > 0) {
    problem.fieldErrors = locateFieldErrors(problem.fieldErrors, request.routeOptions?.schema as RouteSchemas | undefined);
  }
  if (problem.status >= 500 && problem.code !== "CIRCUIT_OPEN") {
    request.log.error({ err: error, code: problem.code }, "request failed");
  } else {
    request.log.info({ code: problem.code, status: problem.status }, "request rejected");
  }
  return sendProblem(reply, problem);
}

async function problemDetailsPlugin(fastify: FastifyInstance): Promise<void> {
  fastify.setErrorHandler(handleError);
  fastify.setNotFoundHandler((request, reply) =>
    sendProblem(reply, createProblem(404, HOST_ERROR_CODES.NOT_FOUND, `No route ${request.method} ${request.url.split("?")[0]}.`)),
  );
}

/**
 * Turns every error and unknown route into an `application/problem+json` answer. Register it first, on the root
 * instance, so that it covers every route.
 */
export const problemDetails = fastifyPlugin(problemDetailsPlugin, { name: "neonhub-problem-details", fastify: "5.x" });

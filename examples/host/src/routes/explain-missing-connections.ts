import type { FastifyInstance } from "fastify";
import { createProblem, HOST_ERROR_CODES } from "../http/problem-details.js";
import { sendProblem } from "../plugins/problem-details-plugin.js";

/**
 * On a host without a credentials key, the `/v1/connections` routes do not exist; their 404 says why, instead of
 * only that there is no such route. The code stays `NOT_FOUND`, so clients that read it as "no connections API"
 * (the inspector does) are unchanged.
 */
export async function explainMissingConnections(scope: FastifyInstance): Promise<void> {
  scope.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      createProblem(404, HOST_ERROR_CODES.NOT_FOUND, `No route ${request.method} ${request.url.split("?")[0]}: this host has no connections API, which it starts when NEONHUB_CREDENTIALS_KEY is set.`),
    ),
  );
}

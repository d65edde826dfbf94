import { pino, type DestinationStream, type Logger as PinoLogger } from "pino";
import type { HostConfig } from "../config/host-config.js";

/** Query parameters that carry one-time secrets (OAuth callbacks) and never reach a log. */
const SECRET_QUERY_PARAMETERS = /([?&](?:code|state|access_token|id_token)=)[^&#]*/gi;

/** A request URL with the values of secret query parameters replaced. */
export function redactRequestUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMETERS, "$1[REDACTED]");
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remoteAddress?: string };
}

/** The process logger: JSON lines on standard output, with credentials removed from request logs. */
export function createHostLogger(config: Pick<HostConfig, "logLevel">, destination?: DestinationStream): PinoLogger {
  return pino(
    {
      level: config.logLevel,
      name: "neonhub-host",
      redact: { paths: ["req.headers.authorization", "req.headers.cookie", "headers.authorization"], censor: "[REDACTED]" },
      serializers: {
        req: (request: LoggedRequest) => ({
          method: request.method,
          url: redactRequestUrl(request.url ?? ""),
          host: request.host ?? request.hostname,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
        }),
      },
    },
    destination,
  );
}

import { UnauthorizedError, isNeonhubError } from "@neonhub/core";

/** Why a connector refused the connection's credentials. */
export type ConnectorAuthReason = "unauthorized" | "forbidden" | "needs_reauth" | "revoked" | "missing_connection";

/**
 * The provider refused the connection's credentials, or the connection must be authorized again. Its code is
 * `UNAUTHORIZED`; `details.connector` and `details.reason` tell it apart from a caller that is not authorized.
 */
export class ConnectorAuthError extends UnauthorizedError {
  readonly connector: string;
  readonly reason: ConnectorAuthReason;
  constructor(connector: string, reason: ConnectorAuthReason, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, {
      cause: options.cause,
      details: { connector, reason, ...(options.status === undefined ? {} : { status: options.status }) },
    });
    this.name = "ConnectorAuthError";
    this.connector = connector;
    this.reason = reason;
  }
}

/**
 * True for a connector authorization failure (any copy of the package), optionally of one reason.
 * @example
 * if (isConnectorAuthError(error, "needs_reauth")) notifyOwner(error.details.connector);
 */
export function isConnectorAuthError(value: unknown, reason?: ConnectorAuthReason): value is ConnectorAuthError {
  if (!isNeonhubError(value, "UNAUTHORIZED")) return false;
  const details = value.details ?? {};
  return typeof details.connector === "string" && (reason === undefined || details.reason === reason);
}

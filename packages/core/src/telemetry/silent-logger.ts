import type { Logger } from "../ports/logger.js";

const ignore = (): void => undefined;

/** A logger that drops every line; the default when none is given. */
export const silentLogger: Logger = Object.freeze({
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  child: () => silentLogger,
});

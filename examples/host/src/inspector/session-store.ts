import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { BoundedMap, ConfigurationError, systemClock, type Clock } from "@neonhub/core";

/** A signed-in browser session: the API key it was opened with (as its hash) and its CSRF token. */
export interface InspectorSession {
  /** SHA-256 of the API key, looked up again on every request so that a revoked key ends the session. */
  apiKeyHash: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

/** Options of {@link createSessionStore}. */
export interface SessionStoreOptions {
  /** Sessions kept at most; the least recently used go first. Default 10,000. */
  maxSessions?: number;
  /** A session ends this long after sign-in whatever happens. Default 8 hours. */
  absoluteTtlMs?: number;
  /** A session ends after this long without a request. Default 1 hour. */
  idleTtlMs?: number;
  clock?: Clock;
}

/** Server-side sessions of the inspector, kept in memory: a bounded map from the hash of the session id. */
export interface SessionStore {
  /** Opens a session; the id goes in the cookie only, the token to the page. */
  create(apiKeyHash: string): { id: string; session: InspectorSession };
  /** The live session of a cookie value, its idle timer renewed; null when unknown or expired. */
  find(id: string): InspectorSession | null;
  delete(id: string): void;
  readonly absoluteTtlMs: number;
}

export const DEFAULT_MAX_SESSIONS = 10_000;
export const DEFAULT_SESSION_ABSOLUTE_TTL_MS = 8 * 60 * 60_000;
export const DEFAULT_SESSION_IDLE_TTL_MS = 60 * 60_000;

const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

// Ids are stored hashed: a heap dump or a log of the map's keys does not hand out live sessions.
const digest = (id: string): string => createHash("sha256").update(id).digest("base64url");

/** Compares two CSRF tokens in constant time. */
export function tokensMatch(expected: string, received: string | undefined): boolean {
  if (received === undefined || received.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(expected), Buffer.from(received));
}

/**
 * Creates the session store.
 * @example
 * const sessions = createSessionStore({ idleTtlMs: 30 * 60_000 });
 */
export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const absoluteTtlMs = options.absoluteTtlMs ?? DEFAULT_SESSION_ABSOLUTE_TTL_MS;
  const idleTtlMs = options.idleTtlMs ?? DEFAULT_SESSION_IDLE_TTL_MS;
  for (const [name, value] of Object.entries({ maxSessions, absoluteTtlMs, idleTtlMs })) {
    if (!Number.isInteger(value) || value < 1) throw new ConfigurationError(`createSessionStore: ${name} must be a positive integer.`);
  }
  const clock = options.clock ?? systemClock;
  const sessions = new BoundedMap<string, InspectorSession>(maxSessions);
  return {
    absoluteTtlMs,
    create(apiKeyHash) {
      const id = randomBytes(32).toString("base64url");
      const now = clock.now();
      const session: InspectorSession = { apiKeyHash, csrfToken: randomBytes(32).toString("base64url"), createdAt: now, lastSeenAt: now };
      sessions.set(digest(id), session);
      return { id, session };
    },
    find(id) {
      if (!SESSION_ID_PATTERN.test(id)) return null;
      const key = digest(id);
      const session = sessions.get(key);
      if (!session) return null;
      const now = clock.now();
      if (now - session.createdAt >= absoluteTtlMs || now - session.lastSeenAt >= idleTtlMs) {
        sessions.delete(key);
        return null;
      }
      session.lastSeenAt = now;
      return session;
    },
    delete(id) {
      if (SESSION_ID_PATTERN.test(id)) sessions.delete(digest(id));
    },
  };
}

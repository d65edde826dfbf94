import type { AgentRun } from "../model/agent-run.js";

/**
 * Whether a claimed run was taken over more times than `durability.maxTakeovers` allows: it is then failed with
 * `TAKEOVER_LIMIT` instead of executed, and its takeover is counted as `failed`.
 */
export function isPastTakeoverLimit(run: Pick<AgentRun, "takeovers">, maxTakeovers: number): boolean {
  return run.takeovers > maxTakeovers;
}

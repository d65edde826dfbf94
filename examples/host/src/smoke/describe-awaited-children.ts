/** A child run as a run's `children` shows it. */
export interface ChildView {
  id?: unknown;
  agentName?: unknown;
  status?: unknown;
}

interface StepView {
  kind?: unknown;
  key?: unknown;
  status?: unknown;
  /** The child whose end a `CHILD` step read; hosts before it was shown leave it out. */
  childRunId?: unknown;
}

/** The children a waiting run has not read the end of, and whether some of them have ended. */
export interface AwaitedChildren {
  /** Such as `for 2 child runs of "intake-embed" (1 RUNNING, 1 COMPLETED)`. */
  text: string;
  ended: boolean;
}

const FINAL_STATUSES = new Set(["COMPLETED", "FAILED", "CANCELLED", "TIMED_OUT"]);

// A child's end, once its parent has read it, is journaled at `<start key>/result`; the start key of a child started
// without a `key` of its own is `agent:<name>#<n>`, so that key names the child's agent.
const DERIVED_RESULT_KEY = /^agent:(.+)#\d+\/result$/;

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`;

function countBy(values: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, count]) => `${count} ${value}`);
}

/**
 * The ends the journal holds as read: the children they name, where the steps name them; of the others, how many
 * by agent, and how many under keys that do not name one.
 */
function readEnds(steps: readonly StepView[]): { childRunIds: Set<string>; byAgent: Map<string, number>; unnamed: number } {
  const childRunIds = new Set<string>();
  const byAgent = new Map<string, number>();
  let unnamed = 0;
  for (const step of steps) {
    if (step.kind !== "CHILD" || step.status !== "SUCCEEDED") continue;
    if (typeof step.childRunId === "string") {
      childRunIds.add(step.childRunId);
      continue;
    }
    const agent = DERIVED_RESULT_KEY.exec(String(step.key))?.[1];
    if (agent === undefined) unnamed += 1;
    else byAgent.set(agent, (byAgent.get(agent) ?? 0) + 1);
  }
  return { childRunIds, byAgent, unnamed };
}

/**
 * The children a `WAITING` run waits for: every open child, and every ended child whose end its journal does not
 * hold yet (it reads them when it resumes). Each `CHILD` step names in `childRunId` the child whose end it holds, so
 * exactly the children no step names are described. A host from before steps carried it shows no child in a step:
 * its ends are then told apart by agent only, from the key `agent:<name>#<n>/result`; of an agent's ended children,
 * as many as it has read are left out, and their statuses are named only when that leaves no doubt. Null when it
 * waits for none.
 *
 * `childrenTruncated` is the run view's own: it shows the newest children only. Those left out may be awaited (and,
 * told apart by agent, the ends read of them may hide shown ones), so the text then says that children not shown may
 * be awaited too.
 */
export function describeAwaitedChildren(children: readonly ChildView[], steps: readonly StepView[], childrenTruncated = false): AwaitedChildren | null {
  const read = readEnds(steps);
  const statuses = new Map<string, { open: string[]; ended: string[] }>();
  for (const child of children) {
    if (typeof child.id === "string" && read.childRunIds.has(child.id)) continue;
    const agent = String(child.agentName);
    const entry = statuses.get(agent) ?? { open: [], ended: [] };
    (FINAL_STATUSES.has(String(child.status)) ? entry.ended : entry.open).push(String(child.status));
    statuses.set(agent, entry);
  }
  const groups: string[] = [];
  let endedNamed = 0;
  let endedLeft = 0;
  for (const [agent, { open, ended }] of statuses) {
    const readOfAgent = read.byAgent.get(agent) ?? 0;
    const unread = Math.max(0, ended.length - readOfAgent);
    endedLeft += unread;
    // With ends read under keys that name no agent, which of the ended children they were is not known.
    const named = read.unnamed === 0 ? unread : 0;
    if (open.length + named === 0) continue;
    const endedParts = named === 0 ? [] : readOfAgent === 0 ? countBy(ended) : new Set(ended).size === 1 ? [`${named} ${ended[0]}`] : [`${named} ended`];
    groups.push(`${plural(open.length + named, "child run")} of ${JSON.stringify(agent)} (${[...countBy(open), ...endedParts].join(", ")})`);
    endedNamed += named;
  }
  const endedUnnamed = read.unnamed === 0 ? 0 : Math.max(0, endedLeft - read.unnamed);
  if (endedUnnamed > 0) groups.push(`${plural(endedUnnamed, "ended child run")}`);
  if (groups.length === 0) return childrenTruncated ? { text: "maybe for children not shown", ended: false } : null;
  const more = childrenTruncated ? " and maybe more children not shown" : "";
  return { text: `for ${groups.join(" and ")}${more}`, ended: endedNamed + endedUnnamed > 0 };
}

import { ConfigurationError, UpstreamFailedError, ValidationError } from "@neonhub/core";
import type { ActionInput, ActionOutput, ConnectorDefinition } from "../sdk/connector-definition.js";
import type { ConnectorInvoker, InvokeOptions } from "./create-connector-client.js";

/** Options of {@link paginate}. */
export interface PaginateOptions {
  /** Most items to return; pages are fetched until this many are in hand or the list ends. */
  limit: number;
  /** Options of every page's call (organization, signal, idempotency key outside runs). */
  invoke?: InvokeOptions;
}

/** What {@link paginate} collected. */
export interface PaginateResult<Item> {
  items: Item[];
  /** Pages fetched. */
  pages: number;
  /** True when the list ended within the limit; false when items were left. */
  complete: boolean;
}

/** The item type of a list action's pages. */
export type PageItem<C extends ConnectorDefinition, A extends keyof C["actions"]> = ActionOutput<C, A> extends { items: Array<infer Item> } ? Item : unknown;

/**
 * Walks the pages of a list action until `limit` items are in hand or the list ends. Each page is one call of the
 * action through `invoker` (so inside a run, a recorded step of its own), paced like every call of its connector.
 * @throws UpstreamFailedError (`details.reason: "repeated_cursor"`, not retryable) when a page's `nextCursor` is one
 * this walk already followed: the provider (or a mock fixture) leads back to a page it gave, and the list never ends.
 * @example
 * const { items } = await paginate(connectors, shopifyConnector, "listOrders", { status: "open", limit: 250 }, { limit: 1_000 });
 */
export async function paginate<C extends ConnectorDefinition, A extends keyof C["actions"] & string>(
  invoker: ConnectorInvoker,
  connector: C,
  action: A,
  input: ActionInput<C, A>,
  options: PaginateOptions,
): Promise<PaginateResult<PageItem<C, A>>> {
  if (!Number.isInteger(options.limit) || options.limit < 1) {
    throw new ValidationError("paginate needs a limit of at least 1.", [{ path: "limit", message: "Must be a positive integer" }]);
  }
  if (connector.actions[action]?.paging === undefined) throw new ConfigurationError(`${connector.id}.${action} does not declare paging.`);
  const items: Array<PageItem<C, A>> = [];
  let cursor: string | undefined;
  let pages = 0;
  const followed = new Set<string>();
  for (;;) {
    const page = (await invoker.invoke(connector.id, action, { ...(input as object), ...(cursor === undefined ? {} : { cursor }) }, options.invoke)) as {
      items: Array<PageItem<C, A>>;
      nextCursor: string | null;
    };
    pages += 1;
    items.push(...page.items);
    if (items.length >= options.limit) return { items: items.slice(0, options.limit), pages, complete: items.length === options.limit && page.nextCursor === null };
    if (page.nextCursor === null) return { items, pages, complete: true };
    // Pages short of the limit (empty ones) would otherwise go round the same cursors without end.
    if (followed.has(page.nextCursor)) {
      throw new UpstreamFailedError(`${connector.id}.${action} gave a page cursor it had already given; the list would never end.`, {
        details: { connector: connector.id, action, pages, reason: "repeated_cursor" },
      });
    }
    followed.add(page.nextCursor);
    cursor = page.nextCursor;
  }
}

import { z } from "zod";
import type { ActionDefinition, ConnectorDefinition } from "../sdk/connector-definition.js";

type JsonSchemaObject = { properties?: Record<string, { type?: unknown }>; required?: string[] };

/** An action's input as JSON Schema, as a caller may send it. */
export const inputSchemaOf = (action: ActionDefinition) => z.toJSONSchema(action.input, { io: "input", unrepresentable: "any" }) as JsonSchemaObject;
/** An action's output as JSON Schema, as the caller receives it. */
export const outputSchemaOf = (action: ActionDefinition) => z.toJSONSchema(action.output, { io: "output", unrepresentable: "any" }) as JsonSchemaObject;

/**
 * The actions of `connector` that look like lists of pages (they take a `cursor`, or answer `items` with a
 * `nextCursor`) but declare no paging, so `paginate` would refuse them.
 */
export function undeclaredPagingActions(connector: ConnectorDefinition): string[] {
  return Object.entries(connector.actions)
    .filter(([, action]) => {
      if (action.paging !== undefined) return false;
      const output = outputSchemaOf(action).properties ?? {};
      return "cursor" in (inputSchemaOf(action).properties ?? {}) || (output.items?.type === "array" && "nextCursor" in output);
    })
    .map(([name]) => name);
}

import { ConfigurationError, REPEAT_SAFETIES } from "@neonhub/core";
import type { z } from "zod";
import { baseUrlProblem } from "./base-url-problem.js";
import { checkConnectorOptions } from "./check-connector-options.js";
import type { ActionDefinition, ApiVersionSpec, ConnectorDefinition, ConnectorPlugin } from "./connector-definition.js";

/** Connectors that passed {@link defineConnector}'s checks. */
const checkedConnectors = new WeakSet<object>();

const CONNECTOR_ID = /^[a-z][a-z0-9-]{0,62}$/;
const ACTION_NAME = /^[a-zA-Z][a-zA-Z0-9_.]{0,62}$/;
const AUTH_TYPES = new Set(["none", "api_key", "bearer", "basic", "oauth2"]);

function isSchema(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { safeParse?: unknown }).safeParse === "function";
}

function checkAction(connectorId: string, name: string, action: ActionDefinition): void {
  const where = `Connector "${connectorId}" action "${name}"`;
  if (!ACTION_NAME.test(name)) throw new ConfigurationError(`${where}: names start with a letter and use letters, digits, "_" or ".".`);
  if (typeof action.description !== "string" || action.description.trim() === "") throw new ConfigurationError(`${where} needs a description.`);
  if (!isSchema(action.input) || !isSchema(action.output)) throw new ConfigurationError(`${where} needs zod "input" and "output" schemas.`);
  if (typeof action.run !== "function") throw new ConfigurationError(`${where} needs a "run" function.`);
  if (typeof action.fixture !== "function") throw new ConfigurationError(`${where} needs a "fixture" function for mock mode.`);
  if (!REPEAT_SAFETIES.includes(action.repeatSafety)) {
    throw new ConfigurationError(`${where} needs repeatSafety, one of ${REPEAT_SAFETIES.join(", ")}: is repeating it after an unknown outcome safe?`);
  }
  if (action.keyRetentionMs !== undefined) {
    if (!Number.isSafeInteger(action.keyRetentionMs) || action.keyRetentionMs <= 0) throw new ConfigurationError(`${where}: keyRetentionMs must be a positive whole number of milliseconds.`);
    if (action.repeatSafety !== "with-key") throw new ConfigurationError(`${where}: keyRetentionMs applies to with-key actions only: it is how long the provider keeps the key.`);
  }
  if (action.docsUrl !== undefined && !isHttpsUrl(action.docsUrl)) throw new ConfigurationError(`${where}: docsUrl must be an https URL.`);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isHttpsUrl(value: unknown): boolean {
  try {
    return typeof value === "string" && new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

function checkApiVersion(connectorId: string, spec: ApiVersionSpec): void {
  const where = `Connector "${connectorId}" apiVersion`;
  if (typeof spec.version !== "string" || spec.version.trim() === "") throw new ConfigurationError(`${where} needs a version.`);
  if (!isHttpsUrl(spec.docsUrl)) throw new ConfigurationError(`${where} needs an https docsUrl.`);
  for (const field of ["deprecatedAt", "sunsetAt"] as const) {
    const value = spec[field];
    if (value !== undefined && (!DATE.test(value) || Number.isNaN(Date.parse(value)))) throw new ConfigurationError(`${where}.${field} must be a YYYY-MM-DD date.`);
  }
}

/**
 * Declares one action with its input type inferred from the `input` schema (so `run` and `fixture` are typed).
 * @example
 * const postMessage = defineAction({
 *   description: "Posts a message",
 *   input: z.object({ channel: z.string(), text: z.string() }),
 *   output: z.object({ ts: z.string() }),
 *   repeatSafety: "unsafe",
 *   run: async (input, ctx) => ({ ts: String((await ctx.http.request({ method: "POST", path: "/post", json: input })).body) }),
 *   fixture: (_input, mock) => ({ ts: mock.id("", 10) }),
 * });
 */
export function defineAction<Input extends z.ZodType, Output extends z.ZodType>(action: ActionDefinition<Input, Output>): ActionDefinition<Input, Output> {
  return action;
}

/**
 * Declares a connector and checks its shape at once, so a mistake fails at import rather than at the first call.
 * @example
 * export const airtable = defineConnector({
 *   id: "airtable", kind: "AIRTABLE", displayName: "Airtable", baseUrl: "https://api.airtable.com",
 *   auth: { type: "bearer" },
 *   // Optional here, required by the contract-test kit (runConnectorContractTests), as are endpoint and docsUrl.
 *   apiVersion: { version: "v0", docsUrl: "https://airtable.com/developers/web/api/changelog" },
 *   connectionTest: { method: "GET", path: "/v0/meta/whoami" },
 *   actions: {
 *     createRecord: defineAction({
 *       description: "Creates a record in a table",
 *       endpoint: "POST /v0/{baseId}/{tableIdOrName}",
 *       docsUrl: "https://airtable.com/developers/web/api/create-records",
 *       input: z.object({ baseId: z.string(), table: z.string(), fields: z.record(z.string(), z.unknown()) }),
 *       output: z.object({ id: z.string() }),
 *       repeatSafety: "unsafe",
 *       run: async (input, ctx) => {
 *         const response = await ctx.http.request({ method: "POST", path: `/v0/${input.baseId}/${input.table}`, json: { fields: input.fields } });
 *         return { id: (response.body as { id: string }).id };
 *       },
 *       fixture: (_input, mock) => ({ id: mock.id("rec", 14) }),
 *     }),
 *   },
 * });
 */
export function defineConnector<const Actions extends Record<string, ActionDefinition>>(
  definition: ConnectorDefinition<Actions>,
): ConnectorDefinition<Actions> {
  // A registry checks what it is given; a connector already checked here is not checked again by every client.
  if (checkedConnectors.has(definition)) return definition;
  const { id } = definition;
  if (typeof id !== "string" || !CONNECTOR_ID.test(id)) {
    throw new ConfigurationError(`Connector id "${String(id)}" is invalid: use lower-case letters, digits and "-", starting with a letter.`);
  }
  if (typeof definition.kind !== "string" || !/^[A-Z][A-Z0-9_]*$/.test(definition.kind)) {
    throw new ConfigurationError(`Connector "${id}" needs an upper-case kind such as "SLACK".`);
  }
  if (typeof definition.displayName !== "string" || definition.displayName.trim() === "") throw new ConfigurationError(`Connector "${id}" needs a displayName.`);
  const baseUrlRefusal = baseUrlProblem(definition.baseUrl);
  if (baseUrlRefusal !== undefined) {
    // A value that may hold a credential (a user name, a password or a token before an "@") is not repeated in the
    // message, which may be logged.
    const shown = String(definition.baseUrl).includes("@") ? "" : `; got "${String(definition.baseUrl)}"`;
    throw new ConfigurationError(`Connector "${id}" needs an absolute https baseUrl: the one given ${baseUrlRefusal}${shown}.`);
  }
  if (!definition.auth || !AUTH_TYPES.has(definition.auth.type)) {
    throw new ConfigurationError(`Connector "${id}" needs auth.type, one of ${[...AUTH_TYPES].join(", ")}.`);
  }
  if (definition.apiVersion !== undefined) checkApiVersion(id, definition.apiVersion);
  const names = Object.keys(definition.actions ?? {});
  if (names.length === 0) throw new ConfigurationError(`Connector "${id}" declares no actions.`);
  for (const name of names) checkAction(id, name, definition.actions[name] as ActionDefinition);
  checkConnectorOptions(definition);
  checkedConnectors.add(definition);
  return definition;
}

/** Groups connectors of a plugin package for `registry.use(plugin)`. */
export function defineConnectorPlugin(plugin: ConnectorPlugin): ConnectorPlugin {
  if (typeof plugin.name !== "string" || plugin.name === "") throw new ConfigurationError("A connector plugin needs a name.");
  if (plugin.connectors.length === 0) throw new ConfigurationError(`Connector plugin "${plugin.name}" has no connectors.`);
  return plugin;
}

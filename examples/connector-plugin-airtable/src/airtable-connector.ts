import { defineAction, defineConnector, defineConnectorPlugin, pageCursor, pageSchema } from "@neonhub/connectors";
import { z } from "zod";

const baseId = z.string().regex(/^app[A-Za-z0-9]{14}$/, "Use the base id (app...) from the Airtable URL.");
const table = z.string().min(1).max(255);
const fieldValues = z.record(z.string(), z.unknown());
const record = z.object({ id: z.string(), createdTime: z.string(), fields: fieldValues });

const tablePath = (input: { baseId: string; table: string }) => `/v0/${input.baseId}/${encodeURIComponent(input.table)}`;

/** Airtable (outside the platform catalog): create and list records with a personal access token. */
export const airtableConnector = defineConnector({
  id: "airtable",
  kind: "AIRTABLE",
  displayName: "Airtable",
  description: "Creates and lists records in Airtable bases.",
  baseUrl: "https://api.airtable.com",
  auth: { type: "bearer", field: "accessToken" },
  // Airtable's "get user ID and scopes": cheap and read-only, it proves the token works.
  connectionTest: { method: "GET", path: "/v0/meta/whoami" },
  // Airtable allows 5 requests per second per base; after a 429 it asks clients to wait 30 seconds.
  rateLimit: { requests: 5, intervalMs: 1_000 },
  // The Web API has one version, in its paths; Airtable announces breaking changes on its changelog.
  apiVersion: { version: "v0", docsUrl: "https://airtable.com/developers/web/api/changelog" },
  retry: { attempts: 3, maxRetryAfterMs: 30_000 },
  actions: {
    createRecord: defineAction({
      description: "Creates one record in a table; `typecast` lets Airtable convert strings to field types.",
      // Airtable has no idempotency key: a second create makes a second record.
      repeatSafety: "unsafe",
      endpoint: "POST /v0/{baseId}/{tableIdOrName}",
      docsUrl: "https://airtable.com/developers/web/api/create-records",
      input: z.object({ baseId, table, fields: fieldValues, typecast: z.boolean().default(false) }),
      output: record,
      async run(input, ctx) {
        const response = await ctx.http.request({ method: "POST", path: tablePath(input), json: { fields: input.fields, typecast: input.typecast } });
        return response.body as z.input<typeof record>;
      },
      fixture: (input, mock) => ({ id: mock.id("rec", 14), createdTime: mock.now().toISOString(), fields: input.fields }),
    }),
    listRecords: defineAction({
      description: "Lists records of a table, optionally filtered by a formula, one page at a time.",
      repeatSafety: "safe",
      // Airtable's `offset` is an opaque token for the next page, not a row number.
      paging: { style: "page-token" },
      endpoint: "GET /v0/{baseId}/{tableIdOrName}",
      docsUrl: "https://airtable.com/developers/web/api/list-records",
      input: z.object({
        baseId,
        table,
        filterByFormula: z.string().optional(),
        pageSize: z.number().int().min(1).max(100).default(100),
        /** The `offset` Airtable answered for the previous page. */
        cursor: pageCursor,
      }),
      output: pageSchema(record),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "GET",
          path: tablePath(input),
          query: { filterByFormula: input.filterByFormula, pageSize: input.pageSize, offset: input.cursor },
        });
        const body = response.body as { records?: z.input<typeof record>[]; offset?: string };
        return { items: body.records ?? [], nextCursor: body.offset ?? null };
      },
      fixture: (input, mock) => ({
        items: Array.from({ length: Math.min(input.pageSize, 2) }, (_, index) => ({
          id: mock.id("rec", 14),
          createdTime: mock.now().toISOString(),
          fields: { Name: `Record ${index + 1}` },
        })),
        nextCursor: null,
      }),
    }),
  },
});

/** The plugin package: `registry.use(airtablePlugin)` or `createConnectorClient({ plugins: [airtablePlugin] })`. */
export const airtablePlugin = defineConnectorPlugin({ name: "@neonhub/example-connector-plugin-airtable", connectors: [airtableConnector] });

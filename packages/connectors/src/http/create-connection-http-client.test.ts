import { ContentRefusedError, type NeonhubError, UpstreamFailedError } from "@neonhub/core";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import type { HttpResponse } from "./http-types.js";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { type LiveHarness, startLiveHarness } from "../testing/start-live-harness.js";

/** A plugin's mapping of its provider's error bodies, written without the SDK's own details. */
function mapCrmResponse(response: HttpResponse): NeonhubError | undefined {
  const body = response.body as { category?: string; message?: string } | null;
  if (response.status >= 500 && body?.category === "INTERNAL_ERROR") return new UpstreamFailedError(`CRM: ${body.message ?? "internal error"}`, { isRetryable: true });
  if (response.status === 409) return new ContentRefusedError(`CRM: ${body?.message ?? "conflict"}`, { reason: "duplicate", details: { category: body?.category } });
  return undefined;
}

const crmConnector = defineConnector({
  id: "crm",
  kind: "CRM",
  displayName: "CRM",
  baseUrl: "https://api.crm.example",
  auth: { type: "bearer" },
  mapResponse: mapCrmResponse,
  actions: {
    createContact: defineAction({
      description: "Creates a contact",
      repeatSafety: "unsafe",
      input: z.object({ email: z.string() }),
      output: z.object({ id: z.string() }),
      run: async (input, ctx) => (await ctx.http.request({ method: "POST", path: "/contacts", json: { properties: input } })).body as { id: string },
      fixture: (_input, mock) => ({ id: mock.id("", 6) }),
    }),
  },
});

describe("errors from a connector's mapResponse", () => {
  let harness: LiveHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("does not repeat an unsafe action after a 5xx that mapResponse turned into an error without a status", async () => {
    harness = await startLiveHarness({
      connector: crmConnector,
      credentials: { accessToken: "crm-token-1" },
      handler: () => ({ status: 502, json: { status: "error", category: "INTERNAL_ERROR", message: "Something went wrong" } }),
      client: { retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } },
    });
    const error = await harness.client.invoke(crmConnector, "createContact", { email: "ada@example.com" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "STEP_OUTCOME_UNKNOWN", details: { connector: "crm", action: "createContact", failureCode: "UPSTREAM_FAILED" } });
    expect(harness.server.requests).toHaveLength(1);
  });

  it("adds the connector, action and status to the error's details and keeps the connector's own", async () => {
    harness = await startLiveHarness({
      connector: crmConnector,
      credentials: { accessToken: "crm-token-1" },
      handler: () => ({ status: 409, json: { status: "error", category: "CONFLICT", message: "Contact already exists. Existing ID: 512" } }),
    });
    await expect(harness.client.invoke(crmConnector, "createContact", { email: "ada@example.com" })).rejects.toMatchObject({
      code: "CONTENT_REFUSED",
      details: { connector: "crm", action: "createContact", status: 409, category: "CONFLICT", reason: "duplicate" },
    });
  });
});

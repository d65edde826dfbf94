import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { GRAPH_API_VERSION, GRAPH_API_VERSION_SPEC, graphApiResponseMapper } from "./graph-api-response.js";

const graphId = (response: { body: unknown }): string => (response.body as { id?: string } | null)?.id ?? "";

/** INSTAGRAM: publish an image on a professional account through the Instagram Graph API's two publishing steps. */
export const instagramConnector = defineConnector({
  id: "instagram",
  kind: "INSTAGRAM",
  displayName: "Instagram",
  description: "Publishes images on Instagram professional accounts.",
  baseUrl: "https://graph.facebook.com",
  apiVersion: GRAPH_API_VERSION_SPEC,
  auth: { type: "bearer", field: "accessToken" },
  // Any Graph token answers /me (a person, a Page or a system user): cheap, read-only, proves the token works.
  connectionTest: { method: "GET", path: `/${GRAPH_API_VERSION}/me` },
  mapResponse: graphApiResponseMapper("instagram", "Instagram"),
  actions: {
    publishMedia: defineAction({
      description: "Creates a media container for a public image URL, then publishes it.",
      repeatSafety: "unsafe",
      endpoint: "POST /{version}/{ig-user-id}/media, then POST /{version}/{ig-user-id}/media_publish",
      docsUrl: "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media_publish",
      input: z.object({
        igUserId: z.string().regex(/^\d+$/, "Use the numeric Instagram professional account id."),
        imageUrl: z.url({ protocol: /^https?$/ }),
        caption: z.string().max(2_200).optional(),
        altText: z.string().max(1_000).optional(),
      }),
      output: z.object({ containerId: z.string().min(1), mediaId: z.string().min(1) }),
      async run(input, ctx) {
        const container = await ctx.http.request({
          method: "POST",
          path: `/${GRAPH_API_VERSION}/${input.igUserId}/media`,
          json: { image_url: input.imageUrl, caption: input.caption, alt_text: input.altText },
        });
        const containerId = graphId(container);
        const published = await ctx.http.request({
          method: "POST",
          path: `/${GRAPH_API_VERSION}/${input.igUserId}/media_publish`,
          json: { creation_id: containerId },
        });
        return { containerId, mediaId: graphId(published) };
      },
      fixture: (_input, mock) => ({
        containerId: String(17_800_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))),
        mediaId: String(17_900_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))),
      }),
    }),
  },
});

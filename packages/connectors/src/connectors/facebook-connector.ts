import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { GRAPH_API_VERSION, GRAPH_API_VERSION_SPEC, graphApiResponseMapper } from "./graph-api-response.js";

/** FACEBOOK: publish a post on a Page's feed (`POST /{version}/{page-id}/feed`) with a Page access token. */
export const facebookConnector = defineConnector({
  id: "facebook",
  kind: "FACEBOOK",
  displayName: "Facebook Pages",
  description: "Publishes posts on Facebook Pages.",
  baseUrl: "https://graph.facebook.com",
  apiVersion: GRAPH_API_VERSION_SPEC,
  auth: { type: "bearer", field: "accessToken" },
  mapResponse: graphApiResponseMapper("facebook", "Facebook Pages"),
  actions: {
    createPagePost: defineAction({
      description: "Publishes a text post, optionally with a link, on a Page's feed.",
      repeatSafety: "unsafe",
      endpoint: "POST /{version}/{page-id}/feed",
      docsUrl: "https://developers.facebook.com/docs/graph-api/reference/page/feed/",
      input: z.object({
        pageId: z.string().regex(/^\d+$/, "Use the numeric Page id."),
        message: z.string().min(1).max(63_206),
        link: z.url({ protocol: /^https?$/ }).optional(),
      }),
      output: z.object({ id: z.string().regex(/^\d+_\d+$/), postId: z.string().min(1) }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: `/${GRAPH_API_VERSION}/${input.pageId}/feed`,
          json: { message: input.message, ...(input.link === undefined ? {} : { link: input.link }) },
        });
        // The id is "{page-id}_{post-id}".
        const id = (response.body as { id?: string }).id ?? "";
        return { id, postId: id.slice(id.indexOf("_") + 1) };
      },
      fixture: (input, mock) => {
        const postId = String(mock.integer(100_000_000, 999_999_999)) + String(mock.integer(1_000_000, 9_999_999));
        return { id: `${input.pageId}_${postId}`, postId };
      },
    }),
  },
});

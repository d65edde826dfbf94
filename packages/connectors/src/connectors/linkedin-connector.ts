import { z } from "zod";
import { defineAction, defineConnector } from "../sdk/define-connector.js";
import { mapLinkedinResponse } from "./linkedin-response.js";

/** The Marketing API version sent as `LinkedIn-Version` (YYYYMM); LinkedIn supports each for a year. */
export const LINKEDIN_API_VERSION = "202610";

// The reserved characters of LinkedIn's "little text" format; unescaped, the text after one may be dropped.
const LITTLE_TEXT_RESERVED = /[\\|{}@[\]()<>#*_~]/g;

/**
 * Escapes plain text for a `commentary` field, which LinkedIn reads as "little text": each of
 * `\ | { } @ [ ] ( ) < > # * _ ~` gets a backslash, so the post shows the text as written.
 */
export function escapeLittleText(text: string): string {
  return text.replace(LITTLE_TEXT_RESERVED, "\\$&");
}

/** LINKEDIN: create a post (`POST /rest/posts`) as a member or an organization. */
export const linkedinConnector = defineConnector({
  id: "linkedin",
  kind: "LINKEDIN",
  displayName: "LinkedIn",
  description: "Publishes posts on LinkedIn.",
  baseUrl: "https://api.linkedin.com",
  // LinkedIn serves each monthly version for at least one year after its release.
  apiVersion: { version: LINKEDIN_API_VERSION, sunsetAt: "2027-10-01", docsUrl: "https://learn.microsoft.com/en-us/linkedin/marketing/versioning" },
  auth: { type: "oauth2", tokenUrl: "https://www.linkedin.com/oauth/v2/accessToken", authorizationUrl: "https://www.linkedin.com/oauth/v2/authorization", issuer: "https://www.linkedin.com/oauth", scopes: ["openid", "profile", "w_member_social"] },
  mapResponse: mapLinkedinResponse,
  connectionTest: { method: "GET", path: "/v2/userinfo" },
  actions: {
    createPost: defineAction({
      description: "Publishes a text post to the main feed; the commentary is plain text, escaped for LinkedIn's little text format.",
      repeatSafety: "unsafe",
      endpoint: "POST /rest/posts",
      docsUrl: "https://learn.microsoft.com/en-us/linkedin/marketing/community-management/shares/posts-api",
      input: z.object({
        author: z.string().regex(/^urn:li:(person|organization):[A-Za-z0-9_-]+$/, "Use a person or organization URN."),
        commentary: z.string().min(1).max(3_000),
        visibility: z.enum(["PUBLIC", "CONNECTIONS", "LOGGED_IN"]).default("PUBLIC"),
      }),
      output: z.object({ id: z.string().min(1) }),
      async run(input, ctx) {
        const response = await ctx.http.request({
          method: "POST",
          path: "/rest/posts",
          headers: { "LinkedIn-Version": LINKEDIN_API_VERSION, "X-Restli-Protocol-Version": "2.0.0" },
          json: {
            author: input.author,
            commentary: escapeLittleText(input.commentary),
            visibility: input.visibility,
            distribution: { feedDistribution: "MAIN_FEED", targetEntities: [], thirdPartyDistributionChannels: [] },
            lifecycleState: "PUBLISHED",
            isReshareDisabledByAuthor: false,
          },
        });
        // The post's URN comes back in a header; the body is empty.
        return { id: response.headers["x-restli-id"] ?? response.headers["x-linkedin-id"] ?? "" };
      },
      fixture: (_input, mock) => ({ id: `urn:li:share:${7_000_000_000_000_000_000n + BigInt(mock.integer(0, 999_999_999))}` }),
    }),
  },
});
